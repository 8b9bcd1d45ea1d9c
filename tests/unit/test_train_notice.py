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
    head = Head(("no", "yes"), [0.0])
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
    assert weighed.false_banners(limits, 0.5, ordinary, [everyday])[2]


def test_a_move_that_costs_banners_must_find_enough_to_be_worth_it():
    few = _answers(train_notice.MIN_GAIN - 1, "alert", "financial", "few")
    everyday = _answers(100, "none", "none", "everyday")
    weighed = _weighed([*((e, 0.2, "financial") for e in few), (everyday[0], 0.2, "financial"),
                        *((e, 0.01, "emotional") for e in everyday[1:])])
    limits = train_notice.per_category_limits(weighed, few, [], [everyday], {}, 0.5)
    assert limits["financial"] > 0.2



def test_each_set_of_everyday_answers_is_held_to_the_budget_on_its_own():
    disclosures = _answers(6, "alert", "sexual", "disclosure")
    quiet, loud = _answers(35, "none", "none", "plain"), _answers(35, "none", "none", "chatty")
    weighed = _weighed([*((e, 0.2, "sexual") for e in [*disclosures, *loud[:2]]),
                        *((e, 0.01, "emotional") for e in [*quiet, *loud[2:]])])
    # Pooled, two false banners in 70 answers would be within one in 35; the chatty set's 2 in 35 is not.
    assert train_notice.per_category_limits(weighed, disclosures, [], [quiet, loud], {}, 0.5)["sexual"] > 0.2


def test_every_category_that_can_move_for_free_does():
    sexual, exploitation = _answers(4, "alert", "sexual", "one"), _answers(4, "alert", "exploitation", "other")
    everyday = _answers(40, "none", "none", "everyday")
    weighed = _weighed([*((e, 0.2, "sexual") for e in sexual), *((e, 0.3, "exploitation") for e in exploitation),
                        *((e, 0.01, "emotional") for e in everyday)])
    limits = train_notice.per_category_limits(weighed, [*sexual, *exploitation], [], [everyday], {}, 0.5)
    assert limits["sexual"] <= 0.2 and limits["exploitation"] <= 0.3

def test_the_steady_thresholds_lower_what_every_sample_agrees_on_and_keep_what_costs_too_much():
    quiet = _answers(6, "alert", "sexual", "quiet disclosure")
    loud = _answers(6, "alert", "carer_breakdown", "loud disclosure")
    everyday = _answers(70, "none", "none", "everyday")
    weighed = _weighed([*((e, 0.2, "sexual") for e in quiet), *((e, 0.2, "carer_breakdown") for e in loud),
                        *((e, 0.2, "carer_breakdown") for e in everyday[:10]),
                        *((e, 0.01, "emotional") for e in everyday[10:])])
    limits = train_notice.steady_limits(weighed, [*quiet, *loud], [], [everyday], {}, 0.5)
    assert limits["sexual"] <= 0.2 and limits["carer_breakdown"] > 0.2


def test_a_category_moves_only_as_far_as_two_thirds_of_the_samples_agree():
    assert train_notice._agreed(sorted([0.16] * 4 + [0.36] * 5), 0.36) == 0.36  # split: the one threshold
    assert train_notice._agreed(sorted([0.16] * 6 + [0.2] + [0.36] * 2), 0.36) == 0.16
    assert train_notice._agreed(sorted([0.1] * 3 + [0.2] * 3 + [0.36] * 3), 0.36) == 0.2  # six of nine at 0.2 or below
    assert train_notice._agreed(sorted([0.3] * 2 + [0.4] * 7), 0.3) == 0.4  # up, as far as they agree


def test_the_steady_thresholds_together_stay_within_the_budgets():
    """Four categories each worth lowering at one everyday banner, when the budget has room for three: each
    sample lowers three, the samples differ in which, so each category's median may be lowered and the four
    together would be over the budget; what is chosen is not."""
    kinds = ("sexual", "exploitation", "physical", "neglect")
    disclosures = {kind: _answers(5, "alert", kind, kind) for kind in kinds}
    everyday = _answers(105, "none", "none", "everyday")
    weighed = _weighed([*((e, 0.2, kind) for kind in kinds for e in disclosures[kind]),
                        *((e, 0.2, kind) for kind, e in zip(kinds, everyday, strict=False)),
                        *((e, 0.01, "emotional") for e in everyday[4:])])
    pool = [e for kind in kinds for e in disclosures[kind]]
    for seed in range(4):
        train_notice.SEED = seed
        limits = train_notice.steady_limits(weighed, pool, [], [everyday], {}, 0.5)
        assert weighed.false_banners(limits, 0.5, [], [everyday])[2]
        assert sorted(limits[kind] <= 0.2 for kind in kinds) == [False, True, True, True]  # three of the four
    train_notice.SEED = 0


def test_the_trainers_quick_banner_is_the_detectors_banner():
    """What the trainer decides from parts weighed once is what `read` decides, answer by answer."""
    import gzip
    import json

    from convo.notice.detector import read
    from convo.notice.model import MODEL_PATH, from_dict
    from convo.notice.patterns import patterns
    from convo.notice.text import pieces

    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as handle:
        model = json.load(handle)
    said = ["nobody", "no one visits", "my son has my pension card and I never see the money",
            "Good day is bingo and a fish supper. I don't go to the club now, because one of the men there "
            "touched me in the car park and everyone laughed", "I hit my head when I fell",
            "She's frightened of falling again. Her daughter does the shopping. Not eating much though.",
            "he keeps my card. I don't mind. The carers are lovely. Most days.", "dwi 'di blino, dyna'r gwir",
            "we went to the shops. " * 120 + "my son takes all my money"]
    answers = [Example(text, "person", "none", "none", f"t{i}", "en") for i, text in enumerate(said)]
    weighed = train_notice._Weighed(model, answers)
    for default, limits in ((0.34, {"neglect": 0.12, "risk_to_life": 0.2}), (0.2, {"financial": 0.5}), (0.6, {})):
        at = from_dict({**model, "thresholds": {"alert": default, "ask": 1.0,
                                                **{category: {"alert": limit} for category, limit in limits.items()}}})
        expected = [e for e in answers
                    if any(read(piece, e.speaker, patterns(), at)[0] == "alert" for piece in pieces(e.text))]
        assert weighed.raised(limits, default, answers) == expected
        assert 0 < len(expected) < len(answers)
