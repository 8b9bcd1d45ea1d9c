"""A flow written in English and Welsh: each wording given per language, and the checker refusing one missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from convo.flow.loader import load
from convo.flow.yamlfile import YamlProblems

BILINGUAL = """\
id: tiny
version: 1
title: {en: Tiny, cy: Bach}
languages: [en, cy]
audiences: [practitioner]
parts:
  - id: only
    title: {en: Only, cy: Unig}
    stages:
      - id: first
        title: {en: First, cy: Cyntaf}
        area: outcomes
        captures: outcome
        prompt:
          practitioner:
            en: "What matters to you?"
            cy: "Beth sy'n bwysig i chi?"
        choices:
          - value: home
            label: {en: Home, cy: Cartref}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bilingual_flow_reads_in_either_language(tmp_path):
    path = _write(tmp_path, BILINGUAL)
    english, welsh = load(path), load(path, "cy")
    assert english.steps["first"].prompt["practitioner"] == "What matters to you?"
    assert welsh.steps["first"].prompt["practitioner"] == "Beth sy'n bwysig i chi?"
    assert welsh.steps["first"].choices[0].label == "Cartref"
    assert welsh.title == "Bach" and welsh.file.parts[0].title == "Unig"
    assert english.languages == ("en", "cy") and english.in_language("cy").language == "cy"
    assert english.hash == welsh.hash, "both languages are one flow: saved conversations refer to its hash"


def test_a_prompt_missing_in_welsh_is_refused_at_its_place(tmp_path):
    path = _write(tmp_path, BILINGUAL.replace('            cy: "Beth sy\'n bwysig i chi?"\n', ""))
    with pytest.raises(YamlProblems) as refused:
        load(path)
    assert [str(p) for p in refused.value.problems] == [f"{path}:15:11: no Cymraeg (cy) wording here"]


def test_a_prompt_in_one_language_only_is_refused_in_a_flow_written_in_two(tmp_path):
    text = BILINGUAL.replace('          practitioner:\n            en: "What matters to you?"\n'
                             '            cy: "Beth sy\'n bwysig i chi?"\n',
                             '          practitioner: "What matters to you?"\n')
    with pytest.raises(YamlProblems) as refused:
        load(_write(tmp_path, text))
    assert len(refused.value.problems) == 1
    assert ":15:11: wording in one language only: give it as en: …, cy: …" in str(refused.value.problems[0])


def test_flows_check_reports_the_missing_language_as_file_line_col(tmp_path, capsys):
    from convo.cli import main

    path = _write(tmp_path, BILINGUAL.replace("label: {en: Home, cy: Cartref}", "label: {en: Home}"))
    assert main(["flows", "check", str(path)]) == 1
    assert f"{path}:20:13: no Cymraeg (cy) wording here" in capsys.readouterr().err
