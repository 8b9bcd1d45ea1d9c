"""The draft in the reader's language: its own wording in English, in Welsh, or in both side by side (Welsh
first), from flows/draft/wording.yaml; the person's words never translated, each marked with its own language."""

from __future__ import annotations

import re

import pytest

from convo import cli
from convo.export import ExportRefused, draft_text
from convo.render import render
from convo.render import wording as draft_wording
from convo.services import Service
from tests.functional.test_cymraeg import SIAN_CY
from tests.functional.test_render import HEADINGS, OUTCOME_HEADINGS
from tests.functional.test_render import david as david  # the whole call, as a fixture
from tests.functional.test_render import practitioner_settings as practitioner_settings  # who holds it
from tests.transcript import play

HEADINGS_CY = ["Am y sgwrs hon", "Amgylchiadau personol", "Beth sy'n bwysig (canlyniadau personol)",
               "Barn gofalwr ei hun", "Llwybr y sgwrs", "Gwybodaeth, cyngor a chysylltiadau", "Diogelu",
               "Camau nesaf", "Heb eu harchwilio", "Cytundeb"]
OUTCOME_HEADINGS_CY = ["Rhwystrau", "Cryfderau ac adnoddau personol", "Cymorth gan eraill", "Cymuned", "Risgiau"]


@pytest.fixture
def sian(start):
    """A carer's whole conversation in Welsh, from the offer of Welsh taken to the last answer."""
    conversation = start("carer", audience="carer", opening=True)
    play(conversation, SIAN_CY)
    return conversation


def level_two(text: str) -> list[str]:
    """The draft's own headings, after a carer's summary: from its title, the last level-one heading, on."""
    return re.findall(r"^## (.+)$", text[text.rindex("\n# "):], re.M)


def test_every_wording_of_the_draft_is_in_english_and_welsh():
    keys = draft_wording.keys()
    assert "headings.about" in keys and "about.active_offer" in keys and "safeguarding.check" in keys
    for key in keys:
        english, welsh = draft_wording.words(key, "en"), draft_wording.words(key, "cy")
        assert english and welsh, key
        assert re.findall(r"\{\w+\}", english) == re.findall(r"\{\w+\}", welsh), f"{key}: the same {{names}}"
    assert len(draft_wording.months("cy")) == 12 and draft_wording.months("cy")[3] == "Ebrill"


def test_english_is_as_before(david):
    record = david.assessment()
    for fmt in ("md", "html", "txt"):
        assert render(record, fmt, language="en") == render(record, fmt)


def test_welsh_markdown_has_the_fixed_headings_in_welsh_and_the_words_as_said(david):
    text = render(david.assessment(), "md", language="cy")
    assert re.findall(r"^## (.+)$", text, re.M) == HEADINGS_CY
    outcome = text[text.index("### Canlyniad 1: "):text.index("## Barn gofalwr ei hun")]
    assert re.findall(r"^#### (.+)$", outcome, re.M) == OUTCOME_HEADINGS_CY
    assert text.startswith("# Cofnod drafft “beth sy'n bwysig”\n")
    assert "DRAFFT — i'w wirio gyda'r person" in text
    assert "- Cynnig y Gymraeg yn gyntaf (y Cynnig Rhagweithiol): wedi'i wneud; dewiswyd y Saesneg" in text
    assert "- Ymarferydd: Alys Bevan, Social worker, Cynon Valley duty team" in text
    assert "### Canlyniad 1: I'm not going anywhere without Mali" in text  # never translated
    assert "  - Dewis (y person ei hun): Chooses to take the risk" in text
    assert "- Sgwrs 1 (Gwrando a chysylltu) o 10:00 GMT" in text
    assert "Edrych arno eto: 14 Ebrill 2026" in text
    assert "- Sgwrs 2 (Gweithio'n ddwys gyda phobl mewn argyfwng): heb ei dechrau" in text
    for english in ("About this conversation", "Nothing recorded", "not asked", "Started", "Safeguarding"):
        assert english not in text


def test_both_languages_side_by_side_in_markdown_welsh_first(david):
    text = render(david.assessment(), "md", language="both")
    assert re.findall(r"^## (.+)$", text, re.M) == [f"{cy} / {en}" for cy, en in zip(HEADINGS_CY, HEADINGS,
                                                                                         strict=True)]
    outcome = text[text.index("### Canlyniad 1 / Outcome 1: "):]
    assert re.findall(r"^#### (.+)$", outcome, re.M)[:5] == [
        f"{cy} / {en}" for cy, en in zip(OUTCOME_HEADINGS_CY, OUTCOME_HEADINGS, strict=True)]
    assert "### Canlyniad 1 / Outcome 1: I'm not going anywhere without Mali\n" in text  # said once
    assert "- Dechreuwyd / Started: 02 Mawrth/March 2026, 10:00 GMT" in text
    assert "Gorffennwyd / Finished" in text and "Edrych arno eto / Looked at again: 14 Ebrill/April 2026" in text
    plain = render(david.assessment(), "txt", language="both")
    assert "Am y sgwrs hon / About this conversation\n=======" in plain


