"""The carers' web pages (`convo web`) through Starlette's test client: a whole self-assessment, one
question a page; saving and carrying on with a code; one place at a time; wrong codes; the safety
box; a young carer; and the guards: CSRF, cookie flags, plain problem pages, nothing in the log."""

from __future__ import annotations

import copy
import html
import json
import logging
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from markupsafe import escape

pytest.importorskip("starlette", reason="convo web needs the web extra: pip install 'convo[web]'")

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # Starlette would rather have httpx2 than httpx
    from starlette.testclient import TestClient

from convo import library
from convo.notice.detector import hear
from convo.store import Store
from convo.web.app import make_app
from convo.web.codes import WrongCodes

OUT_OF_HOURS = "0300 123 4567"
# What a carer says at each question (by stage; a per-thing question the same for each thing).
SIAN = {
    "age": "no",
    "who-you-care-for": "My mum Glenys, who has dementia",
    "caring-day-and-night": "I help her wash and dress, and she wakes me twice a night",
    "what-matters": "Singing with the choir on Thursdays\nA whole night's sleep",
    "in-the-way": "Nobody can sit with Mam in the evening",
    "if-nothing-changes": "I'd stop going out at all",
    "taking-the-risk": "unsure",
    "willing-and-able": "less",
    "health-and-sleep": "My back aches and I get headaches",
    "money": "I went part time at the bakery",
    "would-help": "Someone to sit with Mam one night a week",
    "carers-assessment": "yes",
    "share": "no",
    "small-step": "Book the choir taster night",
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "carers.db"


@pytest.fixture
def app(db: Path):
    return make_app(db, out_of_hours=OUT_OF_HOURS)


class Carer:
    """One browser: a test client with its own cookie, reading each page as a carer would."""

    def __init__(self, app, **options):
        self.client = TestClient(app, **options)
        self.page = self.client.get("/")

    @property
    def text(self) -> str:
        return self.page.text

    @property
    def path(self) -> str:
        return self.page.url.path

    def field(self, name: str) -> str | None:
        found = re.search(rf'name="{name}" value="([^"]*)"', self.text)
        return html.unescape(found.group(1)) if found else None

    @property
    def csrf(self) -> str:
        token = self.field("csrf")
        assert token, f"no CSRF field on {self.path}"
        return token

    def heading(self) -> str:
        found = re.search(r"<h1[^>]*>(.*?)</h1>", self.text, re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""

    def main(self) -> str:
        """The words of the page's main content, as a screen reader would read them."""
        body = self.text.split('<main class="main" id="main-content">', 1)[1].split("</main>", 1)[0]
        return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))

    def post(self, url: str, **data: str) -> Carer:
        self.page = self.client.post(url, data={"csrf": self.csrf, **data})
        return self

    def start(self) -> Carer:
        """Start, and go on to the age question (a flow may offer something before it, such as a language)."""
        self.page = self.client.get("/")
        self.post("/start")
        for _ in range(5):
            if self.field("at") == "age":
                return self
            self.answer("")
        raise AssertionError(f"no age question after starting: {self.path}")

    def answer(self, words: str = "", *, action: str = "continue") -> Carer:
        """Answer the question on this page: words in its box, or the choice with that value (or label)."""
        at = self.field("at")
        assert at, f"no question on {self.path}"
        if 'name="choice"' in self.text:
            return self.post("/question", at=at, choice=words, action=action)
        # What the box was showing, as a browser sends it back (see the two-tab tests).
        shown = {"written_digest": digest} if (digest := self.field("written_digest")) is not None else {}
        return self.post("/question", at=at, answer=words, action=action, **shown)

    def go(self, url: str) -> Carer:
        self.page = self.client.get(url)
        return self

    def through(self, answers: dict[str, str], until: str = "/check", most: int = 80) -> list[str]:
        """Answer every question until the page at `until`; return each page's address on the way."""
        seen = []
        for _ in range(most):
            if self.path == until:
                return seen
            assert self.path.startswith("/question/"), (self.path, self.main()[:300])
            seen.append(self.path)
            self.answer(answers.get(self.field("at").split("/")[0], ""))
        raise AssertionError(f"never reached {until}: {seen[-5:]}")


def record(db: Path, code: str):
    with Store(db) as store:
        return library.resume(store, code).assessment()


def events(db: Path, code: str) -> list:
    with Store(db) as store:
        return library.resume(store, code).events


def only_code(db: Path) -> str:
    with Store(db) as store:
        ids = [info.id for info in store.list()]
    assert len(ids) == 1, ids
    return ids[0]


# -- a whole self-assessment --------------------------------------------------------------------


