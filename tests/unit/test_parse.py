"""Line mode's text and the typed commands faces send are one and the same: each `/command` reads as
one command, and a command given by a key is logged as line mode would type it."""

from __future__ import annotations

import pytest

from convo.engine.commands import (
    Accept,
    Acknowledge,
    Answer,
    Back,
    Capture,
    Dismiss,
    End,
    GoTo,
    Help,
    Move,
    Name,
    RaiseConcern,
    Refile,
    Skip,
    Speaker,
    Undo,
)
from convo.engine.parse import CommandError, parse, spelled

LINES = {
    "She lives in Llandeilo": Answer("She lives in Llandeilo"),
    "": Answer(""),
    "//slash at the start": Answer("/slash at the start"),
    "/skip she would rather not say": Skip("she would rather not say"),
    "/skip": Skip(""),
    "/back": Back(),
    "/goto barriers 2": GoTo("barriers", 2),
    "/goto Outcomes": GoTo("outcomes"),
    "/refile strength": Refile("strength"),
    "/refile support 12": Refile("support", 12),
    "/c2 not safe at home tonight": Move(2, "not safe at home tonight"),
    "/c3": Move(3),
    "/ack": Acknowledge(),
    "/ack 14": Acknowledge(14),
    "/concern Domestic-Abuse he locks her in": RaiseConcern("domestic_abuse", "he locks her in"),
    "/from Carer": Speaker("carer"),
    "/accept": Accept(),
    "/dismiss 7.0": Dismiss("7.0"),
    "/risk falls at night": Capture("risk", "falls at night"),
    "/strength knows every bench": Capture("strength", "knows every bench"),
    "/note seemed tired": Capture("note", "seemed tired"),
    "/name Dilys": Name("Dilys"),
    "/undo": Undo(),
    "/END": End(),
    "/help": Help(),
}


@pytest.mark.parametrize(("line", "command"), LINES.items())
def test_each_line_reads_as_one_command(line, command):
    assert parse(line) == command


@pytest.mark.parametrize("command", LINES.values())
def test_a_command_spelled_as_line_mode_types_it_reads_back_as_itself(command):
    assert parse(spelled(command)) == command


@pytest.mark.parametrize(("line", "says"), [
    ("/teapot", "There is no command /teapot"),
    ("/goto", "/goto needs some words after it"),
    ("/risk", "/risk needs some words after it"),
    ("/name   ", "/name needs some words after it"),
    ("/goto risks two", "two is not the number of an outcome"),
])
def test_what_the_words_alone_show_to_be_wrong_is_said_before_the_engine_sees_it(line, says):
    with pytest.raises(CommandError, match=says):
        parse(line)


def test_a_typed_command_does_what_its_line_does(start):
    by_line = start("what-matters", conversation_id="by-line")
    by_type = start("what-matters", conversation_id="by-type")
    for line in ["Lives alone", "", "/skip not today", "To walk to the river", "", "/goto barriers 1", "Her knees",
                 "/refile risk", "/undo", "/from carer", "/risk she could fall", "/name Dilys", "/end"]:
        said, done = by_line.send(line), by_type.handle(parse(line))
        assert [o for o in said if o.type != "done"] == [o for o in done if o.type != "done"], line
    assert [(e.type, e.data) for e in by_line.events] == [(e.type, e.data) for e in by_type.events]
