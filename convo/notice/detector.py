"""Hearing an answer: the one function the engine calls to learn what deserves attention in it.

`hear()` reads the answer clause by clause. Figures of speech are taken out first; then phrase
patterns that know direction and role, and a model trained on the project's labelled corpus, decide
between an **alert** (a disclosure, or a risk to life: the unmissable banner) and **worth asking
about** (a quiet suggestion carrying a sensitive question). The practitioner's own words never alert.
Lexicon cues (people, community, generic words, service words, practical risks) come after, and no
one who has died, is named in a concern, or is the person a carer looks after is offered as support.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from convo.notice import lexicons as lexicon_cues
from convo.notice import model as concern_model
from convo.notice.patterns import Match, Patterns, patterns
from convo.notice.people import group_names, helps, not_support, relations_in
from convo.notice.taxonomy import Taxonomy, taxonomy
from convo.notice.text import MAX_PIECE, normalise, pieces, tokens

ALERT, CONCERN = "safeguarding", "concern"
# Where people are asked what could go wrong, fear and harm are the answer, not a disclosure; where
# they are asked what matters, a wish ("I'm not going anywhere without Mali") reads like control. In
# these areas the model alone raises the banner only when it is HYPOTHETICAL_BAR times as sure as it
# must be elsewhere ("He's told me he'll kill me if I ever leave", answering what would happen if the
# carer were ill); below that it raises "worth asking about". An answer given beside a question's
# choices that picks none of them (CHOICES) is held to the same bar: "not sure, some nights I think about
# just not waking up". Where a plan of what will be done is asked for (PLAN), the model alone raises the
# banner only for a risk to life, at that same bar: "Bethan will keep her bank card for her tonight" is the
# plan, not the harm. A phrase pattern raises an alert as anywhere.
HYPOTHETICAL_BAR = 2.5
PLAN, CHOICES = "plan", "choices"
# A bar for every category, or one for some and another ("*") for the rest. Where a plan is asked for, a
# risk to life is held to the risks areas' bar rather than never raised by the model:
# "I've been thinking of taking all his tablets myself" as the small step for this week is not a plan.
Bar = float | Mapping[str, float]
_BARS: dict[str, Bar] = {"risks": HYPOTHETICAL_BAR, "crisis": HYPOTHETICAL_BAR, "outcomes": HYPOTHETICAL_BAR,
                         CHOICES: HYPOTHETICAL_BAR, PLAN: {"*": math.inf, "risk_to_life": HYPOTHETICAL_BAR}}
# How sure the category head must be before a category's own banner threshold applies, and before the
# model alone suggests asking about it; and how many words an answer needs before a category's own
# threshold applies: "Nobody", "no one visits" or "not eating much" means what the question made it mean,
# and says too little to raise a banner on less evidence than the one threshold asks for.
CATEGORY_SURE = 0.5
SURE_WORDS = 4
# Help said before the helper is named; and, for the person themselves (a carer mostly lives with
# the person they look after), whoever they live with.
_HELPED_BY = re.compile(r"\b(?:help\w*|support\w*|rang|rung|phoned|called|referred|brought|driven|taken|visited"
                        r"|looked after|cared for) (?:from|by) (?:my |our |her |his |their |the )?$")
_LIVES_WITH = re.compile(r"\b(?:lives?|living|staying|stays|byw) (?:with|efo|gyda) "
                         r"(?:my |our |her |his |their |fy |ei )?$")
_CLAUSE = re.compile(r"[^.!?;\n]+[.!?;]*")


@dataclass(frozen=True)
class Finding:
    """Something worth a practitioner's attention in an answer."""

    kind: str  # "safeguarding" (an alert), "concern" (worth asking about), or a lexicon's kind
    term: str  # the words it is about, exactly as typed
    text: str  # what to show: the alert, the question to ask, the suggestion
    category: str | None = None
    people: tuple[str, ...] = ()  # relationship words in the words it is about


@dataclass(frozen=True)
class Context:
    """What the conversation already knows that changes what an answer means."""

    earlier: tuple[str, ...] = ()  # earlier answers, as typed
    not_support: frozenset[str] = field(default_factory=frozenset)  # people already named in concerns
    raised: frozenset[str] = field(default_factory=frozenset)  # categories already alerted in this conversation


