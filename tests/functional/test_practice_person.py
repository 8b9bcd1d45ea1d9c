"""The simulated person, as transcripts: safety questions answered as safety questions, a person who
remembers what they said and were asked, who opens up and closes down, who reacts when ignored,
and who speaks Welsh when moved. Every test uses the real coder."""

from __future__ import annotations

import io

import pytest

from convo.practice import plain
from convo.practice.coaching import shipped_coaching
from convo.practice.person import Turn
from convo.practice.scenario import get_scenario
from convo.practice.session import PracticeSession


def play(scenario: str, lines: list[str]) -> PracticeSession:
    session = PracticeSession.start(get_scenario(scenario))
    for line in lines:
        session.send(line)
    return session


def say(session: PracticeSession, line: str) -> tuple[Turn, list]:
    outputs = session.send(line)
    return session.turns[-1], outputs


def coach_notes(outputs) -> list[str]:
    return next(o for o in outputs if o.type == "coach").notes


# -- safety questions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["Is anyone hurting you?", "Has someone been harming you?",
                                      "Is anybody taking advantage of you?"])
def test_a_question_about_harm_from_others_is_answered_as_one_not_as_a_topic(question):
    turn, _ = say(play("jane-dotty", []), question)
    assert turn.kind == "safety" and turn.safety == "others"
    assert turn.reply != "My sister. She's alright."  # the family topic's short answer
    assert turn.revealed == []


@pytest.mark.parametrize("question", ["Are you thinking of hurting yourself?",
                                      "Have you had thoughts of ending your life?",
                                      "Do you ever feel you'd be better off not being here?"])
def test_a_question_about_self_harm_asked_too_soon_gets_a_denial_not_a_dog(question):
    turn, _ = say(play("jane-dotty", []), question)
    jane = get_scenario("jane-dotty").scenario.fact("on-purpose")
    assert turn.kind == "safety" and turn.safety == "self"
    assert turn.reply in jane.denied and "dog" not in turn.reply
    assert turn.hinted == ["on-purpose"] and turn.revealed == []


def test_a_safety_question_asked_with_trust_brings_out_what_was_held_back_in_words_that_fit_it():
    session = play("jane-dotty", ["What would being happy look like for you?",
                                  "It sounds like dogs are where you feel most like yourself.",
                                  "What happens when your mood drops?"])
    turn, outputs = say(session, "Have you ever thought about ending your life?")
    jane = get_scenario("jane-dotty").scenario.fact("on-purpose")
    assert turn.revealed == ["on-purpose"] and turn.reply in jane.when_asked
    assert any(o.type == "alert" for o in outputs)


def test_a_disclosure_after_a_reflection_does_not_begin_since_you_ask():
    betty = get_scenario("betty-driving").scenario.fact("the-gutter-man")
    reflected = play("betty-driving", ["What is it about the shower that has become hard?",
                                       "What does being independent mean for you?",
                                       "It sounds like you really miss chapel and Gwen."])
    turn, _ = say(reflected, "So Sundays at Bethel have been a big part of your life.")
    assert turn.revealed == ["the-gutter-man"] and turn.reply in betty.when_reflected
    assert "since you ask" not in turn.reply.casefold()
    asked = play("betty-driving", ["What is it about the shower that has become hard?",
                                   "What does being independent mean for you?",
                                   "It sounds like you really miss chapel and Gwen."])
    turn, _ = say(asked, "What has made you feel unsafe lately?")
    assert turn.revealed == ["the-gutter-man"] and "since you ask" in turn.reply.casefold()


def test_a_safety_question_after_a_disclosure_is_answered_about_it():
    session = play("helen-heron", ["How are things with your health at the moment?",
                                   "You've been carrying a lot, very quietly."])
    assert session.turns[-1].revealed == ["tablets-put-by"]
    turn, _ = say(session, "Are you thinking of taking them?")
    helen = get_scenario("helen-heron").scenario.fact("tablets-put-by")
    assert helen.responses is not None and turn.reply in helen.responses.safety


# -- words -----------------------------------------------------------------------------------------------


def test_a_carer_is_not_a_car():
    turn, _ = say(play("betty-driving", []), "Would a carer coming in help?")
    assert turn.revealed == [] and turn.hinted == []
    assert "drive" not in turn.reply.casefold()


def test_jargon_is_heard_by_phrase_family():
    turn, _ = say(play("betty-driving", []), "Would some domiciliary provision help with the shower?")
    assert turn.kind == "puzzled" and turn.jargon == ["domiciliary provision"]
    assert "domiciliary provision" in turn.reply


def test_jargon_echoed_back_in_a_puzzled_reply_is_still_jargon_and_never_praised():
    session = play("helen-heron", [])
    for _ in range(2):
        turn, outputs = say(session, "How are you managing your personal care?")
        assert turn.jargon == ["personal care"] and turn.follows_up is None
        assert not any("you asked what" in note for note in coach_notes(outputs))


def test_live_coaching_and_the_feedback_agree_about_a_so_what_moment():
    session = play("toby-lifeboat", [])
    _, outputs = say(session, "Do you have a car?")
    assert any("get out more" in note and "could mean anything" in note for note in coach_notes(outputs))
    _, outputs = say(session, "What would getting out more look like for you?")
    assert any("get out more" in note and "Good" in note for note in coach_notes(outputs))
    moment = next(m for m in session.feedback().so_what if m.word == "get out more")
    assert (moment.followed, moment.followed_at) == (False, 2)


# -- memory and mood -------------------------------------------------------------------------------------


