"""Benchmark `--redact` on long answers: seconds to redact 100 KB and 1 MB of several kinds of text.

Prints numbers; asserts nothing. Redaction should grow in step with the answer: a 1 MB paste well
under a second on a 2-core machine.

    python scripts/bench_redact.py
"""

from __future__ import annotations

import time

from convo.redact import redact_text

# Ordinary prose, and the shapes that make a careless pattern rescan: long runs of address
# characters with no "@", many "@" with no domain, digits, dotted runs.
KINDS = {
    "prose": "Ann rang from 07700 900123 about the garden, ann.smith@example.org, SA15 2LA. ",
    "letters": "a",
    "dotted": "a.b-c+d'",
    "at-signs": "a@b@",
    "digits": "0123456789",
    "domains": "x@a-b.",
}


def main() -> None:
    print(f"{'text':<10} {'100 KB':>9} {'1 MB':>9}")
    for name, unit in KINDS.items():
        seconds = []
        for size in (100_000, 1_000_000):
            text = (unit * (size // len(unit) + 1))[:size]
            started = time.perf_counter()
            redact_text(text, ["Ann Smith"])
            seconds.append(time.perf_counter() - started)
        print(f"{name:<10} {seconds[0]:>8.3f}s {seconds[1]:>8.3f}s")


if __name__ == "__main__":
    main()
