"""`convo flows check`: each kind of mistake in a flow file is reported as FILE:LINE:COL: message."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from convo.cli import main

GOOD = """\
id: tiny
version: 1
title: Tiny
audiences: [practitioner, carer]
parts:
  - id: only
    title: Only
    stages:
      - id: first
        title: First
        area: circumstances
        captures: circumstance
        prompt:
          practitioner: "How are things?"
          carer: "How are things for you?"
      - id: second
        title: Second
        area: outcomes
        captures: outcome
        prompt:
          practitioner: "What matters?"
          carer: "What matters to you?"
"""

CASES = {
    "yaml_syntax": (GOOD.replace("title: Tiny", "title: [Tiny"), r":\d+:\d+: YAML syntax"),
    "unknown_key": (GOOD.replace("        captures: outcome\n", "        captures: outcome\n        colour: red\n"),
                    r":20:9: parts\[0\]\.stages\[1\]\.colour: unknown key"),
    "duplicate_id": (GOOD.replace("id: second", "id: first"), r":16:9: duplicate id 'first' \(first used on line 9\)"),
    "missing_stage": (GOOD.replace("        captures: circumstance\n",
                                   "        captures: circumstance\n        next: nowhere\n"),
                      r":13:9: 'next' goes to 'nowhere', which is not a stage"),
    "unreachable": (GOOD.replace("        captures: circumstance\n",
                                 "        captures: circumstance\n        next: end\n"),
                    r":17:9: stage 'second' cannot be reached"),
    "no_prompt_for_audience": (GOOD.replace('          carer: "What matters to you?"\n', ""),
                               r":20:9: no prompt for audience 'carer'"),
    "bad_condition": (GOOD.replace("        captures: circumstance\n",
                                   "        captures: circumstance\n        skip_when: outcomes is lots\n"),
                      r":13:9: cannot read condition 'outcomes is lots'"),
    "condition_on_missing_stage": (GOOD.replace("        captures: circumstance\n",
                                                "        captures: circumstance\n        skip_when: visited ghost\n"),
                                   r":13:9: condition names 'ghost', which is not a stage"),
    "bad_area": (GOOD.replace("area: outcomes", "area: feelings"),
                 r":18:9: parts\[0\]\.stages\[1\]\.area: Input should be"),
    "bad_template": (GOOD.replace('"What matters?"', '"What matters {{ outcome"'), r":21:11: template: "),
    "unknown_template_name": (GOOD.replace('"What matters?"', '"What matters to {{ client }}?"'),
                              r":21:11: template uses 'client'"),
    "alias": (GOOD.replace("audiences: [practitioner, carer]", "audiences: &a [practitioner, carer]\nx: *a"),
              r":5:4: aliases \(\*name\) are not allowed here"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_mistake_is_reported_with_its_position(name, tmp_path, capsys):
    text, expected = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    assert main(["flows", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(str(path) + ":"), err
    assert re.search(expected, err), err
    assert "Traceback" not in err


def test_a_good_flow_passes(tmp_path, capsys):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD)
    assert main(["flows", "check", str(path)]) == 0


def test_shipped_flows_lexicons_and_scenarios_pass(capsys):
    assert main(["flows", "check"]) == 0, capsys.readouterr().err


def test_a_concern_wording_missing_in_welsh_is_reported_with_its_position(tmp_path, capsys):
    from convo.paths import flows_dir

    shipped = (flows_dir() / "notice" / "concerns.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(shipped) if line.startswith("      cy: \"gall yr hyn a ddywedwyd olygu bod "
                                                                    "rhywun yn cymryd"))
    path = tmp_path / "notice" / "concerns.yaml"
    path.parent.mkdir()
    path.write_text("".join(shipped[:at] + shipped[at + 1:]), encoding="utf-8")
    assert main(["flows", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"{path}:{at - 1}:5: no Cymraeg (cy) wording here\n", err  # at the financial alert's key


def test_a_draft_or_web_wording_in_one_language_only_is_reported(tmp_path, capsys):
    for folder, text, where in (("draft", "headings:\n  about: About this conversation\n", "2:3"),
                                ("web", "title:\n  en: Carers\n  cy: Gofalwyr\nback:\n  en: Back\n", "4:1")):
        path = tmp_path / folder / "wording.yaml"
        path.parent.mkdir()
        path.write_text(text)
        assert main(["flows", "check", str(path)]) == 1
        assert capsys.readouterr().err.startswith(f"{path}:{where}: "), folder


def test_a_missing_file_is_one_line(tmp_path, capsys):
    assert main(["flows", "check", str(tmp_path / "nope.yaml")]) == 1
    assert "cannot read file" in capsys.readouterr().err


def test_the_engine_refuses_an_invalid_flow_with_the_same_messages(tmp_path, db_path):
    path = tmp_path / "broken.yaml"
    path.write_text(CASES["missing_stage"][0])
    result = subprocess.run([sys.executable, "-m", "convo.cli", "plain", "--flow", str(path), "--db", str(db_path)],
                            capture_output=True, text=True, input="")
    assert result.returncode == 1
    assert re.search(CASES["missing_stage"][1], result.stderr) and "Traceback" not in result.stderr


def test_a_custom_flow_file_can_be_held_and_resumed(tmp_path, db_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD)
    run = [sys.executable, "-m", "convo.cli", "plain", "--db", str(db_path)]
    subprocess.run(run + ["--flow", str(path), "--audience", "carer"], input="Fine\n", capture_output=True, text=True)
    ident = subprocess.run(run[:3] + ["list", "--db", str(db_path)], capture_output=True, text=True).stdout.split()[0]
    resumed = subprocess.run(run + ["--resume", ident, "--jsonl"], input="", capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr


def test_diagram_is_mermaid_with_every_stage():
    from convo import library
    from convo.flow.diagram import mermaid

    flow, _ = library.get("three-conversations")
    text = mermaid(flow)
    assert text.startswith("flowchart TD")
    assert all(stage in text for stage in flow.order)
    assert "c1-next -- choice c1-next == crisis --> crisis-safe" in text


def test_a_conversation_whose_stage_was_removed_from_the_flow_carries_on_at_the_first_unexplored(tmp_path, db_path):
    from convo import library
    from convo.store import Store

    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD.replace("  - id: only", "  - id: only").replace(
        "      - id: second", "      - id: middle\n        title: Middle\n        area: circumstances\n"
        "        captures: circumstance\n        prompt:\n          practitioner: \"And?\"\n"
        "          carer: \"And for you?\"\n      - id: second"))
    with Store(db_path) as store:
        conversation = library.start(store, str(path), "practitioner")
        conversation.send("Fine")
        conversation.send("")
        assert conversation.position.stage == "middle"
        path.write_text(GOOD)  # a new version of the flow without 'middle'
        resumed = library.resume(store, conversation.id)
        assert resumed.position.stage == "second"
        assert [c.text for c in resumed.assessment().circumstances] == ["Fine"]