def test_asked_the_same_thing_again_the_person_says_so_and_never_repeats_a_line():
    session = play("betty-driving", [])
    turns = [say(session, "Do you drive?")[0] for _ in range(4)]
    assert turns[0].reply == "I can still drive, yes."
    assert [t.kind for t in turns[1:3]] == ["asked_again", "asked_again"]
    assert all("I can still drive, yes." in t.reply for t in turns[1:3])  # refers back to what she said
    assert len({t.reply for t in turns}) == len(turns)


def test_no_stock_line_is_said_twice():
    session = play("toby-lifeboat", [])
    replies = [say(session, line)[0].reply for line in
               ["How are things?", "How has your week been?", "What else is going on?", "How are you today?",
                "How have you been keeping?", "What's new?", "How's life?"]]
    assert len(set(replies)) == len(replies)


def test_asked_about_something_already_told_the_person_refers_back():
    session = play("betty-driving", ["Tell me about the car."])
    turn, _ = say(session, "What about the car, do you still have it?")
    assert turn.kind in ("again", "asked_again") and "drive" in turn.reply.casefold()


def test_reflections_and_open_questions_open_the_person_up_and_a_checklist_closes_them_down():
    opened = play("jane-dotty", ["What would being happy look like for you?",
                                 "It sounds like dogs are where you feel most like yourself."])
    closed = play("jane-dotty", ["Do you take your insulin?", "Do you see Kelly?", "Do you work?",
                                 "Have you got a dog?"])
    assert opened.person.mood.rapport > closed.person.mood.rapport
    assert closed.person.mood.guardedness > opened.person.mood.guardedness
    cut = play("jane-dotty", ["What would being happy look like for you?"])
    before = cut.person.mood.guardedness
    say(cut, "Anyway, moving on, do you work?")
    assert cut.person.mood.guardedness > before


# -- first language ---------------------------------------------------------------------------------------


ELIS_MOVED = ["What does coping mean for you?",
              "It sounds like your routine is what holds the days together since Nansi died.",
              "Part of you wants to ease Gwenan's mind, and part of you could never leave Nansi here in the valley."]


def test_elis_speaks_welsh_when_moved_and_the_feedback_names_the_active_offer_not_made():
    session = play("elis-crooks", ELIS_MOVED)
    turn = session.turns[-1]
    elis = get_scenario("elis-crooks").scenario
    assert turn.language == "cy" and turn.reply in elis.fact("stay-in-valley").moved
    assert turn.revealed == ["stay-in-valley"]
    feedback = session.feedback()
    assert [(m.turn, m.language, m.offered) for m in feedback.language] == [(3, "Welsh", False)]
    assert any("offer to carry on in Welsh" in s for s in feedback.suggestions)


def test_offering_welsh_is_noticed_by_elis_and_by_the_feedback():
    session = play("elis-crooks", ELIS_MOVED)
    turn, outputs = say(session, "Would you rather we carried on in Welsh? I can find a colleague who speaks Welsh.")
    assert turn.kind == "offered" and turn.offered_language
    assert any("active offer" in note for note in coach_notes(outputs))
    feedback = session.feedback()
    assert feedback.language[0].offered and not any("Welsh" in s for s in feedback.suggestions)


def test_the_welsh_lines_are_marked_for_review_by_a_fluent_speaker():
    language = get_scenario("elis-crooks").scenario.person.first_language
    assert language is not None and language.code == "cy" and language.reviewed is False


# -- coding every behaviour, as the trainee sees it ---------------------------------------------------------


def test_reflect_then_ask_is_shown_and_counted_as_both():
    session = play("toby-lifeboat", ["What would getting out more look like for you?"])
    turn, outputs = say(session, "You miss the lads. What stops you going down there?")
    assert turn.codes == ["simple_reflection", "open_question"]
    coach = next(o for o in outputs if o.type == "coach")
    assert plain.heard_as(coach) == "simple reflection + open question"
    counts = session.feedback().counts
    assert (counts["simple_reflection"], counts["open_question"]) == (1, 2)


def test_an_affirmation_is_coded_and_coached_as_one():
    session = play("rhian-glenys", ["Tell me about your mam and her health."])
    turn, outputs = say(session, "Thank you for telling me that, it took courage.")
    assert turn.codes == ["affirm"]
    coach = next(o for o in outputs if o.type == "coach")
    assert coach.tip == shipped_coaching().tips.affirm and "Keep it short" not in coach.tip


def test_a_turn_saved_before_behaviours_were_coded_still_replays():
    old = {"n": 1, "text": "Do you drive?", "code": "closed_question", "reply": "Yes.", "kind": "closed"}
    session = PracticeSession.start(get_scenario("betty-driving"))
    session.person.take(Turn.model_validate(old))
    assert session.turns[0].codes == ["closed_question"]
    assert session.feedback().counts["closed_question"] == 1


def test_the_plain_coaching_line_shows_every_behaviour():
    session = PracticeSession.start(get_scenario("toby-lifeboat"))
    out = io.StringIO()
    plain.run(session, io.StringIO("You miss the lads. What stops you going down there?\n/end\n"), out, io.StringIO())
    assert "[simple reflection + open question]" in out.getvalue()


def test_a_young_carers_disclosure_raises_a_child_safeguarding_alert():
    session = play("kayla-sketchbook", ["Tell me about your mum and what you do at home.", "What are the nights like?"])
    turn, outputs = say(session, "It sounds like you're exhausted, and there's more going on than you let people see.")
    assert turn.revealed == ["lee"]
    alert = next(o for o in outputs if o.type == "alert")
    assert alert.text == shipped_coaching().prompts.alert_child and "child" in alert.text
