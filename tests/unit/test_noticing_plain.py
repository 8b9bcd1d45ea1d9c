"""Harm said plainly, said sideways and said in Welsh, which the trained model (taught mostly on English harm
said sideways) scored low, and the end of life talked of calmly, which it read as a risk to life: each kind
has phrase patterns or figures of speech, and these sentences, written for the tests beside them (data/;
how each file was written is at its top, and in docs/noticing.md), keep them honest both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.hearing import alert_patterns, alerts

DATA = Path(__file__).parent / "data"


def _plain(name: str = "said_plainly.txt") -> list[tuple[bool, str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
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


@pytest.mark.parametrize(("disclosure", "speaker", "text"), _plain("said_sideways.txt") + _plain("said_in_welsh.txt"))
def test_said_sideways_or_in_welsh_raises_the_banner_and_the_same_words_match_no_alert_pattern(disclosure, speaker,
                                                                                                text):
    if disclosure:
        assert _heard(speaker, text)
    else:
        assert alert_patterns(text) == []


@pytest.mark.parametrize(("disclosure", "speaker", "text"), _ending())
def test_the_end_of_life_talked_of_calmly_raises_no_banner_and_a_death_wanted_sooner_does(disclosure, speaker, text):
    assert bool(_heard(speaker, text)) == disclosure


def test_both_files_hold_both_kinds():
    for rows in (_plain(), _plain("said_sideways.txt"), _plain("said_in_welsh.txt"), _ending()):
        assert sum(d for d, _, _ in rows) >= 45 and sum(not d for d, _, _ in rows) >= 35


@pytest.mark.parametrize(("text", "tier"), [
    ("If I don't give him money he hits me.", "alert"),
    ("I don't know why he hits me.", "alert"),
    ("I never told anyone he hits me.", "alert"),
    ("Nobody knows my son takes my pension.", "alert"),
    ("It's not that my son takes my pension, I give it him.", "ask"),  # denied: worth asking about, never dropped
])
def test_a_negation_lowers_a_pattern_only_when_it_denies_what_the_pattern_hears(text, tier):
    from convo.notice.patterns import patterns
    from convo.notice.text import normalise

    rules = patterns()
    found = rules.find(rules.without_figures(normalise(text)))
    assert found and found[0].tier == tier
