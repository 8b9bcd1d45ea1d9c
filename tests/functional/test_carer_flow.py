"""The carer's self-assessment end to end in line mode: plain words, a route for young carers,
every answer filed in its place, and "What you told us" in the carer's exact words."""

from __future__ import annotations

import re

import pytest

from convo import carer, library
from convo.engine import outputs as out
from convo.render import render, render_summary
from convo.render.summary import summarise
from convo.services import Service
from tests.transcript import play, rows

SIAN = """
| say                                                          | asks             | records          | notes      |
| no                                                           | circumstances    | decision         |            |
| My mum Glenys, who has dementia and lives with us            | circumstances    | circumstance     |            |
|                                                              | circumstances    |                  |            |
| I help her wash and dress, and she wakes me twice a night    | circumstances    | circumstance     |            |
|                                                              | outcomes         |                  |            |
| Singing with the choir on Thursdays                          | outcomes         | outcome          |            |
| A whole night's sleep                                        | outcomes         | outcome          |            |
|                                                              | barriers#1       |                  |            |
| Nobody can sit with Mam in the evening                       | barriers#1       | barrier          |            |
|                                                              | own_resources#1  |                  |            |
| I sing along to recordings in the kitchen                    | own_resources#1  | strength         |            |
|                                                              | others#1         |                  |            |
| My brother Dafydd could come on Thursdays                    | others#1         | support          |            |
|                                                              | community#1      |                  |            |
| The carers' centre has a sitting scheme                      | community#1      | community        |            |
|                                                              | risks#1          |                  |            |
|                                                              | barriers#2       |                  |            |
| /skip I'd rather not go into that today                      | own_resources#2  |                  |            |
|                                                              | others#2         |                  |            |
|                                                              | community#2      |                  |            |
|                                                              | risks#2          |                  |            |
|                                                              | circumstances    |                  |            |
| 2                                                            | circumstances    | decision         |            |
| Days are fine but I can't keep doing nights                  | circumstances    | circumstance     |            |
|                                                              | circumstances    |                  |            |
| My back aches and I get headaches                            | circumstances    | circumstance     |            |
|                                                              | circumstances    |                  |            |
| I went part time at the bakery                               | circumstances    | circumstance     |            |
|                                                              | circumstances    |                  |            |
|                                                              | circumstances    |                  |            |
| My husband and I hardly talk                                 | circumstances    | circumstance     |            |
|                                                              | circumstances    |                  |            |
|                                                              | own_resources    |                  |            |
| A walk with the dog first thing                              | own_resources    | strength         |            |
|                                                              | others           |                  |            |
|                                                              | community        |                  |            |
|                                                              | good_life        |                  |            |
| Someone to sit with Mam one night a week                     | good_life        | good_life        |            |
|                                                              | risks            |                  |            |
| Mam would be on her own and frightened                       | risks            | risk             |            |
|                                                              | crisis           |                  |            |
| Dafydd has a key but nothing is written down                 | crisis           | crisis           |            |
|                                                              | closing          |                  |            |
| yes please                                                   | closing          | decision         |            |
| yes                                                          | closing          | decision         |            |
| Book the choir taster night                                  | closing          | next_little_step |            |
|                                                              | done             |                  |            |
"""

SERVICE_WORDS = ["outcome", "outcomes", "barrier", "barriers", "community resources", "assessment", "review",
                 "allocation", "hand-off", "handoff", "referral", "refer", "pathway", "journey", "waiting list",
                 "customer", "client", "service user", "case"]


@pytest.fixture
def sian(start):
    conversation = start("carer", audience="carer", conversation_id="carer-0001")
    play(conversation, SIAN)
    return conversation


def carer_wording() -> list[str]:
    flow, _ = library.get("carer")
    texts = []
    for step in flow.steps.values():
        texts += [step.title, *step.prompt.values(), *step.again.values(), *(c.label for c in step.choices)]
    texts += [part.title for part in flow.file.parts] + [loop.title for loop in flow.loops.values()]
    return texts


