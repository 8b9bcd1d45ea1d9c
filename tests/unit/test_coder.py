"""The practice-mode utterance coder: textbook MITI codes, the JSON-lines filter, hostile input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from convo.practice.coder import (
    CODES,
    MI_ADHERENT,
    behaviour,
    behaviours,
    code,
    code_jsonl,
    features,
    load_model,
    question_form,
    split_parts,
)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("What would you like to talk about today?", None),
        ("How do you feel about your drinking?", "I drink a bit more than I should."),
        ("Tell me more about what a good day looks like for you.", "Some days are better than others."),
    ],
)
def test_open_invitations_are_open_questions(text, previous):
    assert code(text, previous) == "open_question"


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("Do you smoke?", None),
        ("Is your daughter living with you?", "My daughter helps me with the shopping."),
    ],
)
def test_yes_no_questions_are_closed_questions(text, previous):
    assert code(text, previous) == "closed_question"


def test_echoing_the_client_is_a_reflection():
    previous = "I worry about falling when I go out on my own."
    assert behaviour(code("So you worry about falling when you go out on your own.", previous)) == "reflection"


def test_naming_the_ambivalence_behind_the_words_is_a_complex_reflection():
    previous = "I want to stay in my own home, but I'm scared after the last fall."
    text = ("It sounds like you're torn: part of you wants your independence,"
            " and part of you is scared of what might happen.")
    assert code(text, previous) == "complex_reflection"


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("You might try the walking group on Tuesdays.", "I get lonely in the afternoons."),
        ("I would recommend that you talk to your GP about your medication.", "The tablets make me dizzy."),
    ],
)
def test_suggesting_what_to_do_is_advice(text, previous):
    assert code(text, previous) == "advice"


def test_stating_facts_in_answer_to_a_question_is_information():
    assert code("Adults should not drink more than fourteen units a week.", "How much is too much?") == "information"


@pytest.mark.parametrize("text", ["Mm-hmm.", "Thank you for coming in today."])
def test_backchannels_and_courtesies_are_other(text):
    assert code(text, "I was tired yesterday.") == "other"


def test_every_code_has_a_behaviour():
    assert {behaviour(c) for c in CODES} == {"question", "reflection", "information_advice", "other"}
    assert {behaviour(c) for c in MI_ADHERENT} == {"other"} and behaviour("persuade") == "information_advice"
    with pytest.raises(ValueError):
        behaviour("confront")


def test_i_d_recommend_is_advice_like_i_would_recommend():
    previous = "The tablets make me dizzy."
    assert code("I'd recommend you speak to your GP.", previous) == "advice"
    assert code("I’d recommend you speak to your GP.", previous) == "advice"
    assert code("I would recommend you speak to your GP.", previous) == "advice"


@pytest.mark.parametrize("text", ["Is there anything else?", "Anything else?",
                                  "OK. Is there anything else you'd like to say?", "Are there any other worries?"])
def test_is_there_anything_else_is_a_closed_question(text):
    assert code(text, "I think that's it.") == "closed_question"


# -- every behaviour in a turn ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("You've been carrying a lot on your own. What worries you most?",
         ["You've been carrying a lot on your own.", "What worries you most?"]),
        ("You've been carrying a lot on your own, and what worries you most?",
         ["You've been carrying a lot on your own.", "What worries you most?"]),
        ("It sounds like you miss her, is that right?", ["It sounds like you miss her, is that right?"]),
        ("What happened? How did you feel?", ["What happened?", "How did you feel?"]),
        ("Mm.", ["Mm."]),
    ],
)
def test_a_turn_is_split_into_its_utterances(text, parts):
    assert split_parts(text) == parts


def test_reflect_then_ask_is_a_reflection_and_a_question():
    parts = behaviours("So you worry about falling when you're on your own. What would help?",
                       "I worry about falling when I'm on my own.")
    assert [p.code for p in parts] == ["simple_reflection", "open_question"]


def test_a_tag_question_does_not_turn_a_reflection_into_a_question():
    parts = behaviours("It sounds like you miss her, is that right?", "I think about Peggy all the time.")
    assert [p.code for p in parts] == ["simple_reflection"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you for telling me that, it took courage.", "affirm"),
        ("You've worked really hard to keep things going.", "affirm"),
        ("Would it be OK if we looked at the mornings together?", "seeking_collaboration"),
        ("What do you think would help?", "seeking_collaboration"),
        ("It's completely up to you.", "emphasising_autonomy"),
        ("You know yourself best.", "emphasising_autonomy"),
        ("You should try the falls clinic.", "persuade"),
    ],
)
def test_mi_adherent_codes_and_advice_without_permission(text, expected):
    assert [p.code for p in behaviours(text, "It's been a hard year.")] == [expected]


def test_advice_after_asking_permission_is_advice_not_persuasion():
    parts = behaviours("Can I share an idea? You might try the walking group on Tuesdays.", "I get lonely.")
    assert [p.code for p in parts] == ["seeking_collaboration", "advice"]
    assert [p.code for p in behaviours("You might try the walking group.", "I get lonely.", permitted=True)] == [
        "advice"]
    assert [p.code for p in behaviours("You might try the walking group.", "What should I do?")] == ["advice"]


def test_a_yes_or_no_question_is_closed_in_the_behaviours_whatever_its_length():
    assert [p.code for p in behaviours("Can you get in and out of the bath?", "It's the bath.")] == ["closed_question"]
    assert [p.code for p in behaviours("Can you tell me about the bath?", "It's the bath.")] == ["open_question"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Who else is around you, family or neighbours?", "closed_question"),
        ("Which day does Gwen come?", "closed_question"),
        ("When did you last drive?", "closed_question"),
        ("Where do you go on Sundays?", "closed_question"),
        ("How often does Carys ring?", "closed_question"),
        ("How long have you lived here?", "closed_question"),
        ("What is there in the town?", "open_question"),
        ("When you think about the bath, what worries you most?", "open_question"),
        ("How much does chapel matter to you?", "open_question"),
    ],
)
def test_a_question_for_one_specific_fact_is_closed_in_the_behaviours(text, expected):
    assert [p.code for p in behaviours(text, "It's been a hard year.")] == [expected]


def test_proposing_to_work_it_out_together_is_seeking_collaboration():
    parts = behaviours("We can work out together what happens next.", "Don't tell Carys.")
    assert [p.code for p in parts] == ["seeking_collaboration"]


def test_the_persons_own_words_said_back_are_a_reflection_not_emphasising_autonomy():
    said = "Getting up in my own time. My way, in my own time."
    parts = behaviours("Doing things your own way, in your own time.", said)
    assert [behaviour(p.code) for p in parts] == ["reflection"]
    assert [p.code for p in behaviours("Take it in your own time.", "I don't know where to start.")] == [
        "emphasising_autonomy"]


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("What matters most to you?", "open_question"),
        ("OK. And how do you get to the shops?", "open_question"),
        ("Can you tell me about the mornings?", "open_question"),
        ("Do you still drive?", "closed_question"),
        ("You've been busy. Is anyone helping you?", "closed_question"),
        ("You drink every day?", None),
        ("You've carried a lot on your own.", None),
        ("Do you drive? What stops you?", "open_question"),
    ],
)
def test_question_form_is_read_from_the_last_question(text, form):
    assert question_form(text) == form


def test_coding_is_deterministic_across_processes():
    text, previous = "So you feel stuck between your family and your own plans.", "My family wants me to move."
    here = code(text, previous)
    there = subprocess.run(
        [sys.executable, "-c", f"from convo.practice.coder import code; print(code({text!r}, {previous!r}))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.strip()
    assert [code(text, previous) for _ in range(5)] == [here] * 5
    assert there == here


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "Sut wyt ti heddiw? Beth sy'n bwysig i chi?",
        "\x1b[31mWhat matters to you?\x1b[0m",
        "What\x00 matters\x07 to you?\r\n\t",
        "\ud800 lone surrogate",
        "[unintelligible 00:01:18]",
        "?!?!...---",
        "word " * 20_000,
        "x" * 100_000,
    ],
)
def test_hostile_text_is_coded_without_crashing(text):
    assert code(text) in CODES
    assert code(text, text) in CODES


def test_ansi_escapes_do_not_leak_into_features():
    assert features("\x1b[31mDo you smoke?\x1b[0m") == features("Do you smoke?")


def test_non_string_text_is_refused():
    with pytest.raises(TypeError):
        code(None)  # type: ignore[arg-type]


def test_jsonl_adds_a_code_and_keeps_every_other_key(capsys):
    out = io.StringIO()
    lines = [
        json.dumps({"text": "Do you smoke?", "id": 7, "meta": {"trainee": "Siân"}}, ensure_ascii=False),
        "",
        json.dumps({"text": "What brings you here today?", "previous": None}),
    ]
    assert code_jsonl(lines, out) == 0
    written = [json.loads(line) for line in out.getvalue().splitlines()]
    assert written == [
        {"text": "Do you smoke?", "id": 7, "meta": {"trainee": "Siân"}, "code": "closed_question",
         "behaviours": ["closed_question"], "parts": ["Do you smoke?"]},
        {"text": "What brings you here today?", "previous": None, "code": "open_question",
         "behaviours": ["open_question"], "parts": ["What brings you here today?"]},
    ]
    assert "Siân" in out.getvalue()
    assert capsys.readouterr().err == ""


def test_jsonl_reports_each_bad_line_by_number_and_carries_on(capsys):
    out = io.StringIO()
    lines = [
        '{"text": "Do you smoke?"}',
        "not json",
        '["a list"]',
        '{"text": 3}',
        '{"words": "no text key"}',
        '{"text": "And your sleep?", "previous": 5}',
        '{"text": "Mm-hmm."}',
    ]
    assert code_jsonl(lines, out) == 5
    assert len(out.getvalue().splitlines()) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == 'line 2: expected a JSON object with a string "text"'
    assert [line.split(":")[0] for line in err] == ["line 2", "line 3", "line 4", "line 5", "line 6"]


def test_jsonl_keeps_lines_with_lone_surrogates_valid():
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8")
    assert code_jsonl(['{"text": "\\ud800 hi"}'], out) == 0
    assert json.loads(raw.getvalue())["text"] == "\ud800 hi"


def test_jsonl_flushes_each_line_as_it_is_coded():
    class Recording(io.StringIO):
        def __init__(self):
            super().__init__()
            self.flushed_at = []

        def flush(self):
            self.flushed_at.append(len(self.getvalue().splitlines()))

    out = Recording()
    code_jsonl(['{"text": "Do you smoke?"}', '{"text": "Mm-hmm."}'], out)
    assert out.flushed_at == [1, 2]


def test_feeling_words_the_turn_adds_to_the_clients_are_counted_and_only_the_reflection_head_weighs_them():
    added = features("It sounds like the nights are lonely without Peggy.",
                     "Some nights I talk to her side of the bed.")
    repeated = features("You feel lonely at night.", "I feel so lonely at night.")
    assert "feel:new:1" in added and "feel:repeated" not in added
    assert "feel:new:0" in repeated and "feel:repeated" in repeated
    heads = load_model()["heads"]
    assert any(name.startswith("feel:") for name in heads["reflection"]["weights"])
    assert not any(name.startswith("feel:") for head in ("behaviour", "question", "information_advice", "joint")
                   for name in heads[head]["weights"])
