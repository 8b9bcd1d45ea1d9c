"""The carers' web pages (`convo web`) in a real browser: Debian's chromium driven headless through
Playwright, as tests/e2e/test_browser.py does, with axe-core checking every page of a whole
self-assessment against WCAG 2.2 AA. Also a keyboard-only run, 320 px and 400% zoom without
sideways scrolling (screenshots in the test's folder, or $CONVO_SCREENSHOTS), the accessibility
tree, saving and carrying on elsewhere, two tabs on one code, a stale tab, wrong codes, the download, the
safety box, a young carer, and the whole thing with scripts turned off.

CI installs what this needs (scripts/test.sh, as root); locally it is skipped with the reason.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OUT_OF_HOURS = "0300 123 4567"
SECRET_WORDS = "Tegwen's tablets at nine"  # typed in the browser; must never reach the server's log

# In CI (CI=true) a missing browser or axe-core is a failure, never a quiet skip.
REQUIRED = os.environ.get("CI", "").lower() in ("1", "true", "yes")
if not CHROMIUM.exists():
    if REQUIRED:
        raise RuntimeError("CI needs /usr/bin/chromium for the browser tests (apt-get install -y chromium)")
    pytest.skip("no /usr/bin/chromium here (CI installs it: apt-get install -y chromium)", allow_module_level=True)
if not AXE.exists():
    if REQUIRED:
        raise RuntimeError("CI needs axe-core for the browser tests (cd tests/e2e/browser && npm ci)")
    pytest.skip("axe-core is not installed (cd tests/e2e/browser && npm ci)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
pytest.importorskip("uvicorn", reason="convo web needs the web extra: pip install 'convo[web]'")

# What a carer answers, by question; a worrying answer about their health brings the safety box.
ANSWERS = {
    "age": "no",
    "who-you-care-for": "My husband Emrys, who had a stroke",
    "caring-day-and-night": SECRET_WORDS,
    "what-matters": "Walking the dog by the river",
    "in-the-way": "I can't leave him for long",
    "if-nothing-changes": "I'd lose the only time I get outside",
    "taking-the-risk": "unsure",
    "willing-and-able": "less",
    "health-and-sleep": "Some days I feel like I can't go on",
    "carers-assessment": "yes",
    "share": "yes",
    "small-step": "Ask my neighbour to sit with him",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    db, port = folder / "carers.db", free_port()
    printed, logged = folder / "web.out", folder / "web.err"
    with printed.open("w") as out, logged.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "convo.cli", "--db", str(db), "web", "--port", str(port),
             "--out-of-hours", OUT_OF_HOURS],
            stdout=out, stderr=err, stdin=subprocess.DEVNULL, env={**os.environ, "CONVO_DB": str(db)})
    deadline = time.monotonic() + 30
    while f"http://127.0.0.1:{port}/" not in printed.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail(f"convo web did not start: {logged.read_text()}")
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", db, logged
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    chosen = os.environ.get("CONVO_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, url: str, **options):
    """A new browser context (its own cookies) and page; nothing may leave the machine."""
    context = browser.new_context(**{"viewport": {"width": 1024, "height": 768}, **options})
    context.set_default_timeout(90_000)  # a busy CI machine is slow, not wrong
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                  else route.abort())
    page = context.new_page()
    page.goto(url + "/")
    return page


def axe(page) -> list:
    """Every axe-core violation of WCAG 2.2 AA on the page, whatever its impact; and of the best practice that
    everything is inside a landmark (`region`), which a screen reader's user moves between."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
                          " resultTypes: ['violations']})).violations", WCAG_22_AA)
    found += page.evaluate("async () => (await axe.run(document, {runOnly: {type: 'rule', values: ['region']},"
                           " resultTypes: ['violations']})).violations")
    return [(v["id"], v["impact"], v["help"], [n["html"][:120] for n in v["nodes"]][:3]) for v in found]


def place(page) -> str:
    return page.locator("input[name=at]").get_attribute("value") or ""


