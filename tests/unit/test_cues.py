"""Cues from the lexicons: whole words, simple inflections, never a change to the record."""

from __future__ import annotations

import pytest

from convo.notice import lexicons as cues


def found(text: str, area: str = "circumstances", audience: str = "practitioner") -> list[tuple[str, str]]:
    return [(c.kind, c.term) for c in cues.find(text, area, audience)]


@pytest.mark.parametrize("text, kind, term", [
    ("She values her independence", "so_what", "independence"),
    ("Help with personal care in the mornings", "so_what", "personal care"),
    ("He wants to be kept safe", "so_what", "kept safe"),
    ("she'd be happier at home", "so_what", "happier"),
    ("They need a care package", "service_language", "care package"),
    ("He gets three calls a day", "service_language", "calls a day"),
    ("Her grandson visits", "people", "grandson"),
    ("The chapel is round the corner", "community", "chapel"),
    ("She keeps falling on the stairs", "risk", "falling"),
    ("He fell twice last month", "risk", "fell"),
    ("The house is cold and she can't afford heating", "risk", "house is cold"),
    ("She forgets her insulin when her mood drops", "risk", "forgets her insulin"),
])
def test_each_lexicon_finds_its_words(text, kind, term):
    assert (kind, term) in found(text)


@pytest.mark.parametrize("text", ["The chaplain came", "She is unhappy-go-lucky", "Falconry club", "whither"])
def test_matching_is_whole_word(text):
    kinds_terms = found(text)
    assert ("community", "chapel") not in kinds_terms
    assert ("so_what", "happy") not in kinds_terms
    assert ("risk", "fall") not in kinds_terms


@pytest.mark.parametrize("text, kind, term", [
    ("The Parker family moved in", "community", "Parker"),
    ("He's a keen clubber", "community", "clubber"),
    ("She's a big faller, the physio says", "risk", "faller"),
])
def test_an_inflection_never_makes_a_longer_word(text, kind, term):
    assert (kind, term) not in found(text)


def test_matching_ignores_case_and_curly_apostrophes():
    assert ("so_what", "Personal Care") in found("Help with Personal Care’s hard")


def test_quiet_in_the_area_that_already_asks():
    assert ("people", "daughter") not in found("Her daughter helps", area="others")
    assert ("risk", "fall") not in found("She may fall", area="risks")


def test_follow_up_wording_is_per_audience():
    [cue] = [c for c in cues.find("I need more independence", "circumstances", "carer") if c.kind == "so_what"]
    assert "for you" in cue.text


def test_a_cue_changes_nothing_in_the_record(start):
    conversation = start("what-matters")
    conversation.send("Her daughter helps and she fell")
    record = conversation.assessment()
    assert record.general == {} and [c.text for c in record.circumstances] == ["Her daughter helps and she fell"]


def test_a_risk_mentioned_anywhere_is_asked_about_then_the_conversation_returns(start):
    conversation = start("what-matters")
    reply = conversation.send("She fell on the stairs at Christmas")
    assert reply[-1].stage == "risk-check" and "fell" in reply[-1].text
    reply = conversation.send("She could break a hip and lose the house")
    assert reply[-1].area == "circumstances"
    assert [r.text for r in conversation.assessment().general["risks"]] == ["She could break a hip and lose the house"]


def test_a_term_raises_its_cue_once(start):
    conversation = start("what-matters")
    conversation.send("Her daughter helps")
    again = conversation.send("Her daughter also shops")
    assert not [o for o in again if getattr(o, "kind", "") == "people"]


def test_a_broken_lexicon_is_reported_with_its_position(tmp_path):
    from convo.flow.check import check_paths

    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "bad.yaml").write_text("kind: so_what\ntitle: Bad\nfollow_up: x\npatterns:\n  - '(unclosed'\n")
    [problem] = check_paths([folder / "bad.yaml"])
    assert (problem.line, problem.col) == (5, 5) and "bad pattern" in problem.message
