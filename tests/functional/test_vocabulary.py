"""The vocabulary is the one place the domain's words live: adding an area is one entry there and its
questions in a flow file; everything else (the record, the draft, the map, /goto, /help) follows."""

from __future__ import annotations

import textwrap

import pytest

from convo import library, vocabulary
from convo.engine import outputs as out
from convo.flow.loader import load
from convo.flow.yamlfile import YamlProblems
from convo.records import Assessment, PersonalOutcome
from convo.render import render

HOME = vocabulary.Area("home", "Home and housing", "Your home", "circumstances", kind="circumstance")

FLOW = textwrap.dedent("""\
    id: with-a-home
    version: 1
    title: What matters, with their home
    audiences: [practitioner]
    parts:
      - id: c1
        title: Listen and connect
        conversation: 1
        stages:
          - id: housing
            title: Where they live
            area: home
            captures: circumstance
            prompt:
              practitioner: "Where do they live, and how is it for them?"
          - id: outcomes
            title: What matters
            area: outcomes
            captures: outcome
            prompt:
              practitioner: "What matters to them?"
    """)


@pytest.fixture
def home_flow(tmp_path, monkeypatch):
    monkeypatch.setitem(vocabulary.AREAS, HOME.id, HOME)
    path = tmp_path / "with-a-home.yaml"
    path.write_text(FLOW)
    return str(path)


def test_an_area_added_to_the_vocabulary_is_recorded_drafted_and_mapped(home_flow, store, clock):
    conversation = library.start(store, home_flow, "practitioner", clock=clock)
    assert conversation.prompt().area == "home"

    outputs = conversation.send("A flat above the chemist, up two flights of stairs")
    [captured] = [o for o in outputs if isinstance(o, out.Captured)]
    assert (captured.area, captured.kind) == ("home", "circumstance")

    record = conversation.assessment()
    assert [(e.text, e.label) for e in record.circumstances] == [
        ("A flat above the chemist, up two flights of stairs", "Where they live")]
    draft = render(record, "md")
    assert "## Personal circumstances\n\n- A flat above the chemist, up two flights of stairs" in draft

    [part] = conversation.overview()
    housing = next(area for area in part.areas if area.stage == "housing")
    assert (housing.area, housing.title, housing.items, housing.current) == ("home", "Where they live", 1, True)

    conversation.send("")
    assert conversation.prompt().area == "outcomes"
    conversation.send("/goto home")
    assert conversation.prompt().area == "home"
    assert "home" in conversation.send("/help")[0].text


def test_the_map_shows_an_added_area_with_what_it_holds(home_flow, store):
    from convo.tui.widgets.area_map import area_label

    conversation = library.start(store, home_flow, "practitioner")
    conversation.send("A flat above the chemist")
    [part] = conversation.overview()
    assert [str(area_label(area, 0)) for area in part.areas] == ["▶  1 Where they live", "   – What matters"]


def test_a_flow_naming_an_area_the_vocabulary_lacks_is_refused_at_its_line(tmp_path):
    path = tmp_path / "with-a-home.yaml"
    path.write_text(FLOW)
    with pytest.raises(YamlProblems) as caught:
        load(path)
    [problem] = caught.value.problems
    assert str(problem).startswith(
        f"{path}:12:9: parts[0].stages[0].area: Input should be 'details', 'about', 'circumstances'")


def test_every_section_the_vocabulary_names_is_a_list_of_the_record():
    lists = set(Assessment.model_fields)
    outcome_lists = set(PersonalOutcome.model_fields)
    assert set(vocabulary.sections()) <= lists
    for area in vocabulary.AREAS.values():
        if area.section is not None:
            assert area.section in (outcome_lists if area.per_outcome else lists), area.id
    for kind in vocabulary.KINDS.values():
        assert kind.area is None or kind.area in vocabulary.AREAS, kind.id
        if kind.section is not None:
            assert kind.section in lists | outcome_lists, kind.id
    assert all(vocabulary.kind(word).area for word in vocabulary.refile_kinds())


def test_a_practice_fact_may_name_its_area_as_scenarios_written_earlier_did():
    assert [vocabulary.practised_area(word) for word in ("outcome", "barrier", "risk", "own_resources")] == [
        "outcomes", "barriers", "risks", "own_resources"]