def warm() -> None:
    """Load the model, patterns and wording now (about 0.1 s), so the first answer is as quick as any."""
    concern_model.load()
    patterns()
    taxonomy()
    concern_model.word_classes()
    concern_model.word_groups()
    lexicon_cues.lexicons()


def clauses(text: str) -> list[tuple[str, str]]:
    """Each clause of an answer as typed, with its normalised form; long ones in bounded pieces."""
    found = []
    for match in _CLAUSE.finditer(text):
        said = match.group(0).strip()
        while said:
            piece, said = said[:MAX_PIECE], said[MAX_PIECE:]
            clean = normalise(piece)
            if clean:
                found.append((piece.strip(), clean))
    return found


def concerns(text: str, speaker: str, audience: str, area: str = "", *, rules: Patterns | None = None,
             model: concern_model.ConcernModel | None = None, kinds: Taxonomy | None = None,
             language: str = "en") -> list[Finding]:
    """Alerts and worth-asking-about findings, at most one of each category, alerts first, worded in `language`.

    The model reads the answer whole, as it was trained (a long paste in bounded pieces), and each of
    its sentences alone (`read`); the words quoted are the sentence or clause that raised it, or the
    answer itself.
    """
    if speaker == "practitioner":
        return []
    rules, kinds = rules or patterns(), kinds or taxonomy()
    model = model or concern_model.load()
    alerts: dict[str, Finding] = {}
    asks: dict[str, Finding] = {}
    bar = _BARS.get(area, 1.0)
    for piece in pieces(text):
        tier, category, said = read(piece, speaker, rules, model, bar=bar)
        if tier is None or category is None or category not in kinds.ids:
            continue
        # Who it names: in the sentence quoted, or where it took more than one, anywhere in the answer ("My
        # son's good, he does my shopping. ... The heating's off and he says we can't afford it").
        one = said in {typed for typed, _ in clauses(piece)}
        people = tuple(sorted(relations_in(normalise(said if one else piece))))
        if tier == "alert" and category not in alerts:
            alerts[category] = Finding(ALERT, said, kinds.alert_text(category, said, audience, language=language),
                                       category, people)
        elif tier == "ask" and category not in asks:
            asks[category] = Finding(CONCERN, said, kinds.ask_text(category, audience, language),
                                    category, people)
        # One answer may tell of two kinds of harm ("he pushes her about, and he won't let her have her
        # bank card"): each kind an alert pattern hears has its banner, not only the first said.
        for kind, words in _other_alert_patterns(piece, speaker, rules, model, exclude=alerts.keys()):
            if kind in kinds.ids:
                alerts[kind] = Finding(ALERT, words, kinds.alert_text(kind, words, audience, language=language),
                                       kind, tuple(sorted(relations_in(normalise(words)))))
    return list(alerts.values()) + [f for c, f in asks.items() if c not in alerts]


_STRENGTH = {"alert": 2, "ask": 1, None: 0}


def read(piece: str, speaker: str, rules: Patterns, model: concern_model.ConcernModel,
         bar: Bar = 1.0) -> tuple[str | None, str | None, str]:
    """(tier, category, the words it is about as typed): the strongest of what an answer says whole
    and what each of its sentences says on its own.

    The model was trained on whole answers; in a longer one, the ordinary sentences around a
    disclosure water its evidence down ("Good day is bingo and a fish supper. I don't go to the club
    now, because one of the men there touched me in the car park"), so each sentence is read alone
    as well, and the first that says most is the one quoted. When the whole says as much, the quote
    is the first sentence that says the same of the same kind alone, else the clause a phrase pattern
    matched in, or the whole answer. On the development sets this raised as many disclosures with
    fewer false banners as reading the whole alone did at a lower threshold.
    """
    whole, *sentences = parts(piece) or [("", "")]
    if not whole[1]:
        return None, None, ""
    tier, category, matched = classify(whole[1], speaker, rules, model, bar)
    said = _clause_holding(piece, matched) if matched else whole[0]
    for typed, clean in sentences:
        alone, kind, _ = classify(clean, speaker, rules, model, bar)
        if _STRENGTH[alone] > _STRENGTH[tier]:
            tier, category, said = alone, kind, typed
        elif alone is not None and (alone, kind) == (tier, category) and not matched and said == whole[0]:
            said = typed  # the whole says it, and this sentence says the same alone: quote the sentence
    if tier is not None and len(sentences) > 2 and said == whole[0]:
        said = _fewest_sentences(piece, sentences, speaker, rules, model, bar, (tier, category)) or said
    return tier, category, said


