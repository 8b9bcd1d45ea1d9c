"""Hypothesis: whatever is typed, the engine never raises, keeps the words exactly and renders every format."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convo import library
from convo.engine import outputs as out
from convo.render import FORMATS, render
from convo.store import Store

COMMANDS = ["/skip", "/skip tired", "/back", "/undo", "/goto outcomes", "/goto barriers 1", "/risk x", "/strength y",
            "/note z", "/c2", "/c3", "/c3 because", "/from carer", "/from person", "/refile risk", "/accept",
            "/dismiss", "/help", "/goto", "/refile"]

lines = st.one_of(
    st.text(min_size=0, max_size=200).filter(lambda s: "\n" not in s and "\r" not in s),
    st.sampled_from(COMMANDS),
    st.just(""),
    st.sampled_from(["change", "keep", "yes", "no", "1", "2", "3", "[bold]x[/]", "{{ 7*7 }}", "\x1b[2J", "\x00"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(lines, min_size=1, max_size=15), flow=st.sampled_from(["three-conversations", "what-matters"]))
def test_any_sequence_of_lines_is_taken_safely(tmp_path_factory, script, flow):
    path = tmp_path_factory.mktemp("fuzz") / "c.db"
    with Store(path) as store:
        conversation = library.start(store, flow, "practitioner")
        typed = set()
        for line in script:
            outputs = conversation.send(line)
            assert isinstance(outputs[-1], (out.Prompt, out.Done))
            typed.add(line[1:] if line.startswith("//") else line)
            typed.add(line.partition(" ")[2].strip())  # words given to /risk, /strength, /note
        record = conversation.assessment()
        assert {item.text for item in conversation.state.items.values()} <= typed
        for fmt in FORMATS:
            assert render(record, fmt)
        resumed = library.resume(store, conversation.id)
        assert resumed.assessment() == record