def test_both_languages_in_html_each_in_an_element_with_its_own_lang(david):
    page = render(david.assessment(), "html", language="both")
    assert page.startswith('<!DOCTYPE html>\n<html lang="cy">')
    assert ('<h2 id="outcomes"><span lang="cy">Beth sy\'n bwysig (canlyniadau personol)</span> / '
            '<span lang="en">What matters (personal outcomes)</span></h2>') in page
    assert '<h4><span lang="cy">Rhwystrau</span> / <span lang="en">Barriers</span></h4>' in page
    assert "<title>Cofnod drafft “beth sy&#39;n bwysig” / Draft what-matters record golden-1</title>" in page
    # The person's words are in English, on a page that is Welsh first: each is marked as English.
    assert '<li><span lang="en">His hands shake too much to open the tins</span></li>' in page
    assert '<span lang="en">I&#39;m not going anywhere without Mali</span>' in page


def test_a_welsh_page_marks_english_answers_and_an_english_page_welsh_ones(sian):
    record = sian.assessment()
    welsh = render(record, "html")  # the conversation's own language: Welsh
    assert welsh.startswith('<!DOCTYPE html>\n<html lang="cy">')
    assert "<h1 id=\"what-you-told-us\">Beth ddywedoch chi wrthym ni</h1>" in welsh
    assert "<li>Fy mam, sydd â dementia ac yn byw gyda ni</li>" in welsh  # the page's language: no mark needed
    assert 'lang="en"' not in welsh
    english = render(record, "html", language="en")
    assert english.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<span lang="cy">Fy mam, sydd â dementia ac yn byw gyda ni</span>' in english
    assert "<h2 id=\"circumstances\">Personal circumstances</h2>" in english


def test_what_you_told_us_in_english_marks_each_welsh_answer_and_question_with_its_language(sian):
    from convo.render import render_summary_article

    article = render_summary_article(sian.assessment(), language="en")
    assert 'lang="cy"' in article
    welsh = render_summary_article(sian.assessment(), language="cy")
    assert 'lang="en"' not in welsh  # every answer was given in Welsh: nothing to mark
    assert '<span lang="cy"><q>Fy mam, sydd â dementia ac yn byw gyda ni</q></span>' in article
    assert '<span lang="cy">Ydych chi o dan 18 oed?</span>' in article  # the question, as it was asked


def test_a_welsh_conversations_draft_is_in_welsh_by_default(sian):
    text = draft_text(sian, "md")
    assert text.startswith("# Beth ddywedoch chi wrthym ni\n")
    assert level_two(text) == HEADINGS_CY
    assert "- Cynnig y Gymraeg yn gyntaf (y Cynnig Rhagweithiol): wedi'i wneud; dewiswyd y Gymraeg" in text
    assert "  - Dewis (eu hunain): Byddwn, fe fyddwn i'n ei chymryd" in text
    assert "- Fy mam, sydd â dementia ac yn byw gyda ni" in text
    assert "What you told us" not in text and "Nothing recorded" not in text
    english = draft_text(sian, "md", language="en")
    assert english.startswith("# What you told us\n") and level_two(english) == HEADINGS
    assert "- Fy mam, sydd â dementia ac yn byw gyda ni" in english  # never translated


def test_json_has_no_fixed_wording_to_put_in_another_language(sian):
    assert draft_text(sian, "json", language="both") == draft_text(sian, "json")


def test_a_language_the_draft_does_not_come_in_is_refused(sian):
    with pytest.raises(ExportRefused, match="the draft comes in en, cy, both, not 'fr'"):
        draft_text(sian, "md", language="fr")


def test_convo_export_language_both(sian, store, db_path, capsys):
    Service(store).export(sian, "md")  # a store the command line opens
    assert cli.main(["export", sian.id, "--db", str(db_path), "--language", "both"]) == 0
    out = capsys.readouterr().out
    assert "## Am y sgwrs hon / About this conversation" in out
    assert "# Beth ddywedoch chi wrthym ni / What you told us" in out
    assert cli.main(["export", sian.id, "--db", str(db_path), "--language", "en", "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert '<html lang="en">' in page and '<span lang="cy">Capel Salem</span>' in page


def test_the_kind_of_concern_in_the_safeguarding_section_is_in_the_drafts_language(start):
    conversation = start()
    conversation.send("Mrs Ellis, 83")
    conversation.send("my grandson takes all my money")
    record = conversation.assessment()
    assert "(Financial or material abuse)" in render(record, "md", language="en")
    assert "(Cam-drin ariannol neu faterol)" in render(record, "md", language="cy")
    assert "(Cam-drin ariannol neu faterol / Financial or material abuse)" in render(record, "md", language="both")
    assert ('(<span lang="cy">Cam-drin ariannol neu faterol</span> / <span lang="en">Financial or material abuse'
            '</span>)') in render(record, "html", language="both")
