"""The record's facts about a conversation: opening questions passed over, who holds it, the local time,
a carer's own views, a choice about one risk, next steps as who / what / when, and a read-back."""

from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest

from convo import config
from convo.engine import outputs as out
from convo.render import render
from tests.conftest import FixedClock


def test_opening_questions_passed_with_enter_are_recorded_as_not_asked(start):
    conversation = start(opening=True)
    while conversation.prompt().stage != "about":
        conversation.send("")
    record = conversation.assessment()
    assert record.not_asked == ["person", "present", "consent", "communication"]
    assert not any(name in record.nothing_said for name in ("Who it's about", "Happy to talk"))
    text = render(record, "md")
    assert "- Consent to this conversation: not asked" in text
    assert "- Happy to talk: not asked" not in text and "- Agreement to the conversation: not asked" in text


def test_an_answer_at_an_opening_question_is_recorded_with_its_label_and_words(start):
    conversation = start(opening=True)
    conversation.send("")  # the offer of Welsh
    for line in ("Ann Hughes", "Gwen, daughter, on the phone", "3", "2 — she lip-reads; face her"):
        conversation.send(line)
    record = conversation.assessment()
    assert [(e.text, e.choice_label) for e in record.consent] == [("3", "Not able to say")]
    assert [(e.text, e.choice) for e in record.communication] == [("2 — she lip-reads; face her", None)]
    assert record.present[0].text == "Gwen, daughter, on the phone"
    assert conversation.prompt().area == "about"


def test_a_carer_writing_about_their_own_life_is_not_asked_the_practitioners_questions(start):
    conversation = start("what-matters", audience="carer")
    assert conversation.prompt().area == "circumstances"
    record = conversation.assessment()
    places = record.not_reached + record.nothing_said + [s.title for s in record.skipped]
    assert not [place for place in places if "Happy to talk" in place or "Capacity" in place]
    assert "Practitioner" not in render(record, "md")


def test_the_practitioner_in_settings_is_written_into_each_conversation_they_start(start, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    config.save(practitioner_name="Rhys Morgan", practitioner_role="Community connector",
                practitioner_team="Aberdare hub")
    path = config.settings_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = start().assessment()
    assert (record.practitioner.name, record.practitioner.role, record.practitioner.team) == (
        "Rhys Morgan", "Community connector", "Aberdare hub")
    config.save(practitioner_name="Someone Else")
    assert start(conversation_id="test-0002").assessment().practitioner.name == "Someone Else"
    assert record.practitioner.name == "Rhys Morgan"  # kept as it was when that conversation started


def test_a_time_zone_that_does_not_exist_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    with pytest.raises(config.SettingsError, match="not a time zone"):
        config.save(time_zone="Europe/Atlantis")


def test_times_are_shown_in_the_local_time_zone_with_its_name(store, monkeypatch):
    from convo import library

    monkeypatch.setenv("CONVO_TIME_ZONE", "Europe/London")
    july = FixedClock(datetime(2026, 7, 1, 9, 30, tzinfo=UTC))
    summer = library.start(store, "what-matters", "practitioner", clock=july)
    record = summer.assessment()
    assert record.time_zone == "Europe/London"
    assert "Started: 01 July 2026, 10:30 BST" in render(record, "md")
    assert '<time datetime="2026-07-01T09:30:01+00:00">01 July 2026, 10:30 BST</time>' in render(record, "html")
    assert record.started_at.isoformat() == "2026-07-01T09:30:01+00:00"  # stored as it happened, in UTC


def test_what_matters_reads_back_and_records_agreement(start):
    conversation = start("what-matters")
    for line in ("Lives in Llanelli", "", "", "To see the sea every week", ""):
        conversation.send(line)
    conversation.send("/goto agreement")
    prompt = conversation.prompt()
    assert "To see the sea every week" in prompt.text and "sound right" in prompt.text
    conversation.send("partly — she would add her sister")
    [agreed] = conversation.assessment().agreement
    assert (agreed.choice, agreed.choice_label) == ("partly", "Partly agreed")
    assert "Partly agreed — she would add her sister" in render(conversation.assessment(), "md")


def test_with_several_risks_a_choice_says_which_one(start):
    conversation = start("what-matters")
    conversation.send("/goto outcomes")
    conversation.send("To walk to the shop")
    conversation.send("/goto risks")
    conversation.send("She could fall on the kerb")
    conversation.send("She could get lost")
    asked = conversation.send("")[-1]
    assert asked.stage == "risk-choice" and "1 “She could fall on the kerb”, 2 “She could get lost”" in asked.text
    unsure = conversation.send("yes")
    assert isinstance(unsure[1], out.Error) and "which one" in unsure[1].text and unsure[-1].stage == "risk-choice"
    beyond = conversation.send("yes 3")
    assert isinstance(beyond[1], out.Error) and unsure[-1].stage == "risk-choice"
    chosen = conversation.send("yes 2")
    assert chosen[-1].stage == "risk-safer" and "She could get lost" in chosen[-1].text
    kerb, lost = conversation.assessment().outcomes[0].risks
    assert kerb.decision is None and lost.decision.choice == "yes"


def test_a_risk_noted_when_it_came_up_is_not_asked_for_again(start):
    conversation = start("what-matters")
    conversation.send("/goto outcomes")
    conversation.send("To walk to the shop")
    conversation.send("")
    conversation.send("change")
    outputs = conversation.send("She is scared of falling on the ice")  # a barrier that names a risk
    assert outputs[-1].stage == "risk-check"
    conversation.send("She broke her wrist last winter")
    while conversation.prompt().stage != "risks":
        conversation.send("")
    assert conversation.prompt().text.startswith("Anything else that could happen?")


def test_a_so_what_follow_up_deepens_the_outcome_it_asks_about(start):
    conversation = start("what-matters")
    conversation.send("/goto outcomes")
    outputs = conversation.send("To keep her independence")
    cue = next(o for o in outputs if isinstance(o, out.Cue) and o.kind == "so_what")
    conversation.send(f"/accept {cue.id}")
    conversation.send("Getting to the post office on her own on Fridays")
    record = conversation.assessment()
    assert [o.text for o in record.outcomes] == ["To keep her independence"]
    assert [m.text for m in record.outcomes[0].meaning] == ["Getting to the post office on her own on Fridays"]
    assert "What it means for them: Getting to the post office" in render(record, "md")


def test_convo_settings_keeps_who_you_are_and_refuses_an_unknown_time_zone(monkeypatch, tmp_path, capsys):
    from convo import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert cli.main(["settings", "--name", "Alys Bevan", "--team", "Duty team", "--time-zone", "Europe/London"]) == 0
    shown = capsys.readouterr().out
    assert "name: Alys Bevan" in shown and "team: Duty team" in shown and "time zone: Europe/London" in shown
    assert cli.main(["settings", "--time-zone", "Mars/Base"]) == 1
    assert "not a time zone" in capsys.readouterr().err
    assert config.load().practitioner_name == "Alys Bevan" and config.load().time_zone == "Europe/London"
