"""Harm said plainly, which the trained model (taught mostly on harm said sideways) scored low, and the end
of life talked of calmly, which it read as a risk to life: each kind has phrase patterns or figures of
speech, and these sentences, written for the tests beside them (data/said_plainly.txt,
data/figures_of_ending.jsonl; how they were written is at the top of the first and in docs/noticing.md),
keep them honest both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.hearing import alerts

DATA = Path(__file__).parent / "data"


def _plain() -> list[tuple[bool, str, str]]:
    rows = []
    for line in (DATA / "said_plainly.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sign, rest = line[0], line[1:]
            who, text = rest.split("|", 1)
            rows.append((sign == "+", "carer" if who.startswith("C") else "person", text))
    return rows


def _ending() -> list[tuple[bool, str, str]]:
    rows = [json.loads(line) for line in (DATA / "figures_of_ending.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(row["label"] == "disclosure", row["speaker"], row["text"]) for row in rows]


def _heard(speaker: str, text: str) -> list[str | None]:
    return alerts(text, speaker, "carer" if speaker == "carer" else "practitioner")


@pytest.mark.parametrize(("disclosure", "speaker", "text"), _plain())
def test_said_plainly_raises_the_banner_and_the_same_words_in_everyday_senses_do_not(disclosure, speaker, text):
    assert bool(_heard(speaker, text)) == disclosure


@pytest.mark.parametrize(("disclosure", "speaker", "text"), _ending())
def test_the_end_of_life_talked_of_calmly_raises_no_banner_and_a_death_wanted_sooner_does(disclosure, speaker, text):
    assert bool(_heard(speaker, text)) == disclosure


def test_both_files_hold_both_kinds():
    for rows in (_plain(), _ending()):
        assert sum(d for d, _, _ in rows) >= 45 and sum(not d for d, _, _ in rows) >= 35