def test_sian_is_asked_everything_once_and_each_answer_is_filed_in_its_place(sian):
    record = sian.assessment()
    assert record.flow == "carer" and record.audience == "carer" and record.ended_at is not None
    assert [o.text for o in record.outcomes] == ["Singing with the choir on Thursdays", "A whole night's sleep"]
    choir, sleep = record.outcomes
    assert [e.text for e in choir.barriers] == ["Nobody can sit with Mam in the evening"]
    assert [e.text for e in choir.others] == ["My brother Dafydd could come on Thursdays"]
    assert sleep.not_explored == {"barriers": "I'd rather not go into that today"}
    labels = {e.label: e.text for e in record.circumstances}
    assert labels["Who you look after"] == "My mum Glenys, who has dementia and lives with us"
    assert labels["How much, now and later"] == "Days are fine but I can't keep doing nights"
    assert labels["Your health and sleep"] == "My back aches and I get headaches"
    assert labels["Work, school or study"] == "I went part time at the bakery"
    assert labels["Relationships"] == "My husband and I hardly talk"
    decisions = {e.label: (e.choice, e.text) for e in record.decisions}
    assert decisions == {
        "Are you under 18?": ("no", "no"),
        "Willing and able to keep caring": ("less", "2"),
        "Would you like a carer's assessment?": ("yes", "yes please"),
        "Sharing what you wrote": ("yes", "yes"),
    }
    assert [e.text for e in record.general["own_resources"]] == ["A walk with the dog first thing"]
    assert [e.text for e in record.general["risks"]] == ["Mam would be on her own and frightened"]
    assert [e.text for e in record.crisis] == ["Dafydd has a key but nothing is written down"]
    assert [e.text for e in record.good_life] == ["Someone to sit with Mam one night a week"]
    assert [e.text for e in record.next_little_steps] == ["Book the choir taster night"]


YOUNG = """
| say                                                  | asks          | records      | notes |
| yes                                                  | about         | decision     |       |
| I miss school when Dad has a bad day                 | about         | circumstance |       |
|                                                      | circumstances |              |       |
"""


def test_a_carer_under_18_is_told_their_rights_before_going_on(start):
    conversation = start("carer", audience="carer")
    note = conversation.prompt()
    assert "under 18" in note.text
    played = play(conversation, YOUNG)
    young_note = played[0][-1]
    assert isinstance(young_note, out.Prompt) and young_note.title == "Being a young carer"
    assert "same right as any carer" in young_note.text and "young carers' group" in young_note.text
    assert conversation.assessment().circumstances[0].label == "Being a young carer"


def test_a_carer_of_18_or_over_goes_straight_to_who_they_look_after(start):
    conversation = start("carer", audience="carer")
    outputs = conversation.send("no")
    assert outputs[-1].title == "Who you look after"
    assert "young-carer" not in conversation.state.visited


@pytest.mark.parametrize("age", ["16", "12", "sixteen", "I'm 16", "yes I'm 17", "I’m seventeen.",
                                 "Yes, under 18", "16 years old"])
def test_a_carer_who_gives_an_age_under_18_is_heard(start, age):
    conversation = start("carer", audience="carer")
    assert conversation.send(age)[-1].title == "Being a young carer"
    assert conversation.assessment().decisions[0].choice == "yes"


@pytest.mark.parametrize("age", ["18", "eighteen", "I'm 45", "no I'm twenty-one", "seventy two"])
def test_a_carer_who_gives_an_age_of_18_or_over_goes_on_as_an_adult(start, age):
    conversation = start("carer", audience="carer")
    assert conversation.send(age)[-1].title == "Who you look after"
    assert "young-carer" not in conversation.state.visited


def test_an_age_not_given_is_not_guessed(start):
    conversation = start("carer", audience="carer")
    assert conversation.send("")[-1].title == "Who you look after"


