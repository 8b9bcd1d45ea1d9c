"""Readable conversation transcripts for tests: what is said, what is asked next, what is recorded.

A transcript is a pipe table. `say` is the line typed (empty for a blank line); `asks` is the area
of the next prompt, with `#N` for outcome N (1-based); `records` is the kind of item recorded, if any;
`notes` may name cues (`cue:risk`) or alerts (`alert`) that must appear.

    | say                       | asks          | records | notes     |
    | Ann Hughes, 81            | about         | about   |           |
    |                           | own_resources |         |           |
"""

from __future__ import annotations

from convo.engine import outputs as out
from convo.engine.conversation import Conversation


def rows(table: str) -> list[dict[str, str]]:
    lines = [line.strip() for line in table.strip().splitlines() if line.strip()]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    body = []
    for line in lines[1:]:
        if set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        body.append(dict(zip(header, cells, strict=True)))
    return body


def play(conversation: Conversation, table: str) -> list[list[out.Output]]:
    """Say each line and check what follows; returns every line's outputs."""
    played = []
    for number, row in enumerate(rows(table), start=1):
        outputs = conversation.send(row["say"])
        played.append(outputs)
        where = f"row {number} ({row['say']!r})"
        last = outputs[-1]
        asks = row.get("asks", "")
        if asks == "done":
            assert isinstance(last, out.Done), f"{where}: expected the end, got {last}"
        elif asks:
            area, _, outcome = asks.partition("#")
            assert isinstance(last, out.Prompt), f"{where}: expected a prompt, got {last}"
            assert last.area == area, f"{where}: expected area {area}, asked {last.area} ({last.text})"
            expected_outcome = int(outcome) - 1 if outcome else None
            assert last.outcome == expected_outcome, f"{where}: expected outcome {outcome or None}, got {last.outcome}"
        captured = [o for o in outputs if isinstance(o, out.Captured)]
        records = row.get("records", "")
        if records:
            assert [c.kind for c in captured] == records.split(","), f"{where}: recorded {[c.kind for c in captured]}"
            typed = row["say"]
            assert all(c.text == typed or (len(captured) > 1 and c.text in typed)  # one line, several choices
                       for c in captured if typed and not typed.startswith("/")), where
        elif "records" in row and not row["say"].startswith("/"):
            assert not captured, f"{where}: expected nothing recorded, got {captured}"
        for note in row.get("notes", "").split():
            if note == "alert":
                assert any(isinstance(o, out.Alert) for o in outputs), f"{where}: expected an alert"
            elif note.startswith("cue:"):
                kinds = {o.kind for o in outputs if isinstance(o, out.Cue)}
                assert note[4:] in kinds, f"{where}: expected a {note[4:]} cue, got {kinds}"
            elif note == "error":
                assert any(isinstance(o, out.Error) for o in outputs), f"{where}: expected an error"
    return played
