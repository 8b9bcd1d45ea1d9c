"""`convo plain` as other programs use it: a real process, stdin lines in, prompts (or JSON lines) out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROMPT_AREAS = {"details", "about", "circumstances", "outcomes", "barriers", "own_resources", "others", "community",
                "risks", "connect", "crisis", "good_life", "closing"}


def convo(*args: str, db: Path, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "convo.cli", *args], input=stdin, capture_output=True, text=True,
        env={**os.environ, "CONVO_DB": str(db), **(env or {})}, timeout=60,
    )


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# A call opens with questions a practitioner may pass over with Enter: the offer of Welsh, then who it is
# about, who is taking part, consent and communication.
OPENING = ["", "", "", "", ""]
ANSWERS = OPENING + [
    "Megan Lloyd, 29, rang herself", "", "", "Shares a flat in Bangor", "",
    "To stop ending up in A&E", "", "change", "She forgets her insulin when she works nights",
    "", "", "", "", "", "", "", "", "1", "1", "", "", "", "", "yes", "", "Try the dispenser for a week", "", "",
    "",
]


def test_every_line_read_gets_events_then_exactly_one_prompt_or_done(db_path):
    result = convo("plain", "--jsonl", db=db_path, stdin="\n".join(ANSWERS) + "\n")
    assert result.returncode == 0, result.stderr
    objects = jsonl(result.stdout)
    assert objects[0]["type"] == "prompt"
    turns, current = [], []
    for obj in objects[1:]:
        current.append(obj)
        if obj["type"] in ("prompt", "done"):
            turns.append(current)
            current = []
    assert current == []
    assert len(turns) == len(ANSWERS)  # one prompt or done per line read, none left over
    events = {o["type"] for turn in turns for o in turn[:-1]}
    assert events <= {"cue", "alert", "captured", "info", "error"}
    assert turns[-1][-1]["type"] == "done" and all(turn[-1]["type"] == "prompt" for turn in turns[:-1])


def test_prompts_carry_the_documented_fields(db_path):
    objects = jsonl(convo("plain", "--jsonl", db=db_path, stdin="\n".join(ANSWERS) + "\n").stdout)
    prompts = [o for o in objects if o["type"] == "prompt"]
    assert all(p["area"] in PROMPT_AREAS and isinstance(p["text"], str) and p["text"] for p in prompts)
    assert {p["outcome"] for p in prompts} == {None, 0}
    captured = [o for o in objects if o["type"] == "captured"]
    assert captured[0] == {"type": "captured", "id": 7, "kind": "about", "area": "about", "outcome": None,
                           "text": "Megan Lloyd, 29, rang herself", "source": "person", "choice": None}
    done = objects[-1]
    assert done["type"] == "done" and done["id"]


def test_cues_and_alerts_are_typed_objects(db_path):
    objects = jsonl(convo("plain", "--jsonl", db=db_path,
                          stdin="\n" * len(OPENING) + "She wants to be independent\nHe hit her last week\n").stdout)
    cue = next(o for o in objects if o["type"] == "cue")
    assert cue["kind"] == "so_what" and cue["term"] == "independent" and "mean" in cue["text"]
    alert = next(o for o in objects if o["type"] == "alert")
    assert alert["kind"] == "safeguarding" and "duty to report" in alert["text"]
    assert cue["category"] is None


def test_worth_asking_about_is_a_concern_cue_with_its_category(db_path):
    objects = jsonl(convo("plain", "--jsonl", db=db_path,
                          stdin="\n" * len(OPENING) + "My nephew does my banking for me now\n").stdout)
    [concern] = [o for o in objects if o["type"] == "cue" and o["kind"] == "concern"]
    assert concern["category"] == "financial" and concern["text"].startswith("Worth asking about")


def test_plain_text_mode_ends_with_the_id_and_the_draft(db_path):
    result = convo("plain", "--flow", "what-matters", db=db_path, stdin="\n" * len(OPENING) + "Lives alone\n/end\n")
    assert result.returncode == 0
    assert "# Draft what-matters record" in result.stdout
    assert "- Lives alone" in result.stdout
    listed = convo("list", db=db_path).stdout.split("\t")[0]
    assert f"Conversation {listed} is finished." in result.stdout


def test_end_of_input_saves_and_says_how_to_carry_on(db_path):
    result = convo("plain", db=db_path, stdin="\n" * len(OPENING) + "Ann\n")
    ident = convo("list", db=db_path).stdout.split("\t")[0]
    assert f"convo plain --resume {ident}" in result.stderr
    resumed = convo("plain", "--resume", ident, "--jsonl", db=db_path, stdin="/end\n")
    assert jsonl(resumed.stdout)[0]["text"].startswith("Anything else")


def test_a_conversation_in_welsh_has_line_modes_own_words_in_welsh(db_path):
    result = convo("plain", db=db_path, stdin="Cymraeg\nMrs Jones, 84\nMae hi'n byw gyda'i merch\n/end\n")
    ident = convo("list", db=db_path).stdout.split("\t")[0]
    assert "  + cofnodwyd fel manylion adnabod" in result.stdout
    assert f"Mae sgwrs {ident} wedi gorffen." in result.stdout
    assert "recorded as" not in result.stdout and "is finished" not in result.stdout
    english = convo("plain", db=db_path, stdin="\nMrs Jones, 84\n")
    assert "  + recorded as identity" in english.stdout and "Saved. Carry on later with:" in english.stderr


def test_export_writes_every_format_and_refuses_others(db_path, tmp_path):
    convo("plain", db=db_path, stdin="\n" * len(OPENING) + "Ann Bowen\n/end\n")
    ident = convo("list", db=db_path).stdout.split("\t")[0]
    for fmt in ("md", "html", "txt", "json"):
        target = tmp_path / f"draft.{fmt}"
        result = convo("export", ident, "--format", fmt, "-o", str(target), db=db_path)
        assert result.returncode == 0, result.stderr
        assert "Ann Bowen" in target.read_text()
        assert target.stat().st_mode & 0o777 == 0o600
    bad = convo("export", ident, "--format", "docx", db=db_path)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "docx" in bad.stderr
    missing = convo("export", "nope", db=db_path)
    assert missing.returncode == 1 and "no conversation 'nope'" in missing.stderr


def test_schema_is_the_json_schema_of_the_record():
    result = subprocess.run([sys.executable, "-m", "convo.cli", "schema"], capture_output=True, text=True)
    schema = json.loads(result.stdout)
    assert schema["title"] == "Assessment"
    assert {"outcomes", "safeguarding", "skipped"} <= set(schema["properties"])


def test_unknown_flow_is_one_line_and_non_zero(db_path):
    result = convo("plain", "--flow", "nonsense", db=db_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_a_session_that_cannot_start_says_so_in_json_too(db_path):
    for args in (("--flow", "nonsense"), ("--resume", "no-such-conversation")):
        result = convo("plain", "--jsonl", *args, db=db_path)
        assert result.returncode == 1 and result.stderr.count("\n") == 1
        [said] = jsonl(result.stdout)
        assert said["type"] == "error" and said["text"] == result.stderr.removeprefix("convo: ").strip()


def test_dismiss_with_nothing_waiting_says_so_plainly(db_path):
    objects = jsonl(convo("plain", "--jsonl", db=db_path, stdin="\n/dismiss\n").stdout)
    assert [o["text"] for o in objects if o["type"] == "error"] == ["There is no suggestion waiting."]


def test_a_process_killed_mid_conversation_loses_nothing_acknowledged(db_path):
    """Answers are acknowledged by the prompt that follows them; SIGKILL then resume keeps them all."""
    process = subprocess.Popen(
        [sys.executable, "-m", "convo.cli", "plain", "--jsonl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env={**os.environ, "CONVO_DB": str(db_path)}, bufsize=1,
    )
    assert json.loads(process.stdout.readline())["type"] == "prompt"
    for _ in OPENING:
        process.stdin.write("\n")
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["type"] == "prompt"
    acknowledged = []
    for index in range(12):
        answer = f"answer number {index} ✓"
        process.stdin.write(answer + "\n")
        process.stdin.flush()
        while True:
            obj = json.loads(process.stdout.readline())
            if obj["type"] == "prompt":
                break
        acknowledged.append(answer)
    process.stdin.write("one more that may or may not be saved\n")
    process.stdin.flush()
    time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    ident = convo("list", db=db_path).stdout.split("\t")[0]
    exported = json.loads(convo("export", ident, "--format", "json", db=db_path).stdout)
    saved = [e["text"] for e in exported["about"]]
    assert saved[: len(acknowledged)] == acknowledged


def test_a_reader_that_stops_early_gets_no_traceback(db_path):
    # `convo list | head` and the like: the reader has gone before convo writes.
    process = subprocess.Popen([sys.executable, "-m", "convo.cli", "schema"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()
    error = process.stderr.read().decode()
    process.wait(timeout=60)
    assert process.returncode == 1
    assert "Traceback" not in error and "BrokenPipeError" not in error


def test_digits_that_are_not_decimal_are_an_answer_or_one_error_never_the_end(db_path):
    lines = ["", "/ack ²", "/goto barriers ①", "/refile strength ⁵", "He hits me", "/ack 12abc", "/ack 999",
             "/ack", "/ack", "Megan, ²9"]
    result = convo("plain", "--jsonl", db=db_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    objects = jsonl(result.stdout)
    assert sum(o["type"] in ("prompt", "done") for o in objects) == len(lines) + 1  # one a line read, and the last
    errors = [o["text"] for o in objects if o["type"] == "error"]
    assert sum("/ack takes the number of an alert" in text for text in errors) == 2  # "²" and "12abc"
    assert any(text.startswith("No alert numbered 999 is waiting") for text in errors)
    assert "There is no alert waiting to be acknowledged." in errors  # the second bare /ack
    infos = [o["text"] for o in objects if o["type"] == "info"]
    assert sum(text.startswith("Alert ") and text.endswith(" acknowledged.") for text in infos) == 1


def test_a_carers_age_in_digits_of_another_kind_is_asked_again_not_the_end(db_path):
    result = convo("carer", "--plain", db=db_path, stdin="2\n²\n¹⁷\n45\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "invalid literal" not in result.stderr


def test_a_line_or_paragraph_separator_in_an_answer_stays_inside_its_json_line(db_path):
    said = "Ann\u2028Jones\u2029lives\u0085alone"
    result = convo("plain", "--jsonl", db=db_path, stdin=f"\n{said}\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()  # as a reader that splits on every kind of line break would
    assert lines == result.stdout.split("\n")[:-1]
    captured = [o for o in map(json.loads, lines) if o["type"] == "captured"]
    assert [o["text"] for o in captured] == [said]


def test_a_byte_order_mark_before_the_first_line_is_not_part_of_the_answer(db_path):
    objects = jsonl(convo("plain", "--jsonl", db=db_path, stdin="\ufeff2\nMegan Lloyd\n").stdout)
    assert not [o for o in objects if o["type"] == "error"]
    assert [o["text"] for o in objects if o["type"] == "captured"] == ["Megan Lloyd"]


def test_an_empty_db_is_refused_rather_than_taken_as_the_default_store(db_path, tmp_path):
    result = subprocess.run([sys.executable, "-m", "convo.cli", "plain", "--db", ""], input="", capture_output=True,
                            text=True, timeout=60, env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 1 and "--db is empty" in result.stderr
    assert not list(tmp_path.rglob("*.db"))  # nothing was written anywhere


def test_a_captured_outcome_carries_its_own_index(start):
    from convo.engine import outputs as out
    from convo.line_mode import _text_line

    conversation = start("what-matters")
    conversation.send("/goto outcomes")
    captured = [o for line in ("Getting to chapel on Sundays", "Seeing my grandson")
                for o in conversation.send(line) if isinstance(o, out.Captured)]
    assert [(c.kind, c.outcome) for c in captured] == [("outcome", 0), ("outcome", 1)]
    assert _text_line(captured[1]) == "  + recorded as outcome 2"
    barrier = [o for o in conversation.send("/goto barriers 1") + conversation.send("The hill up to the chapel")
               if isinstance(o, out.Captured)]
    assert [(c.kind, c.outcome) for c in barrier] == [("barrier", 0)]