@pytest.mark.parametrize("answer", ["I'd rather not say", "nearly 18", "I'm 16 and my brother is 12", "no one"])
def test_an_answer_that_picks_no_choice_is_kept_and_the_question_asked_again(start, answer):
    conversation = start("carer", audience="carer")
    outputs = conversation.send(answer)
    assert any(isinstance(o, out.Error) and "Yes, I'm under 18 / No, I'm 18 or over" in o.text for o in outputs)
    assert outputs[-1].title == "Are you under 18?" and "are you under 18?" in outputs[-1].text
    assert conversation.send("")[-1].title == "Who you look after"
    assert [e.text for e in conversation.assessment().decisions] == [answer]


def test_an_age_chosen_again_replaces_the_first_answer_and_takes_the_young_carers_way(start):
    conversation = start("carer", audience="carer")
    conversation.send("no")
    conversation.send("/goto age")
    assert conversation.send("15")[-1].title == "Being a young carer"
    assert [(e.text, e.choice) for e in conversation.assessment().decisions] == [("15", "yes")]


def test_an_adult_is_not_told_the_young_carers_page_was_not_reached(sian, start):
    assert not any("young carer" in line.lower() for line in sian.assessment().not_reached)
    conversation = start("carer", audience="carer", conversation_id="carer-0002")
    conversation.send("no")
    assert "Being a young carer" not in render_summary(conversation.assessment(), "txt")
    young = start("carer", audience="carer", conversation_id="carer-0003")
    young.send("14")
    assert "Being a young carer: not reached" in young.assessment().not_reached  # it is next, for them


def test_the_flow_is_for_carers_only(start):
    with pytest.raises(ValueError):
        start("carer", audience="practitioner")


@pytest.mark.parametrize("word", SERVICE_WORDS)
def test_nothing_a_carer_reads_uses_service_words(word):
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.I)
    for text in carer_wording():
        allowed = re.sub(r"{{.*?}}", "", text).replace("carer's assessment", "")  # the one right named
        assert not pattern.search(allowed), f"{word!r} in: {text}"


def test_the_right_to_a_carers_assessment_is_named_and_sharing_is_asked(start):
    flow, _ = library.get("carer")
    assert "a carer's assessment" in flow.steps["carers-assessment"].prompt["carer"]
    assert [c.value for c in flow.steps["share"].choices] == ["yes", "no", "unsure"]


def test_carer_interrupts_speak_to_the_carer(start):
    conversation = start("carer", audience="carer")
    conversation.send("no")
    outputs = conversation.send("He hits me when he is confused")
    assert any(isinstance(o, out.Alert) for o in outputs)
    assert "call 999" in outputs[-1].text and "you" in outputs[-1].text


# -- the summary ---------------------------------------------------------------------------------


def test_what_a_carer_says_after_an_alert_is_in_what_you_told_us(start):
    conversation = start("carer", audience="carer")
    conversation.send("no")
    outputs = conversation.send("He hits me when he's been drinking, and he takes my pension money every week too.")
    assert [o.category for o in outputs if isinstance(o, out.Alert)] == ["physical", "financial"]
    conversation.send("He is my husband. I am safe tonight.")
    text = render_summary(conversation.assessment(), "txt")
    assert "“He is my husband. I am safe tonight.”" in text
    assert text.count("He hits me when he's been drinking") == 1


def test_what_you_told_us_quotes_every_answer_exactly(sian):
    text = render_summary(sian.assessment(), "txt")
    assert text.startswith("What you told us\n")
    said = [row["say"] for row in rows(SIAN) if row["say"] and not row["say"].startswith("/")]
    typed = [s for s in said if not s.isdigit() and s not in ("no", "yes")]
    for answer in typed:
        assert f"“{answer}”" in text, answer


def test_what_you_told_us_invents_nothing(sian):
    """Every quoted phrase is something the carer typed (or a thing that matters they named)."""
    text = render_summary(sian.assessment(), "txt")
    said = {row["say"] for row in rows(SIAN)} | {"I'd rather not go into that today"}
    for quoted in re.findall(r"“([^”]*)”", text):
        assert quoted in said, quoted


