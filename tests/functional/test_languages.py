"""A conversation held in Welsh or English: started in one, switched part-way, each answer kept with its language."""

from __future__ import annotations

from dataclasses import replace

import pytest

from convo import library
from convo.engine import outputs as out
from convo.engine.commands import ChooseLanguage
from convo.engine.state import fold
from convo.events import Answered, Started

FLOW = """\
id: tiny
version: 1
title: {en: Tiny, cy: Bach}
languages: [en, cy]
audiences: [practitioner, carer]
parts:
  - id: only
    title: {en: Only, cy: Unig}
    stages:
      - id: matters
        title: {en: What matters, cy: Beth sy'n bwysig}
        area: outcomes
        captures: outcome
        prompt:
          practitioner: {en: "What matters to them?", cy: "Beth sy'n bwysig iddyn nhw?"}
          carer: {en: "What matters to you?", cy: "Beth sy'n bwysig i chi?"}
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return str(path)


def test_a_conversation_started_in_welsh_asks_in_welsh_and_records_it(store, clock, tiny):
    conversation = library.start(store, tiny, "carer", clock=clock, language="cy")
    assert conversation.prompt().text == "Beth sy'n bwysig i chi?"
    started = store.events(conversation.id)[0].payload
    assert isinstance(started, Started) and started.language == "cy"


def test_switching_language_part_way_keeps_each_answer_in_the_language_it_was_given(store, clock, tiny):
    conversation = library.start(store, tiny, "carer", clock=clock, language="en")
    conversation.send("Seeing my sister on Sundays")
    said = conversation.send("/language cy")
    assert any(isinstance(o, out.Info) and "Gymraeg" in o.text for o in said)
    assert conversation.prompt().title == "Beth sy'n bwysig"
    conversation.send("Mynd i'r capel")
    conversation.handle(ChooseLanguage("en"))
    conversation.send("My garden")
    answers = [e.payload for e in store.events(conversation.id) if isinstance(e.payload, Answered) and e.payload.said]
    assert [(a.text, a.language) for a in answers] == [
        ("Seeing my sister on Sundays", "en"), ("Mynd i'r capel", "cy"), ("My garden", "en")]
    resumed = library.resume(store, conversation.id, clock=clock)
    assert resumed.language == "en"
    assert [item.language for item in resumed.state.items.values()] == ["en", "cy", "en"]


def test_a_language_convo_does_not_speak_is_refused_in_the_language_in_use(store, clock, tiny):
    conversation = library.start(store, tiny, "carer", clock=clock, language="cy")
    said = conversation.send("/language fr")
    assert isinstance(said[0], out.Error) and said[0].text.startswith("Dywedwch pa iaith")
    assert conversation.language == "cy"


def test_an_answer_saved_before_languages_were_kept_reads_as_the_conversations_language(store, clock, tiny):
    conversation = library.start(store, tiny, "carer", clock=clock, language="cy")
    conversation.send("Fy wyrion")
    events = [replace(e, data={k: v for k, v in e.data.items() if k != "language"}) if e.type == "answered" else e
              for e in store.events(conversation.id)]
    assert [item.language for item in fold(events).items.values()] == ["cy"]


def test_a_conversation_started_before_languages_were_kept_is_in_english(store, clock, tiny):
    conversation = library.start(store, tiny, "carer", clock=clock)
    events = store.events(conversation.id)
    events[0] = replace(events[0], data={k: v for k, v in events[0].data.items() if k != "language"})
    assert fold(events).language == "en"


def test_undoing_a_change_of_language_goes_back_to_the_language_before(store, clock, tiny):
    conversation = library.start(store, tiny, "carer", clock=clock, language="en")
    conversation.send("/language cy")
    conversation.send("/undo")
    assert conversation.language == "en" and conversation.prompt().text == "What matters to you?"


def test_the_language_setting_starts_conversations_in_welsh(store, clock, tiny, monkeypatch):
    monkeypatch.setenv("CONVO_LANGUAGE", "cy")
    conversation = library.start(store, tiny, "carer", clock=clock)
    assert conversation.language == "cy" and conversation.prompt().text == "Beth sy'n bwysig i chi?"


def test_convo_plain_takes_language_on_its_command_line(tmp_path, tiny, monkeypatch, capsys):
    from convo.cli import main

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("Fy ngardd\n/end\n"))
    assert main(["plain", "--db", str(tmp_path / "c.db"), "--flow", tiny, "--audience", "carer",
                 "--language", "cy"]) == 0
    assert "Beth sy'n bwysig i chi?" in capsys.readouterr().out