def test_a_carer_completes_the_whole_self_assessment_one_question_a_page(app, db):
    carer = Carer(app)
    assert carer.page.status_code == 200 and "Start now" in carer.text
    carer.start()
    assert carer.path == "/question/age" and carer.heading() == "Are you under 18?"
    pages = carer.through(SIAN)
    assert pages[:4] == ["/question/age", "/question/who-you-care-for", "/question/caring-day-and-night",
                         "/question/what-matters"]
    assert "/question/in-the-way/2" in pages and "/question/young-carer" not in pages
    assert carer.heading() == "Check your answers"
    assert "Singing with the choir on Thursdays" in carer.main() and "Change" in carer.main()

    carer.post("/finish")
    assert carer.path == "/done" and carer.heading() == "What you told us"
    done = carer.main()
    for words in ("My mum Glenys, who has dementia", "Book the choir taster night", "Yes, but not as much as now"):
        assert words in done
    saved = record(db, only_code(db))
    assert saved.ended_at is not None
    assert [o.text for o in saved.outcomes] == ["Singing with the choir on Thursdays", "A whole night's sleep"]
    assert [e.text for e in saved.outcomes[1].barriers] == [SIAN["in-the-way"]]
    assert {e.label: e.choice for e in saved.decisions} == {
        "Are you under 18?": "no", "Willing and able to keep caring": "less",
        "Would you like a carer's assessment?": "yes", "Sharing what you wrote": "no"}
    assert [e.text for e in saved.next_little_steps] == [SIAN["small-step"]]
    assert not any("young carer" in line.lower() for line in saved.not_reached)
    assert "Being a young carer" not in done


