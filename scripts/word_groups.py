"""Make convo/notice/word_groups.json.gz: the words of the corpus and of an English vocabulary in groups of
words that mean alike, which the concern model reads beside the words themselves.

A word's meaning is taken from WordLlama's token embeddings (the `l2_supercat_256` weights and tokenizer
that come inside the `wordllama` wheel, MIT licence; made from the token embeddings of large language
models, Llama 2 first among them): a word is the mean of its tokens' vectors, and k-means puts the words in
GROUPS groups. The words are those said at least twice in the training files (data/notice/train_*.jsonl)
and every whole English word of the tokenizer's vocabulary, so a word the corpus never used may still be
in the group of one it did ("thumped" with "bumped", "frightened" with "scared").

Needs the `train` extra (scikit-learn and wordllama); nothing is downloaded (the weights are in the
wheel). The shipped detector reads only the file this writes, with the standard library. Changing the
groups needs the model retrained (python scripts/train_notice.py): its weights name groups by number.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from train_notice import load  # noqa: E402  (beside this script)

from convo.notice.model import GROUPS_PATH  # noqa: E402
from convo.notice.text import normalise, tokens  # noqa: E402

GROUPS = 1000
SEED = 0
MIN_SAID = 2
WEIGHTS, TOKENIZER = "weights/l2_supercat_256.safetensors", "tokenizers/l2_supercat_tokenizer_config.json"


def corpus_words() -> Counter[str]:
    """How often each word is said in the training files (the frozen and development sets are not read)."""
    said: Counter[str] = Counter()
    for example in load():
        said.update(tokens(normalise(example.text)))
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", type=Path, default=GROUPS_PATH)
    args = parser.parse_args(argv)

    import numpy as np
    import wordllama
    from safetensors.numpy import load_file
    from sklearn.cluster import MiniBatchKMeans
    from tokenizers import Tokenizer

    home = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(home / TOKENIZER))
    vectors = next(iter(load_file(str(home / WEIGHTS)).values())).astype(np.float32)
    said = corpus_words()
    words = {word for word, count in said.items() if count >= MIN_SAID and re.search(r"[a-zâêîôûŵŷ]", word)}
    words |= {token[1:] for token in tokenizer.get_vocab()
              if token.startswith("▁") and re.fullmatch(r"[a-z']+", token[1:]) and len(token) > 2}
    ordered = sorted(words)
    table = np.zeros((len(ordered), vectors.shape[1]), np.float32)
    for row, encoded in enumerate(tokenizer.encode_batch(ordered, add_special_tokens=False)):
        table[row] = vectors[encoded.ids or [0]].mean(axis=0)
    table /= np.linalg.norm(table, axis=1, keepdims=True) + 1e-9
    labels = MiniBatchKMeans(n_clusters=GROUPS, random_state=SEED, batch_size=4096, n_init=3).fit(table).labels_
    groups: list[list[str]] = [[] for _ in range(GROUPS)]
    for word, label in zip(ordered, labels, strict=True):
        groups[int(label)].append(word)
    with gzip.open(args.output, "wt", encoding="utf-8") as handle:
        json.dump({"made_by": "scripts/word_groups.py", "groups": groups}, handle, ensure_ascii=False,
                  separators=(",", ":"))
    print(f"{len(ordered)} words in {GROUPS} groups; wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
