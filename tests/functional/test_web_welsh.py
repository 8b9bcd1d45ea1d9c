"""The carers' web pages in Welsh: every word a page shows comes from flows/web/wording.yaml in the page's
language; before a conversation, the address's `lang` or the browser's Accept-Language chooses it; after,
the conversation's. The language link on every page switches, keeping every answer and what is in a box."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="convo web needs the web extra: pip install 'convo[web]'")

from convo import library
from convo.render import render_summary, render_summary_article
from convo.store import Store
from convo.web import questions, wording
from convo.web.app import make_app
from tests.functional.test_web import SIAN, Carer, only_code, record

TEMPLATES = Path(__file__).parents[2] / "convo" / "web" / "templates"
WELSH = {"accept-language": "cy-GB,cy;q=0.9,en;q=0.5"}
# Words of the pages' own that must not be left in English on a Welsh page.
ENGLISH_PAGE_WORDS = ("Continue", "Save and come back later", "Back", "Check your answers", "Change",
                      "You left this out", "Start now", "Carry on with your code", "Help now", "There is a problem",
                      "I’d rather not say")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "carers.db"


@pytest.fixture
def app(db: Path):
    return make_app(db, out_of_hours="0300 123 4567")


def html_lang(carer: Carer) -> str:
    found = re.search(r'<html lang="([a-z]+)">', carer.text)
    assert found, carer.text[:200]
    return found.group(1)


def whole_page(carer: Carer) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", carer.text))


def switch(carer: Carer, to: str, **fields: str) -> Carer:
    """Press the language switch on this page, sending what its form holds (as the browser would)."""
    back = fields.pop("back", carer.path)
    return carer.post("/language", language=to, back=back, **fields)


def stored_language(db: Path, code: str) -> str:
    with Store(db) as store:
        return library.resume(store, code).language


# -- the wording ----------------------------------------------------------------------------------------


def test_every_wording_of_the_pages_is_given_in_english_and_welsh_with_the_same_names_filled_in():
    assert wording.gaps() == []


def test_every_wording_a_template_asks_for_is_in_the_file():
    asked = set()
    for template in TEMPLATES.glob("*.j2"):
        asked |= set(re.findall(r'\bt\(\s*["\']([a-z_]+)["\']\s*[,)]', template.read_text()))
    assert asked and asked <= set(wording.keys()), asked - set(wording.keys())


def test_a_wording_is_filled_in_as_html_with_its_text_and_values_escaped():
    filled = wording.words("about", "cy", about="<b>Côr & cân</b>")
    assert str(filled) == "Am “&lt;b&gt;Côr &amp; cân&lt;/b&gt;”"


# -- the language before a conversation ---------------------------------------------------------------------


def test_a_browser_that_asks_for_welsh_gets_welsh_pages_and_an_english_link(app):
    carer = Carer(app, headers={"accept-language": "en-GB,en;q=0.9,cy;q=0.8"})
    assert html_lang(carer) == "cy"
    assert carer.heading() == "Meddwl am eich bywyd fel gofalwr"
    assert "<title>Meddwl am eich bywyd fel gofalwr – Hunanasesiad gofalwr</title>" in carer.text
    assert "Neidio i’r prif gynnwys" in carer.text and "Dechrau nawr" in carer.text
    assert '<a href="/?lang=en" class="language-switch" lang="en" hreflang="en">English</a>' in carer.text
    for english in ENGLISH_PAGE_WORDS:
        assert english not in whole_page(carer), english


def test_a_browser_that_does_not_ask_for_welsh_gets_english_pages_and_a_welsh_link(app):
    for asked in ({}, {"accept-language": "en-GB,en;q=0.9"}, {"accept-language": "fr, cy;q=0"}):
        carer = Carer(app, headers=asked)
        assert html_lang(carer) == "en" and "Start now" in carer.text
        assert '<a href="/?lang=cy" class="language-switch" lang="cy" hreflang="cy">Cymraeg</a>' in carer.text


def test_lang_in_the_address_chooses_the_language_and_the_next_pages_keep_it(app):
    carer = Carer(app)
    carer.go("/?lang=cy")
    assert html_lang(carer) == "cy"
    carer.go("/resume")
    assert html_lang(carer) == "cy" and carer.heading() == "Parhau gyda’ch cod"
    carer.go("/resume?lang=en")
    assert html_lang(carer) == "en" and carer.heading() == "Carry on with your code"
    carer.go("/?lang=xx")
    assert html_lang(carer) == "en"


def test_the_problem_pages_are_in_welsh_for_a_welsh_browser(app):
    carer = Carer(app, headers=WELSH)
    carer.go("/no-such-page")
    assert carer.page.status_code == 404 and html_lang(carer) == "cy"
    assert carer.heading() == "Heb ddod o hyd i’r dudalen" and "Ewch i’r dudalen gychwyn" in carer.text
    refused = carer.client.post("/start", data={"csrf": "forged"})
    assert refused.status_code == 403 and "Mae’r dudalen hon wedi dod i ben" in refused.text


# -- a whole self-assessment in Welsh -------------------------------------------------------------------------


def test_a_self_assessment_started_on_a_welsh_page_is_welsh_from_start_to_finish(app, db):
    carer = Carer(app, headers=WELSH)
    carer.post("/start")
    assert html_lang(carer) == "cy" and "Eich cod" in carer.text
    assert stored_language(db, only_code(db)) == "cy"
    while carer.field("at") != "age":
        carer.answer("")
    assert carer.heading() == "Ydych chi o dan 18 oed?"
    seen = []
    for _ in range(80):
        if carer.path == "/check":
            break
        assert html_lang(carer) == "cy", carer.path
        page = whole_page(carer)
        assert "Parhau" in page and "Cadw a dod yn ôl yn nes ymlaen" in page and ">English<" in carer.text
        seen.append(page)
        carer.answer(SIAN.get(carer.field("at").split("/")[0], ""))
    assert carer.heading() == "Gwiriwch eich atebion"
    seen.append(whole_page(carer))
    assert "Nac ydw, rydw i’n 18 neu’n hŷn".replace("’", "'") in carer.main()  # the choice, in Welsh
    assert "Newid" in carer.main() and "Gorffen a gweld beth ddywedoch chi wrthym ni" in carer.main()
    carer.post("/finish")
    assert carer.path == "/done" and html_lang(carer) == "cy"
    assert "Beth ddywedoch chi wrthym ni" in carer.main() and "Lawrlwytho beth ddywedoch chi wrthym ni" in carer.main()
    seen.append(whole_page(carer))
    for english in ENGLISH_PAGE_WORDS:
        assert not any(re.search(rf"\b{re.escape(english)}\b", page) for page in seen), english
    download = carer.client.get("/download")
    assert download.headers["content-disposition"] == 'attachment; filename="beth-ddywedoch-chi-wrthym-ni.html"'
    assert 'lang="cy"' in download.text
    assert [o.text for o in record(db, only_code(db)).outcomes] == ["Singing with the choir on Thursdays",
                                                                    "A whole night's sleep"]


def test_the_safety_box_and_the_saved_page_are_in_welsh(app, db):
    carer = Carer(app, headers=WELSH)
    carer.start()
    carer.answer("no").answer("").answer("")
    carer.answer("Some days I want to end it all")
    assert "Os oes angen help arnoch chi nawr" in carer.main() and "116 123" in carer.main()
    carer.answer("", action="save")
    assert carer.path == "/saved" and html_lang(carer) == "cy"
    assert carer.heading() == "Mae eich atebion wedi’u cadw" and "Eich cod i barhau yn nes ymlaen" in carer.main()


# -- the switch ------------------------------------------------------------------------------------------------


def test_the_switch_keeps_every_answer_and_the_words_in_the_box_unsaved(app, db):
    carer = Carer(app).start()
    carer.answer("no").answer("My mum Glenys, who has dementia")
    assert carer.path == "/question/caring-day-and-night"
    assert 'form="answer-form" formaction="/language"' in carer.text  # the switch sends this page's form
    switch(carer, "cy", at="caring-day-and-night", answer="I help her wash\nand dress")
    assert carer.path == "/question/caring-day-and-night" and html_lang(carer) == "cy"
    assert ">I help her wash\nand dress</textarea>" in carer.text
    code = only_code(db)
    assert stored_language(db, code) == "cy"
    assert [e.text for e in record(db, code).circumstances] == ["My mum Glenys, who has dementia"]  # not saved
    carer.go(carer.path)
    assert "></textarea>" in carer.text  # shown back once, and only on its own page
    carer.answer("I help her wash and dress")
    assert [e.text for e in record(db, code).circumstances][-1] == "I help her wash and dress"


def test_a_choice_made_before_the_switch_is_still_chosen_after_it(app):
    carer = Carer(app).start()
    switch(carer, "cy", at="age", choice="no")
    assert carer.path == "/question/age" and html_lang(carer) == "cy"
    assert re.search(r'value="no" checked', carer.text)


def test_answers_in_another_language_than_the_page_are_marked_with_their_own(app, db):
    carer = Carer(app).start()
    carer.through(SIAN)
    switch(carer, "cy")
    assert carer.path == "/check" and html_lang(carer) == "cy" and carer.heading() == "Gwiriwch eich atebion"
    assert '<p class="said" lang="en">My mum Glenys, who has dementia</p>' in carer.text
    assert '<li class="said" lang="en">Singing with the choir on Thursdays</li>' in carer.text
    assert '(am “<bdi lang="en">Singing with the choir on Thursdays</bdi>”)' in carer.text
    assert "Nac ydw, rydw i" in carer.main()  # a choice is shown in the page's language, unmarked
    switch(carer, "en")
    assert html_lang(carer) == "en" and 'lang="en"' not in carer.text.split("<main", 1)[1]
    assert len(record(db, only_code(db)).outcomes) == 2


def test_what_you_told_us_shows_a_choice_made_in_english_by_its_welsh_label_on_a_welsh_page(app, db):
    carer = Carer(app).start()
    carer.through(SIAN)
    carer.post("/finish")
    code = only_code(db)
    stored = record(db, code)
    switch(carer, "cy")
    assert carer.path == "/done" and html_lang(carer) == "cy"
    for page in (carer.text, carer.client.get("/download").text):
        assert "<li>Nac ydw, rydw i&#39;n 18 neu&#39;n hŷn</li>" in page  # in the page's language, unmarked
        assert "<li>Ddim yn siŵr eto</li>" in page  # a choice about a risk, too
        assert "18 or over" not in page and "Not sure yet" not in page
    assert record(db, code) == stored  # shown in Welsh, stored as chosen
    assert [(e.text, e.choice_label) for e in stored.decisions][:1] == [("No, I'm 18 or over", "No, I'm 18 or over")]


def test_a_choice_typed_in_words_shows_the_words_marked_and_one_without_a_label_shows_as_stored(start):
    conversation = start("carer", audience="carer")
    conversation.send("yes I'm 17")
    record = conversation.assessment()
    welsh = render_summary_article(record, language="cy", choice_labels=questions.choice_labels(conversation, "cy"))
    assert '<li>Ydw, rydw i o dan 18 (ysgrifennoch chi <q lang="en">yes I&#39;m 17</q>)</li>' in welsh
    as_stored = render_summary_article(record, language="cy")  # no label in the page's language given
    assert '<li><span lang="en">Yes, I&#39;m under 18 (ysgrifennoch chi <q>yes I&#39;m 17</q>)</span></li>' in as_stored
    english = render_summary_article(record, language="en", choice_labels=questions.choice_labels(conversation, "en"))
    assert "<li>Yes, I&#39;m under 18 (you wrote <q>yes I&#39;m 17</q>)</li>" in english  # its own language: as chosen
    text = render_summary(record, "md", language="cy", choice_labels=questions.choice_labels(conversation, "cy"))
    assert "- Ydw, rydw i o dan 18 (ysgrifennoch chi “yes I'm 17”)" in text


def test_words_changed_in_another_window_are_said_in_welsh_and_the_switch_keeps_what_was_typed(app, db):
    carer = Carer(app, headers=WELSH).start()
    carer.answer("no")
    first, second = copy.copy(carer).go(carer.path), copy.copy(carer).go(carer.path)
    first.answer("Fy nhad")
    second.answer("Fy nhad, ar ôl ei strôc")
    assert second.page.status_code == 409 and html_lang(second) == "cy"
    assert "Mae’r ateb hwn wedi’i newid mewn ffenestr arall" in second.main()
    assert re.search(r"<textarea [^>]*>Fy nhad</textarea>", second.text)
    assert 'name="shown" value="Fy nhad, ar ôl ei strôc"' in second.text  # the switch carries them
    assert second.field("back") == "/question/who-you-care-for"
    switch(second, "en", back=second.field("back"), at="who-you-care-for", answer="Fy nhad",
           shown="Fy nhad, ar ôl ei strôc")  # the page's form, as the browser sends it
    assert second.path == "/question/who-you-care-for" and html_lang(second) == "en"
    assert "This answer was changed in another window" in second.main()
    assert re.search(r'<div class="unsaved"[^>]*>Fy nhad, ar ôl ei strôc</div>', second.text)
    assert [e.text for e in record(db, only_code(db)).circumstances] == ["Fy nhad"]


def test_the_switch_is_a_form_with_its_token_once_there_is_a_conversation_and_refused_without(app, db):
    carer = Carer(app).start()
    carer.go("/")
    assert re.search(r'<form method="post" action="/language" class="language-form" novalidate>\s*'
                     r'<input type="hidden" name="csrf" value="[0-9a-f]+">', carer.text)
    refused = carer.client.post("/language", data={"language": "cy", "back": "/"})
    assert refused.status_code == 403
    assert stored_language(db, only_code(db)) == "en"


def test_the_switch_goes_back_only_to_a_page_of_these_pages(app):
    carer = Carer(app)
    for elsewhere in ("https://example.org/", "//example.org/", "/question/../../etc", "/download"):
        carer.go("/")
        response = carer.client.post("/language", data={"csrf": carer.csrf, "language": "cy", "back": elsewhere},
                                     follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/", elsewhere


def test_a_code_typed_before_the_switch_is_still_in_the_box(app):
    carer = Carer(app)
    carer.go("/resume")
    assert 'form="resume-form" formaction="/language"' in carer.text
    switch(carer, "cy", code="k7qm-2xrd-pa9c")
    assert carer.path == "/resume" and html_lang(carer) == "cy"
    assert 'name="code" type="text" value="k7qm-2xrd-pa9c"' in carer.text
    carer.go("/resume")
    assert 'name="code" type="text" value=""' in carer.text


def test_words_shown_back_after_another_window_took_over_are_shown_again_after_the_switch(app, db):
    carer = Carer(app).start()
    carer.answer("no")
    other = Carer(app)
    other.go("/resume").post("/resume", code=only_code(db))
    other.post("/take-over")
    carer.answer("My dad, after his stroke")
    assert "My dad, after his stroke" in carer.main()
    assert 'name="shown" value="My dad, after his stroke"' in carer.text  # the switch carries them
    switch(carer, "cy", back="taken_over", shown="My dad, after his stroke")
    assert html_lang(carer) == "cy" and "My dad, after his stroke" in carer.main()
    assert "Mae eich hunanasesiad bellach ar agor yn rhywle arall" in carer.main()