def _fewest_sentences(piece: str, sentences: list[tuple[str, str]], speaker: str, rules: Patterns,
                      model: concern_model.ConcernModel, bar: Bar, heard: tuple[str, str | None]) -> str | None:
    """Where no sentence alone says what the whole answer does: the fewest sentences in a row (two or
    three) that say it together, of the same kind, the surest of them, as typed (the answer's own text
    from the first to the last, line breaks and all); None if it takes more. The banner quotes them
    rather than the answer's opening, which in a long answer was often not the worrying part."""
    starts, at = [], 0
    for typed, _ in sentences:  # where each sentence is in the answer as typed
        at = piece.find(typed, at)
        starts.append(at)
        at += len(typed)
    for width in (2, 3):
        found = []
        for start in range(len(sentences) - width + 1):
            run = sentences[start:start + width]
            clean = " ".join(part[1] for part in run)
            if classify(clean, speaker, rules, model, bar)[:2] == heard:
                weighed = _weigh_recent(clean, speaker, rules, model)
                first, last = starts[start], starts[start + width - 1]
                said = (piece[first:last + len(run[-1][0])] if first >= 0 and last >= 0
                        else " ".join(part[0] for part in run))
                found.append((weighed.p_concern * weighed.p_alert, -start, said))
        if found:
            return max(found)[2]
    return None


def _other_alert_patterns(piece: str, speaker: str, rules: Patterns, model: concern_model.ConcernModel,
                          exclude: Iterable[str]) -> list[tuple[str, str]]:
    """(category, the clause as typed) of each alert pattern in the piece whose category is not in
    `exclude`, the first of each category, read as `read` reads it (the whole, then each clause)."""
    found: dict[str, str] = {}
    skip = set(exclude)
    for typed, clean in parts(piece):
        weighed = _weigh_recent(clean, speaker, rules, model)
        for match in weighed.matches:
            if match.tier == "alert" and match.category not in skip and match.category not in found:
                found[match.category] = _clause_holding(typed, weighed.plain[match.start:match.end])
    return list(found.items())


def parts(piece: str) -> list[tuple[str, str]]:
    """What `read` weighs, each as typed and normalised: the piece whole, then each of its clauses
    when it has more than one."""
    clean = normalise(piece)
    if not clean:
        return []
    sentences = clauses(piece)
    return [(piece.strip(), clean), *(sentences if len(sentences) > 1 else [])]


@functools.lru_cache(maxsize=1024)
def _not_support_in(text: str, audience: str) -> frozenset[str]:
    """`not_support` of an answer as typed. Every turn reads the conversation's earlier answers again (who
    has died is said once, early); each is read once, not once a turn (in `scripts/bench.py`'s long call
    that took a turn's p50 from 1.6 ms to 4.3 ms)."""
    return frozenset(not_support(normalise(text), audience))


def _clause_holding(piece: str, matched: str) -> str:
    for said, clean in clauses(piece):
        if matched in clean:
            return said
    return piece.strip()


