"""Practice mode: whole conversations with the simulated people, the rules the coder drives, and the feedback.

Scenario tests use the real coder; only the arithmetic of the measures is tested with a fixed mapping.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from convo.flow.check import check_paths
from convo.flow.yamlfile import YamlProblems
from convo.practice.coaching import shipped_coaching
from convo.practice.coder import code
from convo.practice.feedback import count_behaviours, measures, render_feedback
from convo.practice.scenario import get_scenario, load_scenario, shipped
from convo.practice.session import PracticeSession
from convo.store import Store

# A skilled trainee: open questions and reflections, a "so what?" follow-up, and, when Betty tells
# them about the man at the door, they stay with it: thank her, ask whether she is safe now, and say
# what happens next, before moving on.
SKILLED_BETTY = [
    "What is it about the shower that has become hard?",
    "You want to keep doing things your own way.",
    "What does being independent mean for you?",
    "It sounds like you really miss chapel and Gwen.",
    "So Sundays at Bethel have been a big part of your life.",
    "Thank you for telling me that. It sounds like it has been weighing on you.",
    "Is he still ringing you, and do you feel safe when he does?",
    ("I'll need to let someone know, so he can be stopped. We can work out together what happens next, and how "
     "Rhodri hears it from you."),
    "You'd want Rhodri to hear it from you, not from anyone else.",
    "Tell me about the car.",
    "You still could, but something has held you back.",
    "What happened that made you stop?",
    "It sounds like that tractor really shook you.",
    "You've lost your confidence, and with it your Sundays and Wednesdays.",
    "What worries you most about the bath?",
    "You've been carrying a lot on your own.",
    "What do you still do for yourself these days?",
    "You're someone who likes to keep busy and useful.",
    "Tell me about the people around you, family or neighbours.",
    "You'd hate to be a burden on Rhodri.",
]

# A poor trainee: a checklist of closed questions and a service word.
CHECKLIST_BETTY = [
    "Do you drive?",
    "Do you have any family nearby?",
    "Can you get in and out of the bath?",
    "Have you had any falls?",
    "Do you go to chapel?",
    "Do you feel safe at home?",
    "Would a care package help?",
]

# A trainee who hears Helen say she has been saving tablets and moves straight on to a wheelchair and leaflets.
MISSES_HELENS_DISCLOSURE = [
    "What would quality of life look like for you?",
    "What is it about the heron that matters so much?",
    "How are things with your health at the moment?",
    "You've been carrying a lot, very quietly.",
    "Would a wheelchair help you get down to the river?",
    "I can leave you some leaflets about the hospice day service.",
    "What makes the walk hard these days?",
]

# One skilled conversation per shipped scenario: open questions, reflections, "so what?" follow-ups,
# listening that makes it safe to say the hardest thing, and staying with it when it is said.
SKILLED = {
    "betty-driving": SKILLED_BETTY,
    "david-siani": [
        "What does coping look like for you?",
        "It sounds like Siani means a great deal to you.",
        "What would happen if you went into hospital?",
        "You'd rather not leave her, whatever it costs you.",
        "Thank you for telling me that. It sounds like the nights are very lonely without Peggy.",
        "Are you safe tonight? Have you thought about how you might end your life?",
        ("I'm glad you told me. I'd like to talk to your GP with you about how you're feeling, and we can work out "
         "together what happens next."),
        "What is your health like at the moment?",
        "What happens at night?",
        "What do you still enjoy doing in the garden?",
        "Tell me about the people around you, family or neighbours.",
        "Tell me about getting out, groups or the choir.",
    ],
    "elis-crooks": [
        "What does coping mean for you?",
        "It sounds like your routine is what holds the days together since Nansi died.",
        "Part of you wants to ease Gwenan's mind, and part of you could never leave Nansi here in the valley.",
        "Would you rather we carried on in Welsh? I can bring a colleague who speaks Welsh next time.",
        "What are mealtimes like these days?",
        "What worries you about the stairs?",
        "Tell me about the people around you, family and neighbours.",
        "You've kept so much going on your own, and you clearly care about all of them.",
        "Thank you for trusting me with that. It must be hard to say about your own grandson.",
        "Does Dylan still have your card, and is he coming up this Saturday?",
        ("I will need to tell the bank and our adult safeguarding team, so the money stops going. We can work out "
         "together how Gwenan hears it, from you."),
        "What do you enjoy doing with your hands?",
        "Tell me about the choir.",
    ],
    "helen-heron": [
        "What would quality of life look like for you?",
        "What is it about the heron that matters so much?",
        "How are things with your health at the moment?",
        "You've been carrying a lot, very quietly.",
        "Thank you for telling me. It sounds like knowing they're there gives you some control.",
        "Are you thinking of taking them now, or soon? Are you safe today?",
        ("I'll need to share this with your palliative care nurse, so she can talk with you properly about the end. "
         "We can work out together how Alun hears about it."),
        "What makes the walk hard these days?",
        "Tell me about who is with you in all this, family or friends.",
        "What worries you about Alun?",
        "What do you still enjoy doing for yourself?",
        "What is there in the town, the hospice or the café?",
    ],
    "jane-dotty": [
        "What would being happy look like for you?",
        "It sounds like dogs are where you feel most like yourself.",
        "Tell me about the box for your insulin.",
        "How do you feel about Kelly checking on you?",
        "What happens when your mood drops?",
        "It sounds like some days it all gets too heavy.",
        "Thank you for telling me that. I know that wasn't easy to say.",
        "Are you safe right now? Are you thinking of not taking your insulin today?",
        ("I'll need to talk with Kelly and your nurse about this, and I'd like you to be there when I do. We can "
         "work out together what happens next."),
        "What worries you about ending up in hospital again?",
        "Tell me about the people in your life, family or friends.",
        "What have you found out about grooming courses or volunteering?",
    ],
    "kayla-sketchbook": [
        "What does normal mean for you?",
        "It sounds like you carry a lot, and you'd like some of your life to just be yours.",
        "Tell me about your mum and what you do at home.",
        "What are the nights like?",
        "It sounds like you're exhausted, and there's more going on than you let people see.",
        "Thank you for telling me. That took courage to say.",
        "Is Lee there tonight? Are you and Alfie safe at home right now?",
        ("I'll need to share this with someone whose job is to keep you and Alfie safe. We can work out together "
         "what happens next, and I'll be honest with you at every step."),
        "What worries you most about people finding out?",
        "How is school going?",
        "What are you good at?",
        "Tell me about the people in your life, family or friends.",
        "What do you know about the young carers group?",
    ],
    "rhian-glenys": [
        "What does wellbeing mean for you?",
        "Tell me about your mam and her health.",
        "What are the nights like?",
        "It sounds like you are running on empty.",
        "Thank you for telling me. It sounds like it frightened you as much as her.",
        "Is your mam safe with you tonight? Are you worried you might hurt her?",
        "I'll need to talk to someone about getting you help at night, and we can work out together what happens next.",
        "What would happen if you couldn't care for her?",
        "How is work going for you?",
        "What is your mam hoping for this Christmas?",
        "What are you good at, in all of this?",
        "Tell me about the rest of your family, and your friends.",
        "What is there locally, any groups for your mam?",
    ],
    "toby-lifeboat": [
        "What would getting out more look like for you?",
        "What stops you going down to see the crew?",
        "It sounds like the words matter more to you than the legs.",
        "What happened with the stroke?",
        "Tell me about the call system they fitted.",
        "What would happen if you fell while Sue is on a shift?",
        "You'd rather nobody worried about you.",
        "How are you getting about these days?",
        "What do you enjoy doing with your hands?",
        "Tell me about the people around you, family or mates.",
        "What is there locally, a club or a group?",
    ],
}


def play(scenario: str, lines: list[str], **options) -> PracticeSession:
    session = PracticeSession.start(get_scenario(scenario), **options)
    for line in lines:
        session.send(line)
    return session


def reply_to(session: PracticeSession, line: str):
    outputs = session.send(line)
    return next(o for o in outputs if o.type == "reply"), outputs


# -- whole conversations ---------------------------------------------------------------------------


def test_at_least_eight_scenarios_ship_and_all_are_valid():
    assert {"kayla-sketchbook", "elis-crooks"} <= {loaded.scenario.id for loaded in shipped()}
    assert len(shipped()) >= 8
    assert check_paths() == []


@pytest.mark.parametrize("scenario", sorted(SKILLED))
def test_a_skilled_conversation_uncovers_every_fact_and_stays_with_the_disclosure(scenario):
    feedback = play(scenario, SKILLED[scenario]).feedback()
    assert [f.id for area in feedback.areas for f in area.missed + area.hinted] == []
    assert feedback.facts_uncovered == feedback.facts_total
    assert all(d.verdict == "handled" for d in feedback.disclosures)
    assert not any("moved on" in s or "ended there" in s for s in feedback.suggestions)


def test_the_skilled_trainee_gets_feedback_that_credits_what_they_did():
    feedback = play("betty-driving", SKILLED_BETTY).feedback()
    assert feedback.measure("open_questions").level == "good"
    assert feedback.measure("complex_reflections").level == "good"
    assert feedback.measure("reflection_to_question").level in ("fair", "good")
    assert feedback.jargon == []
    assert [f.id for f in feedback.alerts_uncovered] == ["the-gutter-man"]
    (told,) = feedback.disclosures
    assert (told.turn, told.verdict) == (5, "handled")
    assert all(element.done for element in told.elements)
    assert next(m for m in feedback.so_what if m.word == "independent").followed_at == 3
    assert feedback.suggestions == []
    text = render_feedback(feedback, "md")
    assert "You handled it well: all four." in text
    assert "Yes: Asked about safety right now" in text


def test_the_poor_trainee_uncovers_nothing_deeper_than_short_answers_and_the_person_closes_up():
    session = play("betty-driving", CHECKLIST_BETTY)
    feedback = session.feedback()
    scenario = get_scenario("betty-driving").scenario
    missed = {f.id for area in feedback.areas for f in area.missed}
    assert {"chapel-and-gwen", "tractor", "own-routines", "the-gutter-man"} <= missed
    hinted = {f.id for area in feedback.areas for f in area.hinted}
    assert {"car-in-garage", "rhodri", "the-bath"} <= hinted  # short answers are hints, not facts
    assert all(scenario.fact(f).needs == "topic" and not scenario.fact(f).alert
               for area in feedback.areas for f in [n.id for n in area.uncovered])
    assert feedback.facts_uncovered < 2
    assert feedback.measure("open_questions").level == "below_fair"
    assert feedback.measure("reflection_to_question").level == "below_fair"
    assert feedback.alerts_missed and not feedback.alerts_uncovered
    assert [j.term for j in feedback.jargon] == ["care package"]
    assert not any(m.followed_at for m in feedback.so_what)
    assert session.person.mood.guardedness >= shipped_coaching().person.guarded_at
    assert any("did not tell you" in s for s in feedback.suggestions)


def test_the_trainee_who_moves_on_from_a_disclosure_is_told_so_and_the_person_reacts():
    session = play("helen-heron", MISSES_HELENS_DISCLOSURE[:4])
    assert session.turns[-1].revealed == ["tablets-put-by"]
    reply, outputs = reply_to(session, MISSES_HELENS_DISCLOSURE[4])
    helen = get_scenario("helen-heron").scenario.fact("tablets-put-by")
    assert helen.responses is not None and reply.text in helen.responses.ignored
    coach = next(o for o in outputs if o.type == "coach")
    assert shipped_coaching().tips.disclosure_ignored in coach.notes
    for line in MISSES_HELENS_DISCLOSURE[5:]:
        session.send(line)
    assert session.turns[-1].revealed == []  # she stays closed until it is gone back to
    feedback = session.feedback()
    (told,) = feedback.disclosures
    assert (told.turn, told.verdict, told.reacted) == (4, "ignored", True)
    assert told.next_text == "Would a wheelchair help you get down to the river?"
    assert not any(element.done for element in told.elements)
    assert feedback.suggestions[0].startswith("Go back to what Helen told you at turn 4")
    text = render_feedback(feedback, "md")
    assert "You moved on from it." in text and "Helen noticed, and said so." in text
    assert "Now what, from this feedback:\n- Go back to what Helen told you at turn 4" in text


def test_going_back_to_a_disclosure_that_was_passed_over_is_noticed():
    session = play("helen-heron", MISSES_HELENS_DISCLOSURE[:5])
    _, outputs = reply_to(session, "I'm sorry, I moved on too quickly. You said you've been saving your tablets.")
    assert session.turns[-1].kind == "returned"
    assert shipped_coaching().tips.returned in next(o for o in outputs if o.type == "coach").notes
    feedback = session.feedback()
    assert feedback.disclosures[0].returned_at == 6


def test_the_same_conversation_always_gets_the_same_replies():
    first = [t.reply for t in play("jane-dotty", SKILLED["jane-dotty"]).turns]
    again = [t.reply for t in play("jane-dotty", SKILLED["jane-dotty"]).turns]
    assert first == again


# -- the rules the coder drives -------------------------------------------------------------------


def test_a_closed_question_gets_a_short_answer_which_is_only_a_hint():
    session = play("betty-driving", [])
    reply, outputs = reply_to(session, "Do you drive?")
    coach = next(o for o in outputs if o.type == "coach")
    assert coach.code == "closed_question"
    assert reply.text == "I can still drive, yes."
    assert reply.revealed == [] and session.turns[-1].hinted == ["car-in-garage"]
    reply, _ = reply_to(session, "Tell me about the car.")
    assert reply.revealed == ["car-in-garage"]


def test_a_closed_question_on_a_deeper_fact_gets_a_short_answer_and_reveals_nothing():
    session = play("betty-driving", ["Tell me about the car."])
    reply, _ = reply_to(session, "Have you driven recently?")
    assert reply.text == "No. Not for a while now."
    assert reply.revealed == []
    reply, _ = reply_to(session, "What happened that made you stop?")
    assert reply.revealed == ["tractor"]


def test_jargon_gets_a_puzzled_reply_and_reveals_nothing():
    session = play("betty-driving", [])
    reply, outputs = reply_to(session, "What would a care package look like for you in the shower?")
    assert "care package" in reply.text
    assert reply.revealed == []
    coach = next(o for o in outputs if o.type == "coach")
    assert any("care package" in note for note in coach.notes)


def test_the_persons_own_generic_word_is_not_jargon_when_followed_up():
    session = play("betty-driving", ["What is it about the shower that has become hard?"])
    reply, _ = reply_to(session, "What does being independent mean for you?")
    assert reply.revealed == ["chapel-and-gwen"]
    assert session.turns[-1].jargon == []
    assert session.turns[-1].follows_up == "independent"


def test_a_generic_word_the_person_never_used_is_jargon():
    session = play("betty-driving", [])
    reply, _ = reply_to(session, "How can we promote your wellbeing?")
    assert reply.revealed == []
    assert session.turns[-1].jargon == ["wellbeing"]


def test_a_so_what_fact_needs_the_follow_up_not_just_the_topic():
    session = play("betty-driving", ["What is it about the shower that has become hard?"])
    reply, _ = reply_to(session, "Tell me about chapel and your sister.")
    assert "chapel-and-gwen" not in reply.revealed


def test_a_safeguarding_fact_stays_hidden_from_a_closed_safety_question():
    session = play("betty-driving", SKILLED_BETTY[:4])
    reply, outputs = reply_to(session, "Do you feel safe at home?")
    assert reply.text == "Yes, I'm fine. Fine."
    assert reply.revealed == []
    assert not any(o.type == "alert" for o in outputs)


def test_a_safeguarding_fact_stays_hidden_from_an_open_question_on_something_else():
    session = play("betty-driving", SKILLED_BETTY[:4])
    reply, _ = reply_to(session, "How do you spend your evenings?")
    assert "the-gutter-man" not in reply.revealed


def test_a_safeguarding_fact_comes_out_after_an_open_question_about_safety():
    session = play("betty-driving", SKILLED_BETTY[:4])
    reply, outputs = reply_to(session, "What has made you feel unsafe lately?")
    assert reply.revealed == ["the-gutter-man"]
    assert any(o.type == "alert" for o in outputs)


def test_a_safeguarding_fact_comes_out_after_a_reflection():
    session = play("betty-driving", SKILLED_BETTY[:4])
    reply, outputs = reply_to(session, "So Sundays at Bethel have been a big part of your life.")
    assert reply.revealed == ["the-gutter-man"]
    assert any(o.type == "alert" for o in outputs)


def test_information_given_too_soon_reveals_nothing():
    session = play("david-siani", [])
    reply, outputs = reply_to(session, "I recommend you try the falls clinic at the health centre.")
    assert next(o for o in outputs if o.type == "coach").code == "advice"
    assert reply.revealed == []


# -- coaching ----------------------------------------------------------------------------------------


def test_coaching_is_on_by_default_and_can_be_turned_off():
    session = play("toby-lifeboat", [])
    assert any(o.type == "coach" for o in session.send("What happened with the stroke?"))
    session.send("/coach off")
    outputs = session.send("Tell me about the call system they fitted.")
    assert not any(o.type == "coach" for o in outputs)
    assert session.feedback().coached is False
    session.send("/coach")
    assert any(o.type == "coach" for o in session.send("What do you enjoy doing with your hands?"))


def test_coaching_tips_come_from_the_data_file():
    session = play("toby-lifeboat", [])
    coach = next(o for o in session.send("Do you like jigsaws?") if o.type == "coach")
    assert coach.tip == shipped_coaching().tips.closed_question


def test_a_missed_so_what_is_pointed_out_as_it_happens():
    session = play("toby-lifeboat", [])
    coach = next(o for o in session.send("Do you have a car?") if o.type == "coach")
    assert any("get out more" in note for note in coach.notes)


def test_cutting_across_the_person_is_named_as_it_happens_and_advice_is_not_a_reflection():
    session = play("betty-driving", ["What would a good day look like for you?"])
    coach = next(o for o in session.send("Anyway, moving on. Do you have a walk-in shower?") if o.type == "coach")
    assert any(note.startswith("You cut across them (“Anyway”)") for note in coach.notes)
    coach = next(o for o in session.send("You should really get a key safe and a pendant alarm.") if o.type == "coach")
    assert coach.behaviours == ["persuade"] and not any("cut across" in note for note in coach.notes)
    for reflection in ("You might have felt really let down by them.", "You could have lost everything."):
        assert "advice" not in code(reflection) and "persuade" not in code(reflection)


def test_areas_explored_so_far_are_shown():
    session = play("betty-driving", [])
    reply, outputs = reply_to(session, "Tell me about the car.")
    assert reply.explored == {"circumstances": 1}
    assert any(o.type == "info" and "Personal circumstances" in o.text for o in outputs)
    assert "Personal circumstances (1)" in session.send("/areas")[0].text


# -- feedback ---------------------------------------------------------------------------------------


def test_measures_from_a_known_sequence_of_codes():
    codes = (["open_question"] * 4 + ["closed_question"] + ["simple_reflection"] * 2
             + ["complex_reflection"] * 3 + ["advice"])
    counts, (rq, complex_, open_) = measures(codes, shipped_coaching())
    assert counts["advice"] == 1
    assert rq.value == pytest.approx(5 / 5) and rq.level == "fair" and rq.shown == "1:1"
    assert complex_.value == pytest.approx(3 / 5) and complex_.level == "good" and complex_.shown == "60%"
    assert open_.value == pytest.approx(4 / 5) and open_.level == "good"
    assert (complex_.numerator, complex_.denominator) == (3, 5)
    assert rq.source.startswith("MITI 4.2.1") and complex_.source.startswith("MITI 4.2.1")
    assert open_.source.startswith("MITI 3.1.1")
    assert (rq.fair, rq.good, complex_.fair, complex_.good, open_.fair, open_.good) == (1, 2, 0.4, 0.5, 0.5, 0.7)


def test_a_band_is_shown_only_above_its_minimum_but_the_counts_always_are():
    _, (rq, complex_, open_) = measures(["complex_reflection", "open_question"], shipped_coaching())
    assert complex_.value == 1 and complex_.level == "not_enough"  # one complex reflection is not "100%, good"
    assert (complex_.numerator, complex_.denominator, complex_.minimum) == (1, 1, 5)
    assert rq.level == open_.level == "not_enough"
    _, results = measures(["information", "other"], shipped_coaching())
    assert [m.level for m in results] == ["not_enough"] * 3
    session = play("helen-heron", ["It sounds like the river matters to you."])
    text = render_feedback(session.feedback(), "md")
    assert "not banded: 1 reflections, a band needs 5" in text


def test_measures_at_the_thresholds():
    codes = ["open_question"] * 3 + ["closed_question"] * 3 + ["simple_reflection"] * 3 + ["complex_reflection"] * 3
    _, (rq, complex_, open_) = measures(codes, shipped_coaching())
    assert rq.value == 1 and rq.level == "fair"
    assert complex_.value == 0.5 and complex_.level == "good"
    assert open_.value == 0.5 and open_.level == "fair"


def test_every_behaviour_in_a_turn_is_counted_and_stacked_questions_once():
    counts = count_behaviours([
        ["simple_reflection", "open_question"],           # reflect, then ask: one of each
        ["open_question", "closed_question"],             # two questions at once: one question, open
        ["affirm", "affirm", "complex_reflection"],       # one affirmation said in two sentences, then a reflection
    ])
    assert counts["simple_reflection"] == 1 and counts["complex_reflection"] == 1
    assert counts["open_question"] == 2 and counts["closed_question"] == 0
    assert counts["affirm"] == 1


def test_the_session_counts_each_code_the_coder_gives():
    fixed = {"a": "open_question", "b": "closed_question", "c": "complex_reflection", "d": "simple_reflection"}
    session = play("helen-heron", list("abccd"), coder=lambda text, previous=None: fixed[text])
    feedback = session.feedback()
    assert feedback.counts["open_question"] == 1 and feedback.counts["complex_reflection"] == 2
    assert feedback.questions == 2 and feedback.reflections == 3
    assert feedback.measure("reflection_to_question").value == pytest.approx(1.5)
    assert feedback.measure("complex_reflections").value == pytest.approx(2 / 3)


def test_the_draft_and_debrief_are_kept_and_exported():
    session = play("betty-driving", SKILLED_BETTY[:3] + ["/draft Chapel on Sundays", "/end", "Gwen's on Wednesdays",
                                                      "We talked", "Her word opened it", "Ask sooner"])
    assert session.ended
    feedback = session.feedback()
    assert feedback.draft == "Chapel on Sundays\nGwen's on Wednesdays"
    assert (feedback.debrief.what, feedback.debrief.so_what, feedback.debrief.now_what) == (
        "We talked", "Her word opened it", "Ask sooner")
    assert "chapel" in feedback.scenario_what_matters
    for fmt in ("md", "html"):
        text = render_feedback(feedback, fmt)
        assert "Her word opened it" in text and "MITI 3.1.1" in text and "MITI 4.2.1" in text
    assert json.loads(render_feedback(feedback, "json"))["debrief"]["now_what"] == "Ask sooner"


def test_typed_text_cannot_mark_up_the_html_feedback():
    session = play("betty-driving",
                   ["<script>alert(1)</script> what matters to you?", "/end", "<b>bold</b>", "", "", ""])
    html = render_feedback(session.feedback(), "html")
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html


def test_a_so_what_moment_records_whether_the_next_turn_followed_it_up():
    feedback = play("betty-driving", ["What is it about the shower that has become hard?", "Do you drive?"]).feedback()
    moment = next(m for m in feedback.so_what if m.word == "independent")
    assert moment.followed is False and moment.next_text == "Do you drive?"
    feedback = play("betty-driving", SKILLED_BETTY[:1] + ["What does being independent mean for you?"]).feedback()
    moment = next(m for m in feedback.so_what if m.word == "independent")
    assert moment.followed is True and moment.turn == 2


# -- persistence --------------------------------------------------------------------------------------


def test_a_practice_is_saved_as_events_and_can_be_replayed(tmp_path):
    store = Store(tmp_path / "practice.db")
    session = play("david-siani", SKILLED["david-siani"][:4] + ["/draft Siani", "/coach off"], store=store)
    again = PracticeSession.resume(Store(tmp_path / "practice.db"), session.id,
                                   coder=lambda *a: pytest.fail("a replay needs no coder"))
    assert [t.model_dump() for t in again.turns] == [t.model_dump() for t in session.turns]
    assert again.coach is False and again.drafts == ["Siani"]
    assert again.feedback() == session.feedback()
    assert store.get(session.id).flow == "practice:david-siani"


# -- scenario files --------------------------------------------------------------------------------


BAD_SCENARIO = """\
id: bad
title: Bad
summary: A scenario with mistakes
person:
  name: Nobody
  about: Invented.
