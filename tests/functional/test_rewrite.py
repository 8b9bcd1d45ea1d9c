"""Writing a question's answer again: the new words stand, the old are kept in the log as taken back."""

from convo import library
from convo.engine.commands import Rewrite
from convo.engine.parse import parse, spelled
from convo.store import Store
from tests.conftest import pass_opening


def test_rewrite_is_typed_in_line_mode_with_the_words_exactly():
    assert parse("/rewrite  my sister, not my niece") == Rewrite(" my sister, not my niece")
    assert parse("/rewrite") == Rewrite("")
    assert spelled(Rewrite("my sister")) == "/rewrite my sister"


def test_the_new_words_stand_and_the_old_are_kept_as_taken_back(tmp_path):
    store = Store(tmp_path / "c.db")
    conversation = library.start(store, "three-conversations", "practitioner")
    pass_opening(conversation)
    conversation.send("Ann, rang about her mum")
    conversation.send("and her mum's neighbour")
    count = len(conversation.events)

    conversation.send("/rewrite Ann, rang about her mum after a fall")

    assert [item.text for item in conversation.assessment().about] == ["Ann, rang about her mum after a fall"]
    assert [event.type for event in conversation.events[count:]] == ["answered", "undone", "undone"]
    assert [item.text for item in library.resume(store, conversation.id).assessment().about] == [
        "Ann, rang about her mum after a fall"]


def test_the_same_words_record_nothing_and_none_take_the_answer_out(tmp_path):
    store = Store(tmp_path / "c.db")
    conversation = library.start(store, "three-conversations", "practitioner")
    pass_opening(conversation)
    conversation.send("Ann")
    count = len(conversation.events)
    conversation.handle(Rewrite("Ann"))
    assert len(conversation.events) == count
    conversation.handle(Rewrite(""))
    assert conversation.assessment().about == []


def test_what_matters_and_choices_are_not_written_again(tmp_path):
    store = Store(tmp_path / "c.db")
    conversation = library.start(store, "what-matters", "practitioner")
    pass_opening(conversation)
    while (prompt := conversation.prompt()) is not None and prompt.area != "outcomes":
        conversation.send("")
    conversation.send("Seeing my grandchildren")
    count = len(conversation.events)
    said = conversation.send("/rewrite Getting to chapel")[0]
    assert said.type == "error" and "written answer" in said.text
    assert len(conversation.events) == count