def test_every_answer_is_saved_before_the_next_page_is_shown(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My dad, after his stroke")
    assert [e.text for e in record(db, only_code(db)).circumstances] == ["My dad, after his stroke"]


def test_each_line_of_what_matters_is_a_thing_of_its_own_and_each_is_asked_about(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("").answer("")
    assert carer.path == "/question/what-matters"
    carer.answer("Swimming again\n\n  The allotment  \r\nSeeing Dilys")
    assert carer.path == "/question/in-the-way/1" and "“Swimming again”" in carer.heading()
    assert [o.text for o in record(db, only_code(db)).outcomes] == ["Swimming again", "The allotment", "Seeing Dilys"]


def test_a_safety_question_between_things_that_matter_keeps_the_rest_for_after_it(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("").answer("")
    carer.answer("Some days I want to end it all\nGardening\nMy grandchildren")
    assert carer.path == "/question/safety-check" and "If you need help now" in carer.main()
    carer.answer("It has been a bad month")
    assert carer.path == "/question/in-the-way/1"
    saved = record(db, only_code(db))
    assert [o.text for o in saved.outcomes] == ["Some days I want to end it all", "Gardening", "My grandchildren"]


def test_saving_at_the_question_an_alert_brought_shows_the_help_on_the_saved_page_too(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("").answer("")
    carer.answer("Some days I want to end it all")
    assert carer.path == "/question/safety-check" and "If you need help now" in carer.main()
    carer.answer("half of what I wanted to s", action="save")
    assert carer.path == "/saved" and "If you need help now" in carer.main() and "116 123" in carer.main()


def test_a_safety_question_is_answered_or_passed_before_any_other_page_is_shown(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My husband")
    carer.answer("Some days I want to end it all")
    assert carer.path == "/question/safety-check" and 'class="back-link"' not in carer.text
    assert carer.go("/question/who-you-care-for").path == "/question/safety-check"
    assert carer.go("/check").path == "/question/safety-check"
    form = {"csrf": carer.csrf, "at": "who-you-care-for", "answer": "and my aunt", "action": "continue"}
    carer.page = carer.client.post("/question", data=form)  # a form from a tab opened before the alert
    assert carer.path == "/question/safety-check" and "That page was out of date" in carer.main()
    assert [e.text for e in record(db, only_code(db)).circumstances] == ["My husband", "Some days I want to end it all"]
    carer.answer("")  # passed: the way back is open again
    assert carer.path != "/question/safety-check"
    assert carer.go("/question/who-you-care-for").path == "/question/who-you-care-for"


def test_the_download_is_what_you_told_us_as_an_attachment_and_is_audited(app, db):
    carer = Carer(app).start()
    carer.through({**SIAN, "health-and-sleep": "<script>alert(1)</script> & tired"})
    carer.post("/finish")
    download = carer.client.get("/download")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="what-you-told-us.html"'
    assert download.headers["content-type"].startswith("text/html")
    assert "<h1 id=\"what-you-told-us\">What you told us</h1>" in download.text
    assert "Singing with the choir on Thursdays" in download.text
    assert "<script>alert(1)</script>" not in download.text and "&lt;script&gt;" in download.text
    with Store(db) as store:
        assert [e.action for e in store.audit_log()] == ["exported"]


def test_a_slash_typed_by_a_carer_is_kept_as_their_words_not_a_command(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("/end of my tether, honestly")
    saved = record(db, only_code(db))
    assert saved.ended_at is None and [e.text for e in saved.circumstances] == ["/end of my tether, honestly"]


def test_nothing_a_carer_reads_has_practitioner_words_or_typing_instructions(app):
    carer = Carer(app)
    shown = [carer.main()]
    carer.start()
    for _ in range(80):
        shown.append(carer.main())
        if carer.path == "/check":
            break
        carer.answer(SIAN.get(carer.field("at").split("/")[0], ""))
    carer.post("/finish")
    shown.append(carer.main())
    words = " ".join(shown)
    for practitioner in ("outcome", "barrier", "risk_choice", "good_life", "own_resources", "referral",
                         "service user", "client", "Re-file", "Call time", "recorded as"):
        assert practitioner.lower() not in words.lower(), practitioner
    for instruction in ("Enter on an empty line", "(yes / no", "/skip", "/help", "/end", "/goto"):
        assert instruction not in words, instruction


def test_choosing_welsh_at_the_offer_turns_the_next_page_welsh_with_nothing_marked_as_another_language(app):
    carer = Carer(app)
    carer.post("/start")
    if carer.field("at") != "welsh-offer":
        pytest.skip("this flow offers no Welsh")
    carer.answer("cy")
    assert '<html lang="cy">' in carer.text
    assert re.search(r'<h1 class="fieldset-heading">[^<]+</h1>', carer.text)
    assert re.search(r'<label class="radio-label" for="choice-1">', carer.text)


# -- a young carer -------------------------------------------------------------------------------


def test_a_young_carer_is_shown_their_page_and_an_adult_is_not(app, db):
    young = Carer(app).start()
    young.answer("yes")
    assert young.path == "/question/young-carer"
    assert "you have the same right as any carer" in young.main()
    young.answer("I miss school when Dad has a bad day")
    assert young.path == "/question/who-you-care-for"

    adult = Carer(app).start()
    adult.answer("no")
    assert adult.path == "/question/who-you-care-for"


def test_changing_the_age_answer_takes_the_young_carers_way_and_replaces_the_first_answer(app, db):
    carer = Carer(app).start()
    carer.through(SIAN)
    carer.go("/question/age")
    assert 'value="no" checked' in carer.text
    carer.answer("yes")
    assert carer.path == "/question/young-carer"
    carer.answer("")
    assert carer.path == "/check"  # the rest was answered before
    assert "Yes, I'm under 18" in carer.main() and "No, I'm 18 or over" not in carer.main()
    assert [e.choice for e in record(db, only_code(db)).decisions if e.label == "Are you under 18?"] == ["yes"]


def test_a_choice_left_unchosen_is_an_error_said_at_the_top_and_at_the_question(app):
    carer = Carer(app).start()
    carer.post("/question", at="age", action="continue")
    assert carer.path == "/question" and carer.page.status_code == 200
    assert carer.text.count("Choose one answer, or choose “I’d rather not say”") == 2
    assert '<a href="#choice-1">' in carer.text and carer.heading() == "Are you under 18?"
    assert "<title>Error: " in carer.text
    carer.answer("")  # I'd rather not say
    assert carer.path == "/question/who-you-care-for"


# -- the safety box --------------------------------------------------------------------------------


def test_a_worrying_answer_is_saved_and_the_next_page_opens_with_where_to_get_help(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My husband")
    carer.answer("Some days I want to end it all")
    assert [e.text for e in record(db, only_code(db)).circumstances][-1] == "Some days I want to end it all"
    main = carer.text.split('id="main-content">', 1)[1]
    assert main.lstrip().startswith('<div class="safety"')
    box = carer.main()
    assert "999" in box and "116 123" in box and OUT_OF_HOURS in box
    assert 'href="tel:999"' in carer.text and 'href="tel:116123"' in carer.text
    carer.answer("")
    assert 'class="safety"' not in carer.text


def test_the_question_under_the_help_box_does_not_give_its_numbers_again(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My husband")
    carer.answer("Some days I want to end it all")
    assert carer.path == "/question/safety-check" and "If you need help now" in carer.main()
    main = carer.main()
    assert main.count("999") == 1 and main.count("116 123") == 1
    assert "Would you like to say more about what is happening?" in main
    again = carer.go("/question/safety-check").main()
    assert "If you need help now" in again and again.count("999") == 1
    carer.answer("", action="save")
    code = re.search(r'<p class="code" id="resume-code">([^<]+)</p>', carer.text).group(1)
    later = Carer(app)
    later.go("/resume").post("/resume", code=code)
    assert later.path == "/question/safety-check"
    # Carried on in a new browser: whether or not the box opens the page, the numbers are on it.
    assert "999" in later.main() and "116 123" in later.main()


def test_a_worrying_answer_saved_to_come_back_later_still_brings_the_box(app, db):
    carer = Carer(app).start()
    carer.answer("no")
    carer.answer("My wife. Some days I want to end it all", action="save")
    assert carer.path == "/saved" and "If you need help now" in carer.main() and "116 123" in carer.main()
    assert "If you need help now" not in carer.go("/saved").main()  # once, on the next page


def test_without_an_out_of_hours_number_the_box_still_says_where_to_turn(db):
    carer = Carer(make_app(db)).start()
    carer.answer("no").answer("He hits me when he is confused")
    # Looked for in what is shown and in the links, not the whole page: a form token's hex may hold "0300".
    assert "If you need help now" in carer.main() and "0300" not in carer.main() and "tel:0300" not in carer.text


# -- save, come back, one place at a time -------------------------------------------------------------


def test_save_and_come_back_later_shows_the_code_and_it_carries_on_in_a_new_browser(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My sister, who has MS")
    carer.answer("Lifts to hospital and her shopping", action="save")
    assert carer.path == "/saved"
    code = re.search(r'<p class="code" id="resume-code">([^<]+)</p>', carer.text).group(1)
    assert code == only_code(db)
    assert [e.text for e in record(db, code).circumstances] == ["My sister, who has MS",
                                                                 "Lifts to hospital and her shopping"]
    assert carer.go("/question").path == "/"  # this browser now needs the code too

    later = Carer(app)
    later.go("/resume").post("/resume", code=code.upper().replace("-", " "))
    assert later.path == "/question/caring-day-and-night" and "Welcome back" in later.main()
    assert "Lifts to hospital and her shopping" in later.main()  # what they said here so far
    later.answer("")
    assert later.path == "/question/what-matters"


def test_a_code_is_used_in_one_place_at_a_time_and_the_second_is_told_kindly(app, db):
    first = Carer(app).start()
    first.answer("no")
    code = only_code(db)
    second = Carer(app)
    second.go("/resume").post("/resume", code=code)
    assert second.page.status_code == 409 and second.heading() == "Your self-assessment is open somewhere else"
    assert "close one of them" in second.main()
    assert "UNIQUE" not in second.text and str(db) not in second.text

    first.answer("My gran")  # the first window still saves
    second.post("/take-over")
    assert second.path == "/question/caring-day-and-night"
    first.answer("She needs help to get up")
    assert first.page.status_code == 409 and "nothing more can be saved here" in first.main()
    assert "She needs help to get up" in first.main()  # shown back, to copy
    saved = record(db, code)
    assert [e.text for e in saved.circumstances] == ["My gran"]
    second.answer("Getting her up and her tablets")
    assert [e.text for e in record(db, code).circumstances] == ["My gran", "Getting her up and her tablets"]


def test_a_window_left_alone_lets_its_code_be_used_elsewhere_and_picks_it_up_again_if_free(app, db):
    clock = Clock()
    pages = app.state.pages
    pages.sessions._clock = clock
    first = Carer(app).start()
    first.answer("no")
    code = only_code(db)
    clock.now += 21 * 60  # longer than a session holds its lease while nobody uses it
    pages._swept = float("-inf")
    elsewhere = Carer(app)
    elsewhere.go("/resume")
    time.sleep(0.5)  # the sweep the page set off lets the idle window's lease go
    elsewhere.post("/resume", code=code)
    assert elsewhere.path == "/question/who-you-care-for"
    first.answer("My neighbour")  # the first window finds its code in use now
    assert first.page.status_code == 409 and "open somewhere else" in first.heading()
    assert "My neighbour" in first.main()  # shown back, to copy
    elsewhere.answer("My neighbour Iolo")
    assert [e.text for e in record(db, code).circumstances] == ["My neighbour Iolo"]


def test_the_same_form_sent_twice_is_saved_once(app, db):
    carer = Carer(app).start()
    carer.answer("no")
    form = {"csrf": carer.csrf, "at": "who-you-care-for", "answer": "My brother", "action": "continue"}
    carer.client.post("/question", data=form)
    carer.page = carer.client.post("/question", data=form)
    assert carer.path == "/question/caring-day-and-night"
    assert [e.text for e in record(db, only_code(db)).circumstances] == ["My brother"]


def test_back_goes_to_the_previous_question_and_its_answer_is_changed_in_the_box(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My dad")
    back = re.search(r'<a href="([^"]+)" class="back-link">Back</a>', carer.text).group(1)
    assert back == "/question/who-you-care-for"
    carer.go(back)
    assert '<textarea class="textarea" id="answer" name="answer"' in carer.text
    assert re.search(r'<textarea [^>]*>My dad</textarea>', carer.text)  # the words as they stand, to change
    assert "You can change it" in carer.main()
    carer.answer("My dad, and my uncle next door")
    assert carer.path == "/question/caring-day-and-night"
    assert [e.text for e in record(db, only_code(db)).circumstances] == ["My dad, and my uncle next door"]
    logged = events(db, only_code(db))
    assert [e.data["text"] for e in logged if e.type == "answered" and e.data.get("text")][-2:] == [
        "My dad", "My dad, and my uncle next door"]  # the first words are kept in the log
    assert [e.data.get("replaces") for e in logged if e.data.get("text") == "My dad, and my uncle next door"] == [
        [next(e.seq for e in logged if e.data.get("text") == "My dad")]]


def test_an_answer_sent_back_unchanged_records_nothing_and_an_emptied_box_takes_it_out(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My dad")
    count = len(events(db, only_code(db)))
    carer.go("/question/who-you-care-for").answer("My dad")
    assert carer.path == "/question/caring-day-and-night"
    assert len(events(db, only_code(db))) == count  # the same words: nothing recorded
    carer.go("/question/who-you-care-for").answer("")
    assert record(db, only_code(db)).circumstances == []


def test_a_changed_risk_keeps_its_place_and_the_choice_about_it(app, db):
    carer = Carer(app).start()
    carer.through(SIAN)
    before = record(db, only_code(db))
    [risk] = before.outcomes[0].risks
    assert risk.decision is not None
    carer.go("/question/if-nothing-changes/1")
    assert re.search(r"<textarea [^>]*>" + re.escape(str(escape(risk.text))) + "</textarea>", carer.text)
    carer.answer(risk.text + ", and stop singing")
    assert carer.path == "/check"
    after = record(db, only_code(db))
    [changed] = after.outcomes[0].risks
    assert (changed.id, changed.text) == (risk.id, risk.text + ", and stop singing")
    assert changed.decision == risk.decision  # the choice about it is still about it
    assert [e.id for e in after.circumstances] == [e.id for e in before.circumstances]  # the order kept


def window(carer: Carer, url: str) -> Carer:
    """Another tab of the same browser (the same cookie), opened at `url`."""
    other = copy.copy(carer)
    return other.go(url)


def test_a_stale_window_does_not_write_over_words_changed_in_another_and_loses_nothing(app, db, caplog):
    carer = Carer(app).start()
    carer.through(SIAN)
    code = only_code(db)
    first, second = window(carer, "/question/who-you-care-for"), window(carer, "/question/who-you-care-for")
    first.answer("My mum Glenys, who has dementia and lives with us")
    assert first.path == "/check"
    count = len(events(db, code))
    with caplog.at_level(logging.DEBUG):
        second.answer("My mother, Glenys")
    assert second.page.status_code == 409 and second.path == "/question"
    assert len(events(db, code)) == count  # nothing written
    assert record(db, code).circumstances[0].text == "My mum Glenys, who has dementia and lives with us"
    assert ("This answer was changed in another window Here it is as it stands now, in the box. "
            "Nothing from this window was saved.") in second.main()
    assert re.search(r"<textarea [^>]*>My mum Glenys, who has dementia and lives with us</textarea>", second.text)
    assert re.search(r'<div class="unsaved" id="unsaved" tabindex="0" role="region" aria-label="What you typed, '
                     r'not saved">My mother, Glenys</div>', second.text)  # what was typed here, to copy
    assert re.search(r'<div class="banner" role="region" aria-labelledby="changed-elsewhere-title" tabindex="-1" '
                     r'autofocus>\s*<h2 class="banner-title" id="changed-elsewhere-title">', second.text)
    assert "My mother" not in caplog.text and "Traceback" not in caplog.text
    second.answer("My mother, Glenys")  # the words as they stand now seen: Continue writes over them
    assert second.path == "/check"
    assert record(db, code).circumstances[0].text == "My mother, Glenys"


def test_a_stale_window_at_the_question_in_hand_does_not_write_over_its_answer_or_an_emptied_box(app, db):
    carer = Carer(app).start()
    carer.answer("no")
    first, second = window(carer, carer.path), window(carer, carer.path)
    first.answer("My dad, after his stroke")
    assert first.path == "/question/caring-day-and-night"
    second.answer("")  # a box left empty here would have taken the answer out
    assert second.page.status_code == 409 and 'class="unsaved"' not in second.text
    assert re.search(r"<textarea [^>]*>My dad, after his stroke</textarea>", second.text)
    assert [e.text for e in record(db, only_code(db)).circumstances] == ["My dad, after his stroke"]


def test_a_stale_window_sending_the_words_that_stand_now_goes_on_as_usual(app, db):
    carer = Carer(app).start()
    carer.answer("no")
    first, second = window(carer, carer.path), window(carer, carer.path)
    first.answer("My dad")
    second.answer("My dad")  # nothing would be lost: no need to stop
    assert second.page.status_code == 200 and second.path == "/question/caring-day-and-night"
    assert [e.text for e in record(db, only_code(db)).circumstances] == ["My dad"]


def test_a_changed_answer_that_told_of_harm_keeps_its_alert(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My husband. He hit me last week when I was slow with his tea")
    assert carer.path == "/question/safety-check"
    carer.answer("")
    carer.go("/question/who-you-care-for").answer("My husband")
    saved = record(db, only_code(db))
    assert [e.text for e in saved.circumstances] == ["My husband"]
    [alert] = saved.safeguarding
    assert alert.answer_changed and "He hit me" in alert.text


# -- wrong codes ----------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_wrong_code_is_said_plainly_cleared_audited_and_slowed_after_a_few(app, db):
    clock = Clock()
    app.state.pages.wrong_codes = WrongCodes(clock)
    carer = Carer(app).go("/resume")
    for _ in range(2):
        carer.post("/resume", code="abcd-efgh-jkmn")
        assert carer.page.status_code == 400
        assert "That code does not match a self-assessment" in carer.main()
        assert 'name="code" type="text" value=""' in carer.text  # never left in the box
    carer.post("/resume", code="zzzz-zzzz-zzzz")
    assert "Please wait 2 seconds" in carer.main()
    right = Carer(app).start()
    code = only_code(db)
    right.answer("no")
    carer.post("/resume", code=code)  # while it must wait, even the right code is not looked at
    assert carer.page.status_code == 429 and carer.path == "/resume"
    assert "has not been checked yet" in carer.main() and "does not match" not in carer.main()
    assert f'name="code" type="text" value="{code}"' in carer.text  # not judged: kept to send again
    clock.now += 3
    carer.post("/resume", code="abcd-efgh-jkmm")
    assert "Please wait 4 seconds" in carer.main()
    other = Carer(app, client=("10.0.0.9", 5000)).go("/resume")
    other.post("/resume", code="abcd-efgh-jkmn")  # another client has its own count
    assert "Please wait" not in other.main()
    with Store(db) as store:
        refused = [e for e in store.audit_log() if e.action == "carer_code_refused"]
    assert [e.detail["attempt"] for e in refused] == [1, 2, 3, 4, 1]
    assert not any("abcd" in str(e.detail) or "zzzz" in str(e.detail) for e in refused)


def test_a_wrong_code_never_reveals_whether_a_conversation_exists(app, db):
    with Store(db) as store:
        practitioner = library.start(store, "three-conversations", "practitioner", conversation_id="k7qm-2xrd-pa9c")
        practitioner.send("Anwen, 82")

    def refused(code: str, client: str) -> str:
        carer = Carer(app, client=(client, 5000)).go("/resume")
        carer.post("/resume", code=code)
        return re.sub(r'value="[0-9a-f]{64}"', "", carer.text)

    assert refused("k7qm-2xrd-pa9c", "10.0.0.1") == refused("k7qm-2xrd-pa9d", "10.0.0.2") == refused(
        "not a code at all", "10.0.0.3")


# -- the guards ------------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_saved(app, db):
    carer = Carer(app).start()
    for token in (None, "", "0" * 64):
        data = {"at": "age", "choice": "yes", "action": "continue"}
        if token is not None:
            data["csrf"] = token
        refused = carer.client.post("/question", data=data)
        assert refused.status_code == 403 and "This page has expired" in refused.text
    stranger = Carer(app)  # a token from another browser's page is no good here either
    assert carer.client.post("/question", data={"csrf": stranger.csrf, "at": "age", "choice": "yes"}).status_code == 403
    assert Carer(app).client.post("/start", data={}).status_code == 403
    assert record(db, only_code(db)).decisions == []


def test_the_session_cookie_is_signed_httponly_and_lax_and_secure_over_https(app):
    plain = TestClient(app).get("/").headers["set-cookie"]
    assert "HttpOnly" in plain and "SameSite=lax" in plain and "Path=/" in plain and "Secure" not in plain
    secure = TestClient(app, base_url="https://testserver").get("/").headers["set-cookie"]
    assert "Secure" in secure and "HttpOnly" in secure
    forged = TestClient(app, cookies={"convo_session": "made-up.value.here"})
    assert "set-cookie" in forged.get("/").headers  # a cookie that is not ours starts afresh


def test_starting_or_carrying_on_gives_the_browser_a_new_session_id(app, db):
    carer = Carer(app)
    before = carer.client.cookies["convo_session"]
    carer.start()
    assert carer.client.cookies["convo_session"] != before
    planted = TestClient(app, cookies={"convo_session": before})  # the id known before opens nothing
    assert planted.get("/question", follow_redirects=False).headers["location"] == "/"


def test_the_web_pages_never_load_the_terminal_app():
    script = ("import sys, convo.web.app, convo.web.server; "
              "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'convo.tui'))))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr


def test_pages_are_not_cached_framed_or_allowed_scripts_from_elsewhere(app):
    headers = TestClient(app).get("/").headers
    assert headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_a_missing_page_is_plain_and_the_stylesheet_is_served_without_a_folder_listing(app):
    client = TestClient(app)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert client.get("/static/").status_code == 404
    assert client.get("/static/../app.py").status_code == 404
    style = client.get("/static/convo.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")


def test_a_failure_shows_a_plain_page_and_logs_one_line_without_words_or_paths(app, db, monkeypatch, caplog):
    carer = Carer(app).start()
    carer.answer("no")

    def broken(*args, **kwargs):
        raise RuntimeError(f"disk trouble at {db} while saving My secret words")

    monkeypatch.setattr("convo.engine.conversation.Conversation.handle", broken)
    with caplog.at_level(logging.WARNING, logger="convo.web"):
        carer.answer("My secret words")
    assert carer.page.status_code == 500 and "Sorry, there is a problem" in carer.text
    assert str(db) not in carer.text and "Traceback" not in carer.text and "My secret words" not in carer.text
    assert [r.getMessage() for r in caplog.records] == ["a page failed: RuntimeError"]


def test_a_store_that_cannot_save_keeps_the_words_in_the_box_and_names_no_path(app, db, monkeypatch):
    from convo.store import StoreError

    carer = Carer(app).start()
    carer.answer("no")

    def full(*args, **kwargs):
        raise StoreError(f"the disk holding {db} is full; this was not saved")

    monkeypatch.setattr("convo.store.Store.append", full)
    carer.answer("Everything, all day")
    assert carer.page.status_code == 503 and "could not be saved just now" in carer.main()
    assert ">Everything, all day</textarea>" in carer.text and str(db) not in carer.text


def test_another_host_name_is_refused_when_the_names_are_given(db):
    app = make_app(db, allowed_hosts=["localhost", "127.0.0.1"])
    assert TestClient(app, base_url="http://localhost:8000").get("/").status_code == 200
    assert TestClient(app, base_url="http://attacker.example").get("/").status_code == 400


def test_an_answer_too_long_for_one_box_is_refused_with_the_words_kept(app):
    carer = Carer(app).start()
    carer.answer("no")
    carer.answer("a" * 10_001)
    assert "Your answer is too long" in carer.main() and carer.field("at") == "who-you-care-for"
    too_big = carer.client.post("/question", content=b"x" * 300_000,
                                headers={"content-type": "application/x-www-form-urlencoded"})
    assert too_big.status_code == 413


@pytest.mark.parametrize("language", ["en", "cy"])
def test_no_page_heading_or_hint_tells_a_carer_how_to_answer_at_a_terminal(language):
    """A page asks with its own buttons and boxes: "press Enter" and "1 Cymraeg / 2 Saesneg" are for a terminal."""
    from convo.web.questions import split

    flow = library.get("carer")[0].in_language(language)
    for step in flow.steps.values():
        for wording in step.prompt.values():
            heading, hints = split(step.title, wording)
            shown = " ".join([heading, *hints]).casefold()
            assert not re.search(r"\benter\b|\bpwyswch\b", shown), (step.id, shown)


def test_a_possible_risk_to_life_opens_the_next_page_with_where_to_get_help_but_no_safety_question(app, db):
    carer = Carer(app).start()
    carer.answer("no")
    said = "My dad. I feel so low most days, I don't see any future for me"
    carer.answer(said)
    [finding] = [f for f in hear(said, speaker="carer", area="circumstances", audience="carer")
                 if f.kind in ("safeguarding", "concern")]
    assert (finding.kind, finding.category) == ("concern", "risk_to_life")  # worth asking about, not an alert
    assert "If you need help now" in carer.main() and "116 123" in carer.main()
    assert carer.path != "/question/safety-check"
    carer.answer("")
    assert 'class="safety"' not in carer.text
    # A carer's ordinary tiredness, a possible concern of another kind, opens no box.
    carer = Carer(app).start()
    carer.answer("no").answer("My mum, she has dementia")
    carer.answer("I'm tired most days but we get by")
    assert 'class="safety"' not in carer.text


def test_finished_and_back_at_the_start_the_browser_no_longer_offers_what_was_written(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My husband, he has Parkinson's")
    carer.through({})
    carer.post("/finish")
    assert carer.path == "/done" and "No one has been told about your self-assessment" in carer.main()
    assert "close this window" in carer.main()
    carer.go("/")
    assert "Carry on with the self-assessment you started" not in carer.text
    assert carer.go("/done").path == "/"  # only the code brings it back now
    assert carer.go("/download").path == "/"


def test_a_question_pages_title_is_the_questions_own_never_the_carers_words(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My husband").answer("")
    carer.answer("Singing with the choir on Thursdays")
    for _ in range(6):
        title = re.search(r"<title>(.*?)</title>", carer.text, re.S).group(1)
        assert "choir" not in title.lower(), title
        if carer.path.startswith("/question/"):
            carer.answer("")


def test_a_form_its_token_gone_stale_shows_its_answer_back_but_only_to_these_pages_own(app, db):
    carer = Carer(app).start()
    carer.answer("no")
    at, stale = carer.field("at"), carer.csrf
    typed = "Walking the dog round the park <b>every</b> morning"
    carer.client.post("/start", data={"csrf": stale})  # a new self-assessment started in another tab
    same = carer.client.post("/question", data={"csrf": stale, "at": at, "answer": typed},
                             headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 403 and "This page has expired" in same.text
    assert "Walking the dog round the park &lt;b&gt;every&lt;/b&gt; morning" in same.text
    other = carer.client.post("/question", data={"csrf": stale, "at": at, "answer": typed},
                              headers={"Sec-Fetch-Site": "cross-site"})
    assert other.status_code == 403 and "Walking the dog" not in other.text
    with Store(db) as store:
        assert all(typed not in json.dumps(event.payload.__dict__, default=str)
                   for info in store.list() for event in store.events(info.id))


def test_check_your_answers_shows_the_language_chosen_and_leaves_out_questions_never_asked(app, db):
    carer = Carer(app)
    carer.post("/start")
    assert carer.field("at") == "welsh-offer"
    carer.answer("en")
    carer.answer("no").answer("My husband, he has Parkinson's")
    carer.through({"what-matters": "Singing with the choir"})
    main = carer.main()
    assert "Cymraeg / Welsh English" in main, main[:400]
    assert "Taking the risk" not in main  # nothing that could go wrong was written down: never asked
    assert carer.go("/question/welsh-offer").text.count("checked") == 1


def test_marks_a_screen_reader_needs_the_offer_in_two_languages_errors_and_the_help_box(app, db):
    carer = Carer(app)
    carer.post("/start")
    assert '<span lang="cy">Hoffech chi gael y sgwrs hon yn Gymraeg?</span> / <span lang="en">' in carer.text
    assert re.search(r'for="choice-1" lang="cy">Cymraeg<', carer.text)
    carer.answer("en").answer("no")
    carer.answer("x" * 10_001)
    assert 'aria-invalid="true"' in carer.text
    carer.answer("My husband \u202eevil\u202c. Some days I want to end it all")
    # The box opens the page's main content; the title, kept in the browser's history, does not name it.
    assert carer.text.split('id="main-content">', 1)[1].lstrip().startswith('<div class="safety"')
    assert re.search(r'<div class="safety"[^>]*tabindex="-1" autofocus>', carer.text)  # said first by a screen reader
    assert "help" not in re.search(r"<title>(.*?)</title>", carer.text, re.S).group(1).lower()
    carer = Carer(app).start()
    carer.answer("no").answer("My husband").answer("")
    carer.answer("Singing \u202ein the choir")
    assert "\u2068Singing \u202ein the choir\u2069" in carer.text  # isolated inside the question about it
    assert "unicode-bidi: isolate" in carer.client.get("/static/convo.css").text


def test_a_letter_pasted_whole_is_one_thing_said_not_a_thing_that_matters_a_line(app, db):
    letter = ("Dear social worker,\n\nI am writing about my husband Ifan.\nHe needs help with his tablets.\n"
              "I would like to get back to the choir.\n\nYours,\nMargaret")
    carer = Carer(app).start()
    carer.answer("no").answer("My husband").answer("")
    assert carer.field("at") == "what-matters"
    carer.answer(letter)
    outcomes = record(db, only_code(db)).outcomes
    assert [o.text for o in outcomes] == [letter.strip()]  # every word kept, as typed
    from convo.web.app import _a_letter

    assert not _a_letter("Singing with the choir\nA whole night's sleep\nThanks to my sister, a day off")
    assert not _a_letter("Dear old Dad's garden\nSeeing my friends\nLove to paint")  # one thing a line
    assert not _a_letter("Hi,\nSeeing my grandchildren\nSinging in the choir\nA night off\nThanks")
    assert _a_letter("Dear social worker\nI am writing about Ifan.\nHe needs help.\nKind regards Margaret")
    assert _a_letter("Dear Sir/Madam, I am writing about my husband.\nHe needs help with his tablets.\n"
                     "Best wishes,\nMargaret\n01234 567890")
    assert _a_letter("Annwyl weithiwr cymdeithasol,\nDw i'n ysgrifennu am Ifan.\nCofion,\nMair")