setting: Nowhere.
opening: I'm fine.
what_matters: Nothing.
replies:
  closed: ["Yes."]
  open: ["Hm."]
  reflection: ["Yes."]
  information: ["OK."]
  puzzled: ["{{ term }}?"]
  other: ["OK."]
facts:
  - id: first
    area: feelings
    topics: [home]
    summary: x
    replies: ["At home."]
  - id: second
    area: outcome
    needs: so_what
    word: independent
    after: [nowhere]
    summary: y
    replies: ["Yes."]
"""


def test_scenario_problems_are_reported_with_file_line_and_column(tmp_path):
    folder = tmp_path / "practice"
    folder.mkdir()
    path = folder / "bad.yaml"
    path.write_text(BAD_SCENARIO)
    with pytest.raises(YamlProblems) as caught:
        load_scenario(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:19:5: facts[0].area: Input should be 'circumstances', 'outcomes', 'barriers', 'own_resources',"
        " 'others', 'community' or 'risks'"]
    path.write_text(BAD_SCENARIO.replace("area: feelings", "area: circumstances"))
    with pytest.raises(YamlProblems) as caught:
        load_scenario(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:26:5: facts[1].word: the person never says 'independent'",
        f"{path}:27:13: facts[1].after: no fact 'nowhere'",
    ]
    result = subprocess.run([sys.executable, "-m", "convo.cli", "flows", "check", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{path}:26:5:" in result.stderr


def test_an_alert_worthy_fact_needs_its_responses_and_welsh_needs_a_first_language(tmp_path):
    path = tmp_path / "alert.yaml"
    path.write_text(BAD_SCENARIO.replace("area: feelings", "area: circumstances").replace(
        "    word: independent\n    after: [nowhere]\n", "    alert: true\n    moved: [\"Ydw.\"]\n"
    ).replace("needs: so_what", "needs: topic"))
    with pytest.raises(YamlProblems) as caught:
        load_scenario(path)
    messages = [p.message for p in caught.value.problems]
    assert "facts[1]: an alert-worthy fact needs responses:" in messages
    assert "facts[1].moved: the person has no first_language" in messages


# -- the commands, end to end ---------------------------------------------------------------------


def convo(*args: str, stdin: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convo.cli", *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, "CONVO_DB": str(tmp_path / "c.db")}, timeout=60)


def test_convo_code_adds_a_code_and_the_behaviours_to_each_line_and_fails_on_a_bad_one(tmp_path):
    lines = [json.dumps({"text": "What would make tomorrow a better day?"}),
             json.dumps({"text": "Do you drive?", "previous": "I used to."}),
             json.dumps({"text": "So you feel stuck. What would help?", "previous": "I feel stuck."})]
    result = convo("code", stdin="\n".join(lines) + "\n", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    coded = [json.loads(line) for line in result.stdout.splitlines()]
    assert [c["code"] for c in coded][:2] == ["open_question", "closed_question"]
    assert coded[1]["previous"] == "I used to."
    assert coded[2]["code"] in ("simple_reflection", "complex_reflection", "open_question")  # one code, as AnnoMI
    assert coded[2]["behaviours"] == ["simple_reflection", "open_question"]
    assert coded[2]["parts"] == ["So you feel stuck.", "What would help?"]
    result = convo("code", stdin=lines[0] + "\nnot json\n", tmp_path=tmp_path)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1 and "line 2" in result.stderr


def test_convo_practice_lists_the_scenarios_without_a_terminal(tmp_path):
    result = convo("practice", "--jsonl", stdin="", tmp_path=tmp_path)
    assert result.returncode == 0
    ids = {json.loads(line)["id"] for line in result.stdout.splitlines()}
    assert {"betty-driving", "david-siani", "helen-heron", "jane-dotty", "toby-lifeboat", "rhian-glenys"} <= ids


def test_convo_practice_in_line_mode_with_jsonl(tmp_path):
    export = tmp_path / "feedback.json"
    lines = SKILLED_BETTY[:3] + ["/coach off", "Do you drive?", "/end",
                                 "Chapel and Gwen", "We talked", "So much", "Ask sooner"]
    result = convo("practice", "betty-driving", "--jsonl", "--export", str(export), "--format", "json",
                   stdin="\n".join(lines) + "\n", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert {o["type"] for o in objects} >= {"info", "reply", "coach", "prompt", "feedback", "done"}
    # Every line read is answered by exactly one prompt or done.
    assert sum(o["type"] in ("prompt", "done") for o in objects) == len(lines) + 1
    assert objects[-1]["type"] == "done" and objects[-2]["type"] == "feedback"
    coached = [o for o in objects if o["type"] == "coach"]
    assert len(coached) == 3  # not for the turn after /coach off
    feedback = objects[-2]["feedback"]
    assert feedback["draft"] == "Chapel and Gwen" and feedback["debrief"]["now_what"] == "Ask sooner"
    assert json.loads(export.read_text())["practice_id"] == objects[-1]["id"]
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    assert (tmp_path / "c-practice.db").exists() and not (tmp_path / "c.db").exists()


def test_convo_practice_in_plain_text_ends_when_input_runs_out(tmp_path):
    result = convo("practice", "toby-lifeboat", stdin="What would getting out more look like for you?\n",
                   tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Toby Williams: Out" in result.stdout or "Toby Williams: Not out" in result.stdout
    assert "# Practice feedback: Toby and the lifeboat station" in result.stdout
    assert "[open question]" in result.stdout


def test_practice_line_mode_runs_without_loading_textual(tmp_path):
    script = (
        "import io, sys\n"
        "from convo.practice import plain\n"
        "from convo.practice.scenario import get_scenario\n"
        "from convo.practice.session import PracticeSession\n"
        "session = PracticeSession.start(get_scenario('helen-heron'))\n"
        "plain.run(session, io.StringIO('What matters to you?\\n/end\\n'), io.StringIO(), io.StringIO())\n"
        "loaded = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_convo_practice_resume_carries_on_an_unfinished_practice_and_refuses_an_ended_one(tmp_path):
    # A practice left unfinished, as the app's Back or a Ctrl+C leaves it.
    store = Store(tmp_path / "c-practice.db")
    left = play("toby-lifeboat", ["What would getting out more look like for you?"], store=store)
    assert not left.ended

    result = convo("practice", "--resume", stdin="What matters most about the lifeboat station?\n",
                   tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "# Practice feedback: Toby and the lifeboat station" in result.stdout
    again = PracticeSession.resume(Store(tmp_path / "c-practice.db"), left.id)
    assert [t.text for t in again.turns] == ["What would getting out more look like for you?",
                                             "What matters most about the lifeboat station?"]
    assert again.ended

    result = convo("practice", "--resume", left.id, stdin="", tmp_path=tmp_path)
    assert result.returncode == 1 and f"practice {left.id} has ended" in result.stderr
    result = convo("practice", "--resume", stdin="", tmp_path=tmp_path)
    assert result.returncode == 1 and "there is no unfinished practice" in result.stderr
    result = convo("practice", "--resume", "no-such-id", stdin="", tmp_path=tmp_path)
    assert result.returncode == 1 and "no-such-id" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="a terminal of its own needs a pty")
def test_the_practice_picker_at_a_terminal_asks_again_after_a_wrong_answer_and_starts_the_one_chosen(tmp_path):
    import pty

    main, side = pty.openpty()  # the picker is shown only when its input is a terminal
    with open(side, "rb", buffering=0) as keyboard:
        run = subprocess.Popen([sys.executable, "-m", "convo.cli", "practice"], stdin=keyboard,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "CONVO_DB": str(tmp_path / "c.db"), "CONVO_HOME": str(tmp_path)})
        os.write(main, b"9\nnobody-here\n1\n/end\n" + b"\x04" * 4)  # Ctrl+D: the end of what is typed
        try:
            out, err = run.communicate(timeout=60)
        finally:
            os.close(main)
    assert run.returncode == 0, err
    assert err == ""
    assert "There is no practice '9' here: a number from 1 to" in out
    assert "There is no practice 'nobody-here' here" in out
    first = shipped()[0].scenario
    assert f"Practice: {first.title}" in out
    from convo.practice.session import unfinished

    with Store(tmp_path / "c.db") as store:
        assert unfinished(store) == []  # the one chosen has ended; none was left half-begun


def test_a_scenario_that_is_not_there_is_named_in_quotes_and_says_how_to_see_them(tmp_path):
    result = convo("practice", "no-such-one", stdin="", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "'no-such-one'" in result.stderr and "Traceback" not in result.stderr


def test_at_a_terminal_the_practice_wraps_at_spaces_and_keeps_each_indent(monkeypatch):
    import io
    import shutil

    from convo.practice.plain import fitted

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(shutil, "get_terminal_size", lambda *a, **k: os.terminal_size((41, 24)))
    said = "Betty Pritchard: Hello, yes, that was me. I just need someone to help me with a shower, really."
    coach = "  [open question] Open question: it leaves room for their story. Listen for their own words."
    for text in (said, coach):
        lines = fitted(text, Terminal()).split("\n")
        assert all(len(line) <= 40 for line in lines) and " ".join(" ".join(lines).split()) == " ".join(text.split())
    assert all(line.startswith("  ") for line in fitted(coach, Terminal()).split("\n"))
    assert fitted(said, io.StringIO()) == said  # a file or a pipe: as it is


def test_at_a_terminal_the_feedback_is_its_words_without_markdowns_marks():
    import io

    from convo.practice import plain

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    session = PracticeSession.start(get_scenario("betty-driving"))
    shown = Terminal()
    plain.run(session, io.StringIO("What matters to you?\n**my own words** # kept\n/end\n"), shown, io.StringIO())
    text = shown.getvalue()
    assert "Practice feedback: " in text and "# Practice feedback" not in text
    assert "\n## " not in text and "\n> " not in text and "|---" not in text and "_None" not in text
    assert "**my own words** # kept" in text  # the trainee's words as typed, marks and all
    piped = io.StringIO()
    plain.run(PracticeSession.start(get_scenario("betty-driving")), io.StringIO("What matters to you?\n/end\n"),
              piped, io.StringIO())
    assert "# Practice feedback" in piped.getvalue()  # a file or a pipe gets Markdown
