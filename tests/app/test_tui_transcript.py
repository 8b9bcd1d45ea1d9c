"""The chat log rebuilt from saved events reads like the call as it happened."""

from __future__ import annotations

from convo import library
from convo.store import Store
from convo.tui import transcript
from tests.conftest import pass_opening


def test_history_lists_answers_cues_alerts_skips_and_undos_and_ends_with_the_question(tmp_path):
    store = Store(tmp_path / "c.db")
    c = library.start(store, "three-conversations", "practitioner")
    pass_opening(c)
    opening = len(transcript.from_events(library.resume(store, c.id))) - 1  # the questions passed over
    for line in ["Ann", "/skip no time today", "", "Lives alone", "", "To sing in the chapel choir again",
                 "/accept", "her son hit her", "", "/undo"]:
        c.send(line)
    resumed = library.resume(store, c.id)
    lines = transcript.from_events(resumed)
    text = [line.plain for line in lines]

    assert text[opening] == "convo › Who are you talking with today, and what made them get in touch now?"  # as asked
    assert "you › Ann" in text
    assert "· Left out: Who we're talking with (no time today)" in text
    assert "you › Lives alone" in text
    assert ("? They mentioned chapel. Record it as something in the community that helps or could?"
            "  [suggestion 12.0]") in text
    assert "noted › To sing in the chapel choir again" in text  # the accepted choir cue
    assert any(line.kind == transcript.ALERT and "SAFEGUARDING" in line.plain for line in lines)
    assert text[-2].startswith("· Undone:")
    assert lines[-1] == transcript.from_outputs([resumed.prompt()])[0]


def test_a_blank_send_is_shown_as_moving_on():
    assert transcript.said("").kind == transcript.MOVED_ON
    assert transcript.said("/undo").kind == transcript.COMMAND
    assert transcript.said("//not a command").text == "/not a command"