def answer(page, words: str) -> None:
    """Answer the question on the page as a carer would with a mouse or a finger, and continue."""
    radios = page.locator("input[name=choice]")
    if radios.count():
        page.locator(f"input[name=choice][value='{words}']").check()
    elif words:
        page.get_by_role("textbox").fill(words)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def start(page) -> str:
    """Start, and return the code shown at once; then go on to the age question (a flow may offer
    something before it, such as a language)."""
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    code = page.get_by_role("region", name="Your code").locator(".code").inner_text()
    for _ in range(5):
        if place(page) == "age":
            return code
        answer(page, "")
    raise AssertionError(f"no age question after starting: {page.url}")


def question_is_named(page) -> None:
    """The accessibility tree names the question, each input, and the back link."""
    heading = page.get_by_role("heading", level=1).inner_text()
    if page.locator("input[name=choice]").count():
        assert page.get_by_role("group", name=heading).count() == 1, heading
        for label in page.locator("label.radio-label").all_inner_texts():
            assert page.get_by_role("radio", name=label, exact=True).count() == 1, label
    else:
        assert page.get_by_role("textbox", name=heading, exact=True).count() == 1, heading
    assert page.get_by_role("button", name="Continue").count() == 1
    assert page.get_by_role("button", name="Save and come back later").count() == 1


def test_every_page_of_a_whole_self_assessment_passes_axe_and_names_its_question(server, browser):
    url, _, log = server
    page = open_page(browser, url, bypass_csp=True)  # the pages allow no injected script; axe is one
    problems = {"start": axe(page)}
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    code = page.get_by_role("region", name="Your code").locator(".code").inner_text()
    tree = page.locator("main").aria_snapshot()
    assert "Your code" in tree and code in tree  # the code is text the tree reads out
    with page.expect_navigation():  # nothing chosen: the error summary is checked too
        page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").filter(has_text="There is a problem").count() == 1
    problems["error"] = axe(page)
    safety_seen = False
    for _ in range(60):
        if not page.url.startswith(url + "/question"):
            break
        question_is_named(page)
        problems[place(page)] = axe(page)
        if page.get_by_role("region", name="If you need help now").count():
            safety_seen = True
            box = page.get_by_role("region", name="If you need help now").inner_text()
            assert "999" in box and "116 123" in box and OUT_OF_HOURS in box
        answer(page, ANSWERS.get(place(page).split("/")[0], ""))
    assert safety_seen
    assert page.url == url + "/check"
    problems["check"] = axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Finish and see what you told us").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What you told us"
    problems["done"] = axe(page)
    page.goto(url + "/resume")
    problems["resume"] = axe(page)
    page.goto(url + "/no-such-page")
    problems["not found"] = axe(page)
    assert {name: found for name, found in problems.items() if found} == {}
    assert len(problems) > 25
    assert SECRET_WORDS not in log.read_text() and code not in log.read_text()
    page.context.close()


def focused(page) -> str:
    return page.evaluate("""() => { const e = document.activeElement;
        return e ? `${e.tagName.toLowerCase()}#${e.id}|${e.getAttribute('name') || ''}|${e.value || ''}|`
                   + (e.innerText || '').trim() : '' }""")


def tab_to(page, wanted, most: int = 40, key: str = "Tab") -> str:
    for _ in range(most):
        page.keyboard.press(key)
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached it; last focus {focused(page)}")


