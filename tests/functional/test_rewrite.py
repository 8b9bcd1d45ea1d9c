"""Writing a question's answer again: the new words stand in the old ones' place; the old are kept in the log."""

from convo import library
from convo.engine.commands import GoTo, Rewrite
from convo.engine.parse import parse, spelled


def test_rewrite_is_typed_in_line_mode_with_the_words_exactly():
    assert parse("/rewrite  my sister, not my niece") == Rewrite(" my sister, not my niece")
    assert parse("/rewrite") == Rewrite("")
    assert spelled(Rewrite("my sister")) == "/rewrite my sister"


def test_the_new_words_stand_in_the_old_ones_place_and_undo_brings_them_back(store, start):
    conversation = start()
    conversation.send("Ann, rang about her mum")
    conversation.send("and her mum's neighbour")
    count = len(conversation.events)

    conversation.send("/rewrite Ann, rang about her mum after a fall")

    assert [item.text for item in conversation.assessment().about] == ["Ann, rang about her mum after a fall"]
    [rewritten] = conversation.events[count:]
    assert rewritten.type == "answered" and len(rewritten.data["replaces"]) == 2  # the old words stay in the log
    assert [item.text for item in library.resume(store, conversation.id).assessment().about] == [
        "Ann, rang about her mum after a fall"]
    conversation.send("/undo")
    assert [item.text for item in conversation.assessment().about] == ["Ann, rang about her mum",
                                                                       "and her mum's neighbour"]


def test_the_same_words_record_nothing_and_none_take_the_answer_out(start):
    conversation = start("three-conversations")
    conversation.send("Ann")
    count = len(conversation.events)
    conversation.handle(Rewrite("Ann"))
    assert len(conversation.events) == count
    conversation.handle(Rewrite(""))
    assert conversation.assessment().about == []


def test_what_matters_and_choices_are_not_written_again(start):
    conversation = start("what-matters")
    while (prompt := conversation.prompt()) is not None and prompt.area != "outcomes":
        conversation.send("")
    conversation.send("Seeing my grandchildren")
    count = len(conversation.events)
    said = conversation.send("/rewrite Getting to chapel")[0]
    assert said.type == "error" and "written answer" in said.text
    assert len(conversation.events) == count


def test_a_typo_mended_in_an_answer_that_told_of_harm_raises_no_second_alert(start):
    conversation = start("three-conversations")
    conversation.send("Ann, her sonn hits her when he's drunk")
    conversation.send("/ack")
    conversation.handle(GoTo("about"))
    conversation.handle(Rewrite("Ann, her son hits her when he's drunk"))
    [alert] = conversation.assessment().safeguarding
    assert alert.text == "Ann, her sonn hits her when he's drunk" and alert.answer_changed
    assert not alert.answer_taken_back and conversation.state.pending_alerts() == []
    assert [e.text for e in conversation.assessment().about] == ["Ann, her son hits her when he's drunk"]
    # A kind of harm the first words did not tell raises its own alert.
    conversation.handle(Rewrite("Ann, her son hits her when he's drunk and he takes her pension"))
    assert [a.category for a in conversation.assessment().safeguarding] == ["physical", "financial"]


def test_an_answer_refiled_elsewhere_is_not_written_over(start):
    conversation = start("three-conversations")
    conversation.send("Ann, rang about her mum")
    conversation.send("Her mum keeps falling on the stairs at night")
    conversation.send("/refile risk")
    conversation.handle(GoTo("about"))
    conversation.handle(Rewrite("Ann Jones, rang about her mum"))
    record = conversation.assessment()
    assert [e.text for e in record.about] == ["Ann Jones, rang about her mum"]
    assert "Her mum keeps falling on the stairs at night" in [r.text for r in record.general["risks"]]
