"""Which people an answer names who could be support, and which it names who could not.

No support suggestion for someone who has died ("my late husband", "since I lost him") or whose
help is in the past ("my sister used to do my hair"), for a person named in a concern, or, for a
carer, for the person they look after.
"""

from __future__ import annotations

import re

_RELATION = (r"(?:husband|wife|partner|son|daughter|mum|mam|mother|dad|father|brother|sister|boyfriend|girlfriend"
             r"|grandson|granddaughter|nan|gran|grandad|grandma|grandpa|taid|nain|uncle|aunt|auntie|niece|nephew"
             r"|cousin|friend|neighbour|neighbor|fiance|fiancee|stepson|stepdaughter|son-in-law|daughter-in-law"
             r"|fam|nhad|tad|merch|ferch|mab|fab|gŵr|ngŵr|gwr|ngwr|gwraig|ngwraig|wraig|chwaer|brawd|frawd|ffrind"
             r"|cymydog|ŵyr|wyres|mamgu|tadcu|modryb|fodryb|ewythr)")
_DECEASED = re.compile(
    r"(?:\blate|\bdead|\blost|\blosing|\bburied|\bfuneral of|\bdeath of|\bmiss|\bmissing"
    r"|\bdiweddar|\bcolli|\bgolli|\bcollais|\bhiraeth am)\s+"
    rf"(?:(?:my|our|her|his|their|dear|beloved|poor|late|fy|ein|ei|\w+'s)\s+){{0,2}}{_RELATION}"
    rf"|{_RELATION}(?:'s)?\W*(?:\w+\W+){{0,5}}?"
    r"(?:died|passed|passed away|passed on|is gone|has gone|was taken|'s gone|dead|was killed|'s dead"
    r"|god rest (?:him|her)|rest (?:his|her) soul|took (?:his|her) own life|funeral|bu farw|wedi marw|farw"
    r"|would have (?:liked|loved|wanted|been|said|hated|laughed))"
    r"(?! (?:good|nice|handy|funny|busy|keen|chuffed|easy|hard|posh|lucky|proud|clever|kind|quick|slow)\b)"
    rf"|since (?:(?:we|i) lost )?(?:my |our )?{_RELATION} (?:went|passed|died|left us)"
)
# Someone whose help is in the past ("my husband was the one who knew everyone", "my sister used to
# do my hair"): whether they died, moved or stopped, they are not support now.
_PAST = re.compile(
    rf"{_RELATION}(?:'s)?(?:\s+\w+){{0,2}}?\s+(?:used to|was the one|were the ones|had (?:it|them|everything)"
    r"|did (?:it|everything|all)|would always|always used|yn arfer|arferai)\b"
)
_WIDOW = re.compile(r"\bwidow\b|\bwidowed\b|\bi lost him\b|\bsince he (?:died|passed|went)")
_WIDOWER = re.compile(r"\bwidower\b|\bi lost her\b|\bsince she (?:died|passed|went)")
_CARED_FOR = re.compile(
    rf"(?:look|looks|looking|looked) after (?:my |our )?(?:\w+ )?{_RELATION}"
    rf"|(?:care|cares|caring|cared) for (?:my |our )?(?:\w+ )?{_RELATION}"
    rf"|(?:carer|caring) (?:for|to) (?:my |our )?{_RELATION}"
    rf"|(?:gofalu am|gofalwr i|gofalydd i|edrych ar ôl) (?:fy |ein )?{_RELATION}"
    rf"|{_RELATION}\W+(?:\w+\W+){{0,3}}?(?:i|that i) (?:look after|care for)"
    # The person who needs the care, in the words carers use for them.
    rf"|(?:worried|worry|worrying|frightened|scared) (?:about|for) (?:my |our )?{_RELATION}"
    rf"|{_RELATION} (?:can'?t|cannot) be left"
    rf"|{_RELATION} (?:won'?t|will not|wouldn'?t) (?:go|eat|wash|sleep)\b[^.!?]{{0,40}}without me"
    rf"|(?:i'?d like|i want|i'd love) (?:my |our )?{_RELATION} to (?:get|go|be|have|keep)"
    rf"|(?:just|only) (?:me|us) and (?:my |our )?{_RELATION}"
)
# Words that show someone helping now: a person is offered as support only beside one of them.
HELPING = re.compile(
    r"\b(?:helps?|helped|helping|help|comes?|came|coming (?:over|round|in|to)|pops? in|popped in"
    r"|takes? (?:me|us|her|him|them)|took (?:me|us)|drives?|drove|lifts?|sits? with|sat (?:in )?with|checks? on"
    r"|has a key|gives? me a (?:break|hand|rest)|does (?:all|everything|my|the|our)|cooks?|shops?|rings?|phones?"
    r"|visits?|stays?|offered|said (?:they|she|he)'?d|looks? after (?:me|us)|is there for|keeps? an eye|sorts?"
    r"|fetches|picks? (?:me|us) up|covers?|swaps?|brings?|brought|gets? (?:me|us)|got me|translates?|taught|digs"
    r"|mows?|cleans?|washes|collects?|calls? (?:in|round)|cuts?|fix(?:es|ed)?|hoovers?|irons?|feeds?"
    r"|walks (?:the|my)|puts? (?:the|my) bins|goes with (?:me|us)|came with (?:me|us)|runs? (?:me|us)|for (?:me|us)"
    r"|keeps? (?:me|us) going|minds?|carries|showed (?:me|us)|stepped in"
    r"|(?:has been|'s been|is|was) (?:a rock|a star|amazing|brilliant|a godsend|a great help|so good|good to (?:me|us))"
    r"|galw|helpu|mynd â|nôl|dod (?:draw|i'?r tŷ|bob))\b"
)
# A helping word that is denied or only wished for ("doesn't ring", "would help but") is not help.
_NOT_HELPING = re.compile(
    r"(?:n't|\bcannot|\bnot|\bnever|\bno longer|\bwould|\bcould|\bcan'?t|\bddim|\bbyth)\W+(?:\w+\W+){0,2}$")