@dataclass(frozen=True)
class Weighed:
    """What the phrase patterns and the model make of one normalised answer or clause."""

    plain: str  # with its figures of speech taken out
    matches: tuple[Match, ...]  # phrase patterns, first said first
    p_concern: float  # the model's chance it is a concern at all
    p_alert: float  # its chance it is an alert (0 when the first says it is no concern)
    best: str | None  # the category: a pattern's, else the model's likeliest
    sure: bool  # a pattern matched, or the model is at least CATEGORY_SURE of the category
    words: int

    @property
    def alert_match(self) -> Match | None:
        return next((match for match in self.matches if match.tier == "alert"), None)

    def banner(self, model: concern_model.ConcernModel, bar: float = 1.0) -> bool:
        """Whether this raises the banner: an alert pattern, or both heads together at the threshold (times
        `bar`: higher where the question invites words of harm)."""
        own = self.sure and (bool(self.matches) or self.words >= SURE_WORDS)  # the category's own threshold
        return self.alert_match is not None or (
            self.best is not None and self.p_concern * self.p_alert >= bar * model.banner_limit(self.best, own))


def weigh(clean: str, speaker: str, rules: Patterns, model: concern_model.ConcernModel,
          floor: float | None = None) -> Weighed:
    """Patterns and the model on a normalised answer; below `floor` (the model's own) chance of a
    concern at all, and with no pattern, the other two heads are not read."""
    plain = rules.without_figures(clean)
    matches = tuple(sorted(rules.find(plain), key=lambda found: found.start))  # the first thing said names it
    words = len(tokens(plain))
    if any(match.tier == "alert" for match in matches):
        return Weighed(plain, matches, 1.0, 1.0, matches[0].category, True, words)
    found = model.rows(concern_model.features(plain, speaker, rules, list(matches)))
    # Most answers are no concern at all: the other two heads are read only when this one says so.
    p_concern = model.concern.probabilities(found)["yes"]
    if p_concern < (model.floor if floor is None else floor) and not matches:
        return Weighed(plain, matches, p_concern, 0.0, None, False, words)
    categories = model.category.probabilities(found)
    # A phrase pattern knows what kind of concern it is better than the model does.
    best = matches[0].category if matches else max(categories, key=categories.__getitem__)
    # A category may have a banner threshold of its own, but only where the answer is clearly about
    # that category: a one-word "nothing" is not evidence of a risk to life just because nothing else
    # fits it better.
    sure = bool(matches) or categories[best] >= CATEGORY_SURE
    return Weighed(plain, matches, p_concern, model.alert.probabilities(found)["yes"], best, sure, words)


# The last few clauses weighed: an answer that raised something has its clauses weighed again to find
# who it names (`_named_in_concerns`), and a clause alone is often the whole answer. Kept for the same
# patterns and model objects only; both are immutable once loaded (`with_thresholds` makes a new model).
_RECENT: dict[tuple[str, str], tuple[Patterns, concern_model.ConcernModel, Weighed]] = {}
RECENT = 64


def _weigh_recent(clean: str, speaker: str, rules: Patterns, model: concern_model.ConcernModel) -> Weighed:
    if (kept := _RECENT.get((clean, speaker))) is not None and kept[0] is rules and kept[1] is model:
        return kept[2]
    weighed = weigh(clean, speaker, rules, model)
    if len(_RECENT) >= RECENT:
        _RECENT.clear()
    _RECENT[clean, speaker] = (rules, model, weighed)
    return weighed


def classify(clean: str, speaker: str, rules: Patterns, model: concern_model.ConcernModel,
             bar: Bar = 1.0) -> tuple[str | None, str | None, str | None]:
    """("alert" | "ask" | None, category, the words a pattern matched) for a normalised answer."""
    weighed = _weigh_recent(clean, speaker, rules, model)
    plain, matches, best = weighed.plain, weighed.matches, weighed.best
    if (match := weighed.alert_match) is not None:
        return "alert", match.category, plain[match.start:match.end]
    # The banner needs both heads: how sure it is a concern at all, times how sure it is an alert.
    if weighed.banner(model):
        here = bar if isinstance(bar, float | int) else bar.get(best or "", bar["*"])
        return ("alert" if here == 1.0 or weighed.banner(model, here) else "ask"), best, None
    for match in matches:
        return "ask", match.category, plain[match.start:match.end]
    # A quiet question is about one kind of concern: when the model cannot say which ("nothing",
    # "I don't know"), it has nothing to ask.
    if weighed.p_concern >= model.thresholds["ask"] and best is not None and weighed.sure:
        return "ask", best, None
    return None, None, None