def test_what_you_told_us_is_addressed_to_the_carer_and_says_plainly_what_was_left_out(sian):
    text = render_summary(sian.assessment(), "md")
    assert "## What matters to you" in text and "outcome" not in text.casefold()
    left_out = text[text.index("## What you left out"):]
    assert ("What gets in the way (about “A whole night's sleep”): left out (I'd rather not go into that today)"
            in left_out)
    assert "Money: you left this blank" in left_out
    assert "Taking the risk (about “Singing with the choir on Thursdays”): left out" in left_out


def test_an_unfinished_summary_says_so_and_lists_what_is_still_to_come(start):
    conversation = start("carer", audience="carer")
    conversation.send("no")
    conversation.send("My dad")
    text = render_summary(conversation.assessment(), "txt")
    assert "It is not finished yet" in text
    assert "“My dad”" in text
    still_to_come = text[text.index("Not answered yet"):]
    assert "How caring affects you: not entered" in still_to_come and "Money" not in text


def test_summary_groups_follow_the_order_things_were_asked(sian):
    summary = summarise(sian.assessment())
    titles = [a.title for a in summary.before_matters] + ["*"] + [a.title for a in summary.after_matters]
    assert titles[:4] == ["Are you under 18?", "Who you look after", "Caring, day and night", "*"]
    assert titles[-3:] == ["Would you like a carer's assessment?", "Sharing what you wrote", "One small step"]


def test_export_puts_the_summary_first_then_the_draft(sian):
    text = render(sian.assessment(), "md")
    assert text.index("# What you told us") < text.index("# Draft what-matters record")
    assert "## Personal circumstances" in text  # the draft's fixed headings are all still there


def test_a_practitioners_export_has_no_carer_summary(start):
    text = render(start().assessment(), "md")
    assert "What you told us" not in text


