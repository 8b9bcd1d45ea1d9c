"""Hearing quickly without hearing differently: the index of the phrase patterns' needles skips only
patterns that cannot match, and the model's joined table (the form its file keeps) scores as its three
heads do apart."""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path

import pytest

from convo.flow.yamlfile import YamlProblems
from convo.notice.model import from_dict, joined
from convo.notice.needles import Index, grams, keys, needles
from convo.notice.patterns import FIGURE, Patterns, load_patterns, patterns
from convo.notice.text import normalise

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "notice"


def _every_regex(rules: Patterns, text: str) -> list[tuple[str, str, int, int]]:
    """Where each pattern first matches when every one of them is run: the reference the index must
    agree with (the tier before a negation lowers it)."""
    return [(rule.tier, rule.category, hit.start(), hit.end())
            for rule in (*rules.alert, *rules.ask) if (hit := rule.regex.search(text))]


def _answers() -> list[str]:
    """The development sets whole (disclosures that the patterns were written for, and their
    lookalikes), a fixed sample of the training corpus, and the pattern file's own lines."""
    texts = [json.loads(line)["text"] for path in sorted(DATA.glob("dev*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    training = [json.loads(line)["text"] for path in sorted(DATA.glob("train_*.jsonl"))
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += random.Random(12).sample(training, 3000)
    texts += (ROOT / "flows" / "notice" / "patterns.yaml").read_text(encoding="utf-8").splitlines()
    return [normalise(text) for text in texts]


def test_the_index_finds_exactly_what_running_every_pattern_finds():
    rules, matched, run, every = patterns(), 0, 0, 0
    for text in _answers():
        plain = rules.without_figures(text)
        found = [(match.category, match.start, match.end) for match in rules.find(plain)]
        assert found == [(category, start, end) for _, category, start, end in _every_regex(rules, plain)], text
        matched += len(found)
        run += len(rules.index.candidates(plain))
        every += len(rules.alert) + len(rules.ask)
    assert matched > 300  # the answers exercise the patterns, so agreement means something
    assert run < every / 5  # and the index does skip most patterns


def test_figures_taken_out_through_the_index_are_those_one_expression_takes_out():
    rules = patterns()
    whole = re.compile("|".join(f"(?:{rule.regex.pattern})" for rule in rules.figures))
    changed = 0
    for text in _answers():
        plain = rules.without_figures(text)
        assert plain == whole.sub(FIGURE, text), text
        changed += plain != text
    assert changed > 50


@pytest.mark.parametrize("figures, text", [
    (["b c d", "a b", "c d e"], "a b c d e, then b c d"),  # the earliest first; one taken out hides another
    (["a b c", "a b"], "x a b c y"),  # where two match at the same place, the first in the file
    (["a b", "a b c"], "x a b c y"),
    (["on my own", "my own"], "my own home, on my own"),
])
def test_figures_overlapping_are_taken_out_as_one_alternation_in_the_files_order_would(tmp_path, figures, text):
    listed = "".join(f'  - "{figure}"\n' for figure in figures)
    (tmp_path / "patterns.yaml").write_text(f"figures:\n{listed}alert: {{}}\n", encoding="utf-8")
    rules = load_patterns(tmp_path / "patterns.yaml")
    whole = re.compile("|".join(f"(?:{rule.regex.pattern})" for rule in rules.figures))
    assert rules.without_figures(text) == whole.sub(FIGURE, text) != text


@pytest.mark.parametrize("pattern, matching, without", [
    (r"(?:he|she) (?:hit|hits) me", "she hits me when she's had a drink", "she helps me when she can"),
    (r"took (?:all )?my money", "he took all my money", "he took my dog for a walk"),
    (r"(?:pension|savings) (?:gone|taken)", "my savings gone, just like that", "my pension is paid on a monday"),
    (r"(?:won't|will not) let (?:me|her) (?:out|go)", "he will not let me go", "he won't have it in the house"),
])
def test_needles_are_the_words_a_pattern_cannot_match_without(pattern, matching, without):
    regex = re.compile(pattern)
    found = needles(regex)
    assert found and all(any(needle in matching for needle in group) for group in found)
    index = Index.of([keys(found)])
    assert regex.search(matching) and index.candidates(matching) == [0]
    assert not regex.search(without) and index.candidates(without) == []


@pytest.mark.parametrize("pattern, matching", [
    (r"(?i:took) my money", "TOOK my money"),  # capitals allowed in one part: that part is no needle
    (r"(?=[^.]*money)he took it", "he took it, the money"),  # what a look-ahead sees is not needed here
    (r"(?<!never )took my card", "took my card"),
    (r"(son|daughter) and \1", "son and son"),  # a back reference repeats whatever was matched
    (r"(?:took)++ money", "took money"),  # possessive and atomic groups, lazy repeats
    (r"(?>took|kept) (?:all )*?my money", "kept all all my money"),
    (r"ta?k?e?n? my (?:card|pension)", "t my pension"),  # only the needed letters
    (r"(?x) took \ my \ money  # verbose", "took my money"),
])
def test_every_text_a_pattern_matches_holds_its_needles(pattern, matching):
    regex = re.compile(pattern)
    assert regex.search(matching)
    assert all(any(needle in matching for needle in group) for group in needles(regex))
    assert Index.of([keys(needles(regex))]).candidates(matching) == [0]


@pytest.mark.parametrize("pattern", [
    r"(?:he|she|)\w+ me",  # one way through needs no letters at all
    r"(?i)took my money",  # a match in capitals would be missed by a test in lower case
    r"[a-z]+ed",
    r"(?:took)? ?it",  # only short or optional letters
])
def test_a_pattern_with_no_certain_needles_is_run_on_every_answer(pattern):
    regex = re.compile(pattern)
    assert needles(regex) == ()
    assert Index.of([keys(needles(regex))]).candidates("nothing of the kind") == [0]


def test_an_answer_without_a_patterns_words_does_not_run_it_and_one_with_them_does():
    index = Index.of([keys(needles(re.compile(r"(?:son|daughter) (?:took|kept) my (?:card|pension)")))])
    assert index.candidates("my son kept my pension") == [0]
    assert index.candidates("my son came round for tea") == []  # neither "took" nor "kept"
    assert ("k", "e", "p") in grams("he kept it")


def test_the_joined_table_scores_as_each_head_would_alone():
    categories = ["financial", "physical", "risk_to_life"]
    data = {"heads": {
        "concern": {"classes": ["no", "yes"], "bias": [-1.0], "weights": {"w:son": [0.5], "w:card": [1.25]}},
        "alert": {"classes": ["no", "yes"], "bias": [-2.0], "weights": {"w:card": [0.75], "w:hit": [2.0]}},
        "category": {"classes": categories, "bias": [0.1, 0.2, 0.3],
                     "weights": {"w:card": [1.0, -0.5, 0.0], "w:hit": [-0.5, 1.5, 0.0], "w:tea": [0.0, 0.0, 0.2]}},
    }, "thresholds": {"alert": 0.3, "ask": 0.2}}
    model = from_dict(data)
    rows = model.rows({"w:son": 1.0, "w:card": 1.0, "w:hit": 1.0, "w:unknown": 1.0})
    assert model.concern.probabilities(rows)["yes"] == pytest.approx(1 / (1 + math.exp(-(-1.0 + 0.5 + 1.25))))
    assert model.alert.probabilities(rows)["yes"] == pytest.approx(1 / (1 + math.exp(-(-2.0 + 0.75 + 2.0))))
    scores = [0.1 + 1.0 - 0.5, 0.2 - 0.5 + 1.5, 0.3]
    total = sum(math.exp(score) for score in scores)
    assert model.category.probabilities(rows) == pytest.approx(
        {cls: math.exp(score) / total for cls, score in zip(categories, scores, strict=True)})
    # The file keeps the joined form; read back, it is the same model.
    kept = joined(data)
    assert kept["format"] == 2 and kept["rows"]["w:tea"] == [0, 0, 0, 0, 0.2] and joined(kept) is kept
    assert from_dict(kept).table == model.table and from_dict(kept).category == model.category
    # A feature's value other than 1 scales its weights in every head.
    halved = model.rows({"w:card": 0.5})
    assert model.concern.probabilities(halved)["yes"] == pytest.approx(1 / (1 + math.exp(-(-1.0 + 0.625))))


@pytest.mark.parametrize("figure", ["", "(?:, innit)?", "(?:you know)??", "(?:like)*"])
def test_a_figure_of_speech_that_can_match_nothing_is_refused_when_the_file_is_read(tmp_path, figure):
    (tmp_path / "patterns.yaml").write_text(f'figures:\n  - "{figure}"\nalert: {{}}\n', encoding="utf-8")
    with pytest.raises(YamlProblems, match="can match nothing"):
        load_patterns(tmp_path / "patterns.yaml")


def test_a_figure_of_speech_that_captures_is_refused_when_the_file_is_read(tmp_path):
    # What a figure matches is taken out whole: a group would suggest something else is meant.
    (tmp_path / "patterns.yaml").write_text('figures:\n  - "(hit) the roof"\nalert: {}\n', encoding="utf-8")
    with pytest.raises(YamlProblems, match="captures nothing"):
        load_patterns(tmp_path / "patterns.yaml")


def test_a_macro_named_with_a_digit_is_expanded_and_one_no_pattern_can_use_is_refused(tmp_path):
    # {WHO2} was once left in the pattern as literal braces, so the rule never matched and nothing said so.
    (tmp_path / "patterns.yaml").write_text(
        'macros:\n  WHO2: "(?:my son|the lodger)"\nalert:\n  physical:\n    - "{WHO2} hits me"\n', encoding="utf-8")
    rules = load_patterns(tmp_path / "patterns.yaml")
    assert [match.category for match in rules.find("the lodger hits me")] == ["physical"]
    (tmp_path / "patterns.yaml").write_text('macros:\n  who: "(?:he)"\nalert: {}\n', encoding="utf-8")
    with pytest.raises(YamlProblems, match="a macro's name is capital letters"):
        load_patterns(tmp_path / "patterns.yaml")


def test_the_model_is_read_once_however_many_threads_ask_for_it_at_once(monkeypatch):
    """The app reads it in the background; a first answer typed meanwhile waits for that reading rather
    than starting another (1.3 s and 150 MiB more)."""
    import threading

    from convo.notice import model

    reads = []
    read = model.from_dict
    monkeypatch.setattr(model, "from_dict", lambda data: reads.append(1) or read(data))
    model.forget()
    asking = [threading.Thread(target=model.load) for _ in range(3)]
    for thread in asking:
        thread.start()
    for thread in asking:
        thread.join()
    assert len(reads) == 1 and model.load() is model.load()