def press(page, key: str) -> None:
    """Press a key that sends a form, and wait for the page it brings."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_carer_completes_a_self_assessment_with_the_keyboard_alone(server, browser):
    url, _, _ = server
    page = open_page(browser, url)
    tab_to(page, lambda f: f.endswith("Start now"))
    press(page, "Enter")
    pages = 0
    while page.url.startswith(url + "/question/"):
        pages += 1
        stage = place(page).split("/")[0]
        words = ANSWERS.get(stage, "") if stage != "health-and-sleep" else "Tired, mostly"
        if page.locator("input[name=choice]").count():
            tab_to(page, lambda f: f.startswith("input#choice-"))
            for _ in range(6):  # arrow keys move the choice within the group
                if page.evaluate("document.activeElement.value") == words:
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
        else:
            tab_to(page, lambda f: f.startswith("textarea#answer"))
            if words:
                page.keyboard.type(words)
        button = tab_to(page, lambda f: f.endswith("Continue") or f.endswith("Save and come back later"))
        if button.endswith("Save and come back later"):  # one Shift+Tab goes back to Continue
            page.keyboard.press("Shift+Tab")
        assert focused(page).endswith("Continue")
        # The focused button is marked clearly: yellow, as public-service forms do.
        assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") == "rgb(255, 221, 0)"
        press(page, "Enter" if pages % 2 else "Space")
        assert pages < 60
    assert page.url == url + "/check"
    tab_to(page, lambda f: f.endswith("Finish and see what you told us"))
    press(page, "Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "What you told us"
    assert "Walking the dog by the river" in page.locator("main").inner_text()
    page.context.close()


PAGES_TO_REFLOW = ["start", "question", "choice-error", "safety", "check", "done", "resume-error", "saved"]


@pytest.mark.parametrize(("name", "options"), [
    ("320px", {"viewport": {"width": 320, "height": 640}}),
    # 400% zoom of a 1280 x 1024 screen lays a page out in 320 x 256 CSS pixels, each drawn four times over.
    ("zoom400", {"viewport": {"width": 320, "height": 256}, "device_scale_factor": 4}),
])
def test_every_kind_of_page_reflows_without_sideways_scrolling(server, browser, screenshots, name, options):
    url, _, _ = server
    page = open_page(browser, url, **options)
    shot = {}

    def check(kind: str) -> None:
        wide = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert wide[0] <= wide[1], (kind, wide)
        path = screenshots / f"{name}-{kind}.png"
        page.screenshot(path=str(path), full_page=True)
        shot[kind] = path

    check("start")
    start(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    check("choice-error")
    answer(page, "no")
    answer(page, "My mother-in-law, Mrs Antrobus-Fotheringham-Llewellyn-Pritchard, aged ninety-three")
    check("question")
    answer(page, "Some days I want to end it all. https://example.org/averyveryverylongwordwithoutanyspacesatall")
    assert page.get_by_role("region", name="If you need help now").is_visible()
    check("safety")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and come back later").click()
    check("saved")
    page.goto(url + "/resume")
    page.get_by_role("textbox", name="Carry on with your code").fill("nope")
    with page.expect_navigation():
        page.get_by_role("button", name="Carry on").click()
    check("resume-error")
    page.context.close()

    page = open_page(browser, url, **options)
    start(page)
    for _ in range(60):
        if not page.url.startswith(url + "/question/"):
            break
        answer(page, ANSWERS.get(place(page).split("/")[0], ""))
    check("check")
    with page.expect_navigation():
        page.get_by_role("button", name="Finish and see what you told us").click()
    check("done")
    assert sorted(shot) == sorted(PAGES_TO_REFLOW)
    page.context.close()


def test_saved_then_carried_on_in_a_new_browser_and_the_summary_downloaded(server, browser, tmp_path):
    url, _, _ = server
    first = open_page(browser, url, bypass_csp=True)
    start(first)
    answer(first, "no")
    first.get_by_role("textbox").fill("My son, who is autistic")
    with first.expect_navigation():
        first.get_by_role("button", name="Save and come back later").click()
    code_region = first.get_by_role("region", name="Your code to carry on later")
    code = code_region.locator(".code").inner_text()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code)
    assert first.evaluate("getComputedStyle(document.querySelector('.code')).userSelect") == "all"
    assert axe(first) == []
    first.context.close()

    later = open_page(browser, url)
    later.get_by_role("link", name="Carry on with your code").click()
    later.get_by_role("textbox", name="Carry on with your code").fill(code.upper())
    with later.expect_navigation():
        later.get_by_role("button", name="Carry on").click()
    assert "Welcome back" in later.locator("main").inner_text()
    box = later.get_by_role("textbox", name=re.compile("Who do you look after"))
    assert box.count() == 1 and box.input_value() == "My son, who is autistic"  # where they saved, to change
    with later.expect_navigation():
        later.get_by_role("button", name="Continue").click()  # kept as it was
    for _ in range(60):
        if not later.url.startswith(url + "/question/"):
            break
        answer(later, ANSWERS.get(place(later).split("/")[0], ""))
    with later.expect_navigation():
        later.get_by_role("button", name="Finish and see what you told us").click()
    assert later.get_by_role("button", name="Print this page").is_visible()  # scripts on: a Print button
    with later.expect_download() as downloading:
        later.get_by_role("link", name="Download what you told us").click()
    download = downloading.value
    assert download.suggested_filename == "what-you-told-us.html"
    saved = tmp_path / "what-you-told-us.html"
    download.save_as(str(saved))
    text = saved.read_text(encoding="utf-8")
    assert "What you told us" in text and "My son, who is autistic" in text
    later.context.close()


def test_two_tabs_on_one_code_the_second_is_told_kindly_and_may_carry_on_instead(server, browser):
    url, _, _ = server
    first = open_page(browser, url, bypass_csp=True)
    code = start(first)
    second = open_page(browser, url, bypass_csp=True)
    second.goto(url + "/resume")
    second.get_by_role("textbox", name="Carry on with your code").fill(code)
    with second.expect_navigation():
        second.get_by_role("button", name="Carry on").click()
    assert second.get_by_role("heading", level=1).inner_text() == "Your self-assessment is open somewhere else"
    assert "UNIQUE" not in second.content() and "constraint" not in second.content()
    assert axe(second) == []
    with second.expect_navigation():
        second.get_by_role("button", name="Carry on here instead").click()
    assert second.get_by_role("heading", level=1).inner_text() == "Are you under 18?"
    answer(first, "no")
    assert first.get_by_role("heading", level=1).inner_text() == "Your self-assessment is now open somewhere else"
    assert axe(first) == []
    first.context.close()
    second.context.close()


def test_a_stale_tab_is_told_its_answer_changed_in_another_and_shown_both_at_320px(server, browser, screenshots):
    url, _, logged = server
    first = open_page(browser, url, viewport={"width": 320, "height": 640}, bypass_csp=True)
    start(first)
    answer(first, "no")
    second = first.context.new_page()  # another tab of the same browser
    second.goto(first.url)
    answer(first, "My sister Non")
    typed = "My sister Non, who is blind and lives alone"
    answer(second, typed)
    region = second.get_by_role("region", name="This answer was changed in another window")
    assert region.is_visible()
    assert second.evaluate("document.activeElement.className") == "banner"  # read out first
    assert second.get_by_role("textbox", name=re.compile("Who do you look after")).input_value() == "My sister Non"
    assert second.get_by_role("region", name="What you typed, not saved").inner_text() == typed
    wide = second.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert wide[0] <= wide[1], wide
    second.screenshot(path=str(screenshots / "320px-changed-elsewhere.png"), full_page=True)
    assert axe(second) == []
    assert typed not in logged.read_text()
    first.context.close()


def test_a_wrong_code_is_cleared_and_said_first_on_the_page(server, browser):
    url, _, _ = server
    page = open_page(browser, url, bypass_csp=True)
    page.goto(url + "/resume")
    box = page.get_by_role("textbox", name="Carry on with your code")
    box.fill("abcd-efgh-jkmn")
    with page.expect_navigation():
        page.get_by_role("button", name="Carry on").click()
    summary = page.get_by_role("alert")
    assert "That code does not match a self-assessment" in summary.inner_text()
    assert page.evaluate("document.activeElement.className") == "error-summary"  # read out first
    assert page.get_by_role("textbox", name="Carry on with your code").input_value() == ""
    assert axe(page) == []
    page.get_by_role("link", name=re.compile("That code does not match")).click()
    assert page.evaluate("document.activeElement.id") == "code"
    page.context.close()


def test_a_young_carer_is_told_their_rights_and_the_safety_box_opens_the_next_page(server, browser, screenshots):
    url, _, _ = server
    page = open_page(browser, url, viewport={"width": 390, "height": 844}, bypass_csp=True)
    start(page)
    page.get_by_role("radio", name="Yes, I'm under 18").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "same right as any carer" in page.locator("main").inner_text()
    assert axe(page) == []
    answer(page, "Dad hits me when he has been drinking")
    box = page.get_by_role("region", name="If you need help now")
    assert box.is_visible()
    first = page.evaluate("document.querySelector('main').firstElementChild.className")
    assert first == "safety"
    assert axe(page) == []
    page.screenshot(path=str(screenshots / "phone-safety.png"), full_page=True)
    page.context.close()


def test_the_whole_self_assessment_works_with_scripts_turned_off(server, browser):
    url, _, _ = server
    page = open_page(browser, url, java_script_enabled=False)
    start(page)
    for _ in range(60):
        if not page.url.startswith(url + "/question/"):
            break
        answer(page, ANSWERS.get(place(page).split("/")[0], ""))
    with page.expect_navigation():
        page.get_by_role("button", name="Finish and see what you told us").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What you told us"
    assert not page.get_by_role("button", name="Print this page").is_visible()
    assert page.get_by_role("link", name="Download what you told us").is_visible()
    page.context.close()


def test_a_welsh_browser_gets_welsh_pages_with_no_axe_violations_and_the_keyboard_alone_switches_and_answers(
        server, browser):
    """A browser set to Welsh: every page in Welsh, checked by axe; the self-assessment done with the keyboard
    alone; Enter on a radio still continues; the language switch, reached by Shift+Tab from a box, keeps what
    is typed there."""
    url, _, _ = server
    page = open_page(browser, url, bypass_csp=True, locale="cy-GB")
    assert page.evaluate("document.documentElement.lang") == "cy"
    problems = {"start": axe(page)}
    tab_to(page, lambda f: f.endswith("Dechrau nawr"))
    press(page, "Enter")
    switched = radio_entered = False
    pages = 0
    while page.url.startswith(url + "/question/"):
        pages += 1
        assert pages < 60
        assert page.evaluate("document.documentElement.lang") == "cy", page.url
        stage = place(page).split("/")[0]
        problems[place(page)] = axe(page)
        words = ANSWERS.get(stage, "") if stage != "health-and-sleep" else "Wedi blino, gan amlaf"
        if page.locator("input[name=choice]").count():
            tab_to(page, lambda f: f.startswith("input#choice-"))
            for _ in range(6):
                if page.evaluate("document.activeElement.value") == words:
                    break
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Space")
            if stage == "age":  # Enter on a radio sends the answer, not the language switch
                press(page, "Enter")
                radio_entered = place(page) != "age" and page.evaluate("document.documentElement.lang") == "cy"
                continue
        else:
            tab_to(page, lambda f: f.startswith("textarea#answer"))
            if words:
                page.keyboard.type(words)
            if words and not switched:
                tab_to(page, lambda f: f.endswith("|English"), key="Shift+Tab")
                press(page, "Enter")
                assert page.evaluate("document.documentElement.lang") == "en"
                assert page.get_by_role("textbox").input_value() == words  # kept, not yet saved
                problems["switched to English"] = axe(page)
                tab_to(page, lambda f: f.endswith("|Cymraeg"), key="Shift+Tab")
                press(page, "Enter")
                assert page.evaluate("document.documentElement.lang") == "cy"
                assert page.get_by_role("textbox").input_value() == words
                switched = True
        button = tab_to(page, lambda f: f.endswith("Parhau") or f.endswith("Cadw a dod yn ôl yn nes ymlaen"))
        if button.endswith("Cadw a dod yn ôl yn nes ymlaen"):
            page.keyboard.press("Shift+Tab")
        assert focused(page).endswith("Parhau")
        press(page, "Enter")
    assert switched and radio_entered
    assert page.url == url + "/check" and page.get_by_role("heading", level=1).inner_text() == "Gwiriwch eich atebion"
    problems["check"] = axe(page)
    tab_to(page, lambda f: f.endswith("Gorffen a gweld beth ddywedoch chi wrthym ni"))
    press(page, "Enter")
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert "Walking the dog by the river" in page.locator("main").inner_text()
    problems["done"] = axe(page)
    page.goto(url + "/resume")
    problems["resume"] = axe(page)
    assert {name: found for name, found in problems.items() if found} == {}
    page.context.close()