# A capitalised plural mid-sentence names a group or a place: "Friends of the Park", "the Mothers' Union",
# "Sefydliad y Merched".
_GROUP_NAME = re.compile(r"(?<=[^.!?\s]) +([A-Z][\w']*?s'?|Merched|Ferched)(?= |$|[,.;])(?! [a-z]+ (?:me|us)\b)")


def helps(clause: str) -> bool:
    """Whether a clause shows someone helping now."""
    return any(not _NOT_HELPING.search(clause[:match.start()]) for match in HELPING.finditer(clause))


def group_names(text: str) -> set[str]:
    """Words, as typed, that are part of a group's name (capitalised and plural, mid-sentence)."""
    return {match.group(1).rstrip("'") for match in _GROUP_NAME.finditer(text)}


_RELATION_WORD = re.compile(rf"\b{_RELATION}s?\b")


def _relations(pattern: re.Pattern[str], text: str) -> set[str]:
    found: set[str] = set()
    for match in pattern.finditer(text):
        found.update(word.rstrip("s") if word.endswith("s") and word[:-1] in _WORDS else word
                     for word in _RELATION_WORD.findall(match.group(0)))
    return found


_WORDS = frozenset(_RELATION[3:-1].split("|"))


def not_support(clean: str, audience: str) -> set[str]:
    """The relationship words in a normalised answer that must not be suggested as support."""
    avoid = _relations(_DECEASED, clean) | _relations(_PAST, clean)
    if _WIDOW.search(clean):
        avoid |= {"husband", "partner"}
    if _WIDOWER.search(clean):
        avoid |= {"wife", "partner"}
    if audience == "carer":
        avoid |= _relations(_CARED_FOR, clean)
    return avoid


def relations_in(clean: str) -> set[str]:
    """Every relationship word an answer names."""
    return {word.rstrip("s") if word[:-1] in _WORDS else word for word in _RELATION_WORD.findall(clean)}
