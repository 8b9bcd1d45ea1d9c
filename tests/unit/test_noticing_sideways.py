"""Disclosures said sideways that a phrase pattern hears whatever the model makes of them: finding out
how to die, a way to die said as an "if" or a thought, what a person needs to hear, see, get about or
call for help taken from them, a cover story taken back, and a call bell switched off and left. Beside
each, ordinary talk in the same words that no phrase pattern may raise a banner for. Every sentence
here was written for these tests; none is in the corpus."""

from __future__ import annotations

import pytest

from tests.unit.hearing import alert_patterns, alerts


@pytest.mark.parametrize("text, category", [
    # Finding out how to die.
    ("I looked up on the computer how long it takes to drown.", "risk_to_life"),
    ("I googled the easiest way to die last night.", "risk_to_life"),
    ("Mam asked me how many of her sleeping pills it would take to not wake up.", "risk_to_life"),
    ("I asked the chemist how much insulin would be a fatal dose, just out of interest.", "risk_to_life"),
    ("I googled how many paracetamol it'd take to kill me.", "risk_to_life"),
    ("She googled the lethal dose of her morphine and wrote it on the calendar.", "risk_to_life"),
    ("I read how long it takes to bleed out.", "risk_to_life"),
    # A way to die, said as an if or a thought.
    ("If I stepped in front of the train it would solve a lot of problems for everyone.", "risk_to_life"),
    ("If I went under a bus it'd save the council a fortune.", "risk_to_life"),
    ("If I went off the bridge it would be a blessing for everyone.", "risk_to_life"),
    ("I keep picturing myself stepping off the platform at Cardiff Central.", "risk_to_life"),
    ("I'd walk into the sea at Aberystwyth if it wasn't for the dog.", "risk_to_life"),
    # Taken away so that they cannot.
    ("My partner hid my hearing aids so I couldn't talk to the social worker last time.", "domestic_abuse"),
    ("Her husband took the batteries out of her pendant alarm so she can't call for help.", "domestic_abuse"),
    ("My son sold my mobility scooter so I can't go out.", "domestic_abuse"),
    ("He's taken the battery out of my lifeline.", "domestic_abuse"),
    ("Her son hides her walking frame when she wants to go to the toilet.", "domestic_abuse"),
    # A cover story taken back.
    ("Dad told the doctor he walked into the door, but it was my brother.", "physical"),
    ("I told A&E I slipped in the bath. It wasn't the bath.", "physical"),
    ("I told everyone I'd fallen, it was really my grandson.", "physical"),
    ("Told them the dog knocked me over, it wasn't the dog.", "physical"),
    # A call bell switched off and left.
    ("I ring the buzzer and they turn it off and walk away.", "neglect"),
    ("They've unplugged my call bell because I use it too much.", "neglect"),
])
def test_a_disclosure_said_sideways_alerts(text, category):
    assert category in alerts(text)


@pytest.mark.parametrize("text", [
    "I asked the chemist how many paracetamol I can take in a day with my co-codamol.",
    "I looked up how long the new tablets take to work.",
    "I googled how long it takes to get a blue badge.",
    "We worked out how many carers it would take, and it's two for the hoist.",
    "I asked the bus driver the quickest way to go, he said via Pontypridd.",
    "The vet told me the lethal dose of ibuprofen for a cat, scary.",
    "I asked the pharmacist what a lethal dose of paracetamol is because Mam keeps doubling up.",
    "My grandson wanted to know how long it takes to drown, after the lifeguard talk at school.",
    "I asked the swimming teacher how long it takes to drown, for the water safety leaflet.",
    "If I go into the sea every morning it sorts my head out.",
    "I'm thinking of going into the sea for the Boxing Day dip.",
    "If I walk under the railway bridge it's quicker to the Co-op.",
    "We used to think about jumping off the bridge into the river at Llandysul like we did as kids.",
    "My daughter keeps my glasses in the drawer so I can't lose them.",
    "I took Dad's car keys away so he can't drive, the doctor said he mustn't.",
    "Dad broke his glasses when he tried to fix the gutter.",
    "The nurse removed her hearing aids because of the ear infection.",
    "My sister takes away Mam's phone at night so she can't ring 999 over and over.",
    "I told the doctor I fell but it was actually the ice on the path, I was embarrassed.",
    "My son thinks I fell but it was my legs giving way, the physio says.",
    "Staff think she fell but it was her, she just sat down too quick.",
    "He told them he tripped. It wasn't a fall, it was a seizure.",
    "The smoke alarm kept going off so we turned it off and went to bed.",
    "I pressed the buzzer, the carer came, switched it off and walked out to get my tea.",
    "I pulled the cord in the bathroom by mistake and the warden came running.",
])
def test_the_same_words_in_ordinary_talk_match_no_alert_pattern(text):
    assert alert_patterns(text) == []


def test_a_backspace_where_a_word_boundary_was_meant_is_reported(tmp_path):
    """In a double-quoted YAML string "\\b" is a backspace: the pattern would never match as written."""
    from convo.flow.check import check_paths

    folder = tmp_path / "notice"
    folder.mkdir()
    (folder / "patterns.yaml").write_text('alert:\n  physical: ["hits me\\b"]\n', encoding="utf-8")
    [problem] = check_paths([folder / "patterns.yaml"])
    assert problem.line == 2 and "control character" in problem.message