def hear(text: str, *, speaker: str, area: str, audience: str, context: Context = Context(), choices: bool = False,
         plan: bool = False, library: tuple[lexicon_cues.Lexicon, ...] | None = None,
         language: str = "en", rules: Patterns | None = None) -> list[Finding]:
    """Everything worth attention in one answer: alerts first, then concerns, then suggestions.

    `choices` says the question offered options (an answer beside them is read as cautiously as a wish);
    `plan` says it asked what will be done ("she'll keep her bank card with Bethan tonight"), where the
    words of harm and money are the answer's nature: there only a phrase pattern raises an alert, but for
    a risk to life the model may at HYPOTHETICAL_BAR (as where risks are asked);
    `language` is the one the findings' words are shown in (what is heard does not depend on it).
    """
    found = [finding for finding in concerns(text, speaker, audience, PLAN if plan else CHOICES if choices else area,
                                             language=language, rules=rules)
             if finding.kind != CONCERN or finding.category not in context.raised]  # asked about already
    avoid = set(context.not_support)
    for finding in found:
        avoid.update(finding.people)
    if found:
        avoid |= _named_in_concerns(text, speaker)
    for earlier in (*context.earlier, text):
        avoid |= _not_support_in(earlier, audience)
    cues = lexicon_cues.find(text, area, audience, library, language)
    places = [span for cue in cues if cue.kind == "community" for span in _spans(text, cue.term)]
    # A place named in the words an alert quotes is where the harm was told of, not a resource to suggest
    # ("I lock him in his room when I go to the shop").
    alerted = [finding.term.casefold() for finding in found if finding.kind == ALERT]
    for cue in cues:
        if cue.kind == "community" and any(cue.term.casefold() in words for words in alerted):
            continue
        if cue.kind == "people" and (not _may_support(cue.term, text, audience, avoid) or all(
                any(start <= at and end <= stop for start, stop in places) for at, end in _spans(text, cue.term))):
            continue  # someone who cannot be support, or only a word inside a place's name ("Merched y Wawr")
        found.append(Finding(cue.kind, cue.term, cue.text))
    return found


def _named_in_concerns(text: str, speaker: str) -> set[str]:
    """The people named in each clause of an answer that is a concern on its own: not support."""
    rules, model = patterns(), concern_model.load()
    named: set[str] = set()
    for _, clean in clauses(text):
        if classify(clean, speaker, rules, model)[0] is not None:
            named |= relations_in(clean)
    return named


def _may_support(term: str, text: str, audience: str, avoid: set[str]) -> bool:
    """Whether a person an answer names could be offered as support from others."""
    if _person(term) in avoid:
        return False
    clause = normalise(words_about(text, term))
    at = clause.find(normalise(term))
    if at >= 0 and re.match(r"'?\s*(?:centre|center|group|café|cafe|club|scheme|support|service|network)\b",
                           clause[at + len(normalise(term)):].lstrip("s")):
        return False  # "the carers' centre" is a place, not a person
    if term in group_names(text) or re.search(rf"\bown {re.escape(normalise(term))}", clause):
        return False  # "the Mothers' Union", "I'm my own best friend"
    # Someone is support when the answer says they help: a carer names the person they look after,
    # and anyone names people they miss, wish for or worry about, far more often than their helpers.
    # The help is said after they are named ("my son translates for me, my husband's English is
    # worse" is help from the son only).
    before = clause[:max(at, 0)]
    if _HELPED_BY.search(before) or (audience != "carer" and _LIVES_WITH.search(before)):
        return True  # "a lot of help from my niece", "rang by her neighbour", "lives with her husband"
    return helps(clause[max(at, 0):])


def _spans(text: str, term: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(term)}", text, re.IGNORECASE)]


def _person(term: str) -> str:
    word = normalise(term).split()[-1] if term.strip() else ""
    return word[:-1] if word.endswith("s") and word not in ("mates",) and len(word) > 4 else word


def words_about(text: str, term: str) -> str:
    """The clause of an answer that holds a term: what accepting a suggestion records."""
    folded = term.casefold()
    for said, _ in clauses(text):
        if folded in said.casefold():
            return said
    return text