def test_summary_escapes_what_was_typed(start):
    conversation = start("carer", audience="carer")
    conversation.send("no")
    conversation.send("<script>alert(1)</script> **bold** # not a heading")
    html = render(conversation.assessment(), "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    md = render_summary(conversation.assessment(), "md")
    assert "\\*\\*bold\\*\\*" in md and "\\# not a heading" in md


# -- codes for browsers ----------------------------------------------------------------------------


def test_codes_are_long_random_and_forgiving_to_type():
    codes = {carer.new_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert carer.is_code(code) and len(code) == 14
    assert carer.normalise_code(f"  {code.upper().replace('-', ' ')} ") == code
    assert carer.normalise_code("20260302-abc123") is None
    assert carer.normalise_code("") is None


def test_a_code_finds_only_a_carers_conversation(store, clock):
    code = carer.new_code()
    library.start(store, "carer", "carer", clock=clock, conversation_id=code)
    other = carer.new_code()
    library.start(store, "what-matters", "practitioner", clock=clock, conversation_id=other)
    assert Service(store).carer_code(code.upper()).id == code
    assert Service(store).carer_code(other) is None
    assert Service(store).carer_code(carer.new_code()) is None


def test_browser_conversations_are_never_offered_back_in_a_terminal(store, clock):
    web = library.start(store, "carer", "carer", clock=clock, conversation_id=carer.new_code())
    web.send("")
    web.send("no")
    here = library.start(store, "carer", "carer", clock=clock, conversation_id="20260302-aaaaaa")
    here.send("")
    here.send("no")
    empty = library.start(store, "carer", "carer", clock=clock, conversation_id="20260302-bbbbbb")
    assert [info.id for info in Service(store).unfinished_carer()] == [here.id]
    assert empty.id not in [info.id for info in Service(store).unfinished_carer()]


def test_a_carer_closing_an_alert_is_recorded_as_seen_by_the_carer_not_acknowledged(start):
    from convo.render import render

    conversation = start("carer", audience="carer")
    conversation.send("no")
    said = conversation.send("My husband. When he gets frustrated he hits me and I have bruises on my arms")
    assert any(isinstance(o, out.Alert) for o in said)
    closed = conversation.send("/ack")
    assert any(isinstance(o, out.Info) and "saved" in o.text for o in closed)
    [alert] = conversation.assessment().safeguarding
    assert alert.acknowledged_at is None and alert.acknowledged_by is None
    assert alert.seen_by_carer_at is not None
    for fmt in ("md", "html"):
        drawn = render(conversation.assessment(), fmt)
        assert "Closed by the carer at" in drawn and "not yet acknowledged by a practitioner" in drawn
        assert "Alert acknowledged at" not in drawn


def test_what_you_told_us_has_the_choice_about_a_risk_and_what_makes_it_safer(start):
    from convo.render import render

    said = {"age": "no", "who-you-care-for": "My dad", "what-matters": "My garden",
            "if-nothing-changes": "my back might go", "taking-the-risk": "not sure"}
    conversation = start("carer", audience="carer")
    asked: set[str] = set()
    while (prompt := conversation.prompt()) is not None and prompt.stage != "share":
        conversation.send(said[prompt.stage] if prompt.stage in said and prompt.stage not in asked else "")
        asked.add(prompt.stage)
    for fmt, told in (("md", "Taking the risk:\n- Not sure yet"), ("html", "Taking the risk")):
        summary = render(conversation.assessment(), fmt).split("Draft what-matters record")[0]
        assert told in summary and "Not sure yet" in summary
        assert "Taking the risk (about" not in summary  # answered, so not listed as left out


def at_willing_and_able(start):
    """A carer's self-assessment at *Willing and able*, every question before it passed (an adult carer)."""
    conversation = start("carer", audience="carer")
    while (prompt := conversation.prompt()).stage != "willing-and-able":
        conversation.send("no" if prompt.stage == "age" else "")
    return conversation


def test_words_said_after_a_choice_are_heard_and_the_choice_is_kept(start):
    conversation = at_willing_and_able(start)
    said = conversation.send("No, he hits me when I try to leave")
    assert [o.category for o in said if isinstance(o, out.Alert)] == ["physical"]
    assert conversation.assessment().decisions[-1].choice == "no"


def test_an_answer_beside_the_choices_that_tells_of_not_going_on_raises_the_alert(start):
    conversation = at_willing_and_able(start)
    said = conversation.send("not sure, some nights I think about just not waking up")
    assert [o.category for o in said if isinstance(o, out.Alert)] == ["risk_to_life"]
    calm = conversation.send("not sure, depends on my back")
    assert not [o for o in calm if isinstance(o, out.Alert)]


def test_a_practitioner_acknowledges_an_alert_the_carer_closed(start, store, clock):
    from convo.render import render

    conversation = start("carer", audience="carer")
    conversation.send("no")
    conversation.send("My husband. When he gets frustrated he hits me and I have bruises on my arms")
    conversation.send("/ack")
    assert conversation.pending_alerts() == []  # closed for the carer: it no longer waits for them
    assert any(isinstance(o, out.Error) for o in conversation.send("/ack"))
    # Read again by a practitioner (the practitioners' app), it waits for them, and /ack is theirs.
    read = library.resume(store, conversation.id, clock=clock).by_practitioner()
    assert [alert.seq for alert in read.pending_alerts()] == [alert.seq for alert in read.state.alerts]
    said = read.send("/ack")
    assert any(isinstance(o, out.Info) and "acknowledged" in o.text.lower() for o in said)
    assert read.pending_alerts() == []
    [alert] = read.assessment().safeguarding
    assert alert.seen_by_carer_at is not None and alert.acknowledged_at is not None
    assert alert.seen_by_carer_at <= alert.acknowledged_at
    for fmt in ("md", "html"):
        drawn = render(read.assessment(), fmt)
        assert "Closed by the carer at" in drawn and "Alert acknowledged at" in drawn
        assert "not yet acknowledged" not in drawn
    # Read again by the carer, nothing waits for them.
    assert library.resume(store, conversation.id, clock=clock).pending_alerts() == []
