"""Practice mode's word matching and safety-question recogniser: whole words with their inflections,
phrase families, and safety questions heard whatever their wording."""

from __future__ import annotations

import pytest

from convo.practice.coaching import shipped_coaching
from convo.practice.safety import SafetyRecogniser
from convo.practice.words import Families, PhraseFamily, Terms, same_family, stem


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Would a carer coming in help?", []),
        ("Do the carers come in the mornings?", []),
        ("Is the car still in the garage?", ["car"]),
        ("Both cars are taxed.", ["cars"]),
        ("I'd love to get back to driving.", ["driving"]),
        ("I was worried sick.", ["worried"]),
    ],
)
def test_words_match_whole_words_with_their_inflections_and_a_carer_is_not_a_car(text, found):
    assert Terms(["car", "driv*", "worry"]).find(text) == found


def test_a_phrase_family_catches_every_pairing_of_its_words():
    family = Families([PhraseFamily(["domiciliary", "dom"], ["care", "provision", "support"])])
    assert family.find("We could look at domiciliary provision, or dom care.") == ["domiciliary provision", "dom care"]
    assert family.find("She dominated the conversation about care.") == []


@pytest.mark.parametrize(
    ("word", "other", "same"),
    [("independent", "independence", True), ("cope", "coping", True), ("worry", "worried", True),
     ("car", "cars", True), ("car", "carer", False), ("happy", "hope", False)],
)
def test_word_families(word, other, same):
    assert same_family(word, other) is same
    assert (stem(word) == stem(other)) is same


@pytest.fixture(scope="module")
def recogniser():
    return SafetyRecogniser(shipped_coaching().safety)


@pytest.mark.parametrize(
    "question",
    [
        "Are you thinking of hurting yourself?",
        "Have you had thoughts of ending your life?",
        "Do you ever think about killing yourself?",
        "Have you thought about suicide?",
        "Do you sometimes feel you'd be better off not being here?",
        "Do you ever wish you could go to sleep and not wake up?",
        "Have you ever harmed yourself on purpose?",
        "Are you having thoughts of taking your own life?",
    ],
)
def test_questions_about_self_harm_in_many_wordings(recogniser, question):
    assert recogniser.kind(question) == "self"


@pytest.mark.parametrize(
    "question",
    [
        "Is anyone hurting you?",
        "Has someone been harming you?",
        "Does anybody hit you or push you around?",
        "Is anyone taking advantage of you?",
        "Are you frightened of anyone at home?",
        "Has he ever threatened you?",
        "Does Lee ever grab you or shout at you?",
        "Are you being hurt by anyone?",
        "Do you ever worry you might lose your temper with her?",
    ],
)
def test_questions_about_harm_from_or_to_others_in_many_wordings(recogniser, question):
    assert recogniser.kind(question) == "others"


@pytest.mark.parametrize("question",
                         ["Do you feel safe at home?", "Are you safe tonight?", "Is anything frightening you?"])
def test_questions_about_safety_in_general(recogniser, question):
    assert recogniser.kind(question) == "general"


@pytest.mark.parametrize(
    "question",
    [
        "Did you hurt your back when you fell?",
        "Did you hurt yourself when you slipped?",
        "How is your sister?",
        "Do you walk the dog yourself?",
        "Would a carer coming in help?",
        "What do you enjoy doing?",
        "Have you got grab rails?",  # a thing named with a word of harm
        "Did they fit a grab bar by the toilet for you?",
        "How is your blood pressure these days?",
        "Have you got a pressure cushion for your chair?",
    ],
)
def test_lookalikes_are_not_safety_questions(recogniser, question):
    assert recogniser.kind(question) is None


@pytest.mark.parametrize("said", [
    "What I need to do next is talk with Kelly and the crisis team today.",
    "I'm going to ring the duty team after this call, and I'll tell you everything I'm doing.",
    "I'll speak to my manager this afternoon and ring you back.",
    "I'll need to let someone know.",
])
def test_saying_what_happens_next_in_many_wordings(said):
    assert Terms(shipped_coaching().disclosure.next_steps).search(said)


@pytest.mark.parametrize("said", ["What do you do next week?", "I'll have a cup of tea, thanks.",
                                  "Tell me about Kelly.", "I'll let you get on then.", "I'll let you go, thanks Jane."])
def test_what_is_not_saying_what_happens_next(said):
    assert not Terms(shipped_coaching().disclosure.next_steps).search(said)
