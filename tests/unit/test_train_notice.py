"""How the trainer chooses each category's banner threshold (scripts/train_notice.py), on made-up scores."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from convo.notice.detector import Weighed
from convo.notice.model import ConcernModel, Head

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_notice.py"
_spec = importlib.util.spec_from_file_location("train_notice", _SCRIPT)
assert _spec is not None and _spec.loader is not None
train_notice = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("train_notice", train_notice)  # its dataclasses look their module up
_spec.loader.exec_module(train_notice)
Example = train_notice.Example


def _weighed(scored: list[tuple[Example, float, str]]):
    """A `_Weighed` whose every answer is one part, sure of its category, at the given chance of an alert."""
    weighed = object.__new__(train_notice._Weighed)
    head = Head(("no", "yes"), {}, [0.0])
    weighed.model = ConcernModel(head, head, head, {"alert": 1.0, "ask": 1.0}, {})
    weighed.parts = {id(example): [Weighed(example.text, (), 1.0, score, category, True, 5)]
                     for example, score, category in scored}
    return weighed


def _answers(count: int, tier: str, category: str, prefix: str) -> list[Example]:
    return [Example(f"{prefix} {i}", "person", category if tier != "none" else "none", tier, prefix, "en")
            for i in range(count)]


def test_a_category_whose_lookalikes_stay_quiet_gets_a_lower_threshold_and_one_whose_do_not_keeps_it():
    quiet = _answers(6, "alert", "sexual", "quiet disclosure")  # scored 0.2: missed at 0.5
    loud = _answers(6, "alert", "carer_breakdown", "loud disclosure")  # scored 0.2 too
    everyday = _answers(70, "none", "none", "everyday")
    tired = everyday[:10]  # everyday tiredness that reads like breaking point, also at 0.2
    ordinary = _answers(30, "none", "none", "ordinary")
    weighed = _weighed([*((e, 0.2, "sexual") for e in quiet), *((e, 0.2, "carer_breakdown") for e in loud),
                        *((e, 0.2, "carer_breakdown") for e in tired), *((e, 0.01, "emotional") for e in everyday[10:]),
                        *((e, 0.01, "emotional") for e in ordinary)])
    limits = train_notice.per_category_limits(weighed, [*quiet, *loud], ordinary, [everyday], {}, 0.5)
    assert limits["sexual"] <= 0.2  # all six found, no false banner
    assert limits["carer_breakdown"] > 0.2  # six more found would cost ten everyday banners: over the budget
    assert weighed.within({**limits}, 0.5, ordinary, [everyday])


def test_a_move_that_costs_banners_must_find_enough_to_be_worth_it():
    few = _answers(train_notice.MIN_GAIN - 1, "alert", "financial", "few")
    everyday = _answers(100, "none", "none", "everyday")
    weighed = _weighed([*((e, 0.2, "financial") for e in few), (everyday[0], 0.2, "financial"),
                        *((e, 0.01, "emotional") for e in everyday[1:])])
    limits = train_notice.per_category_limits(weighed, few, [], [everyday], {}, 0.5)
    assert limits["financial"] > 0.2
