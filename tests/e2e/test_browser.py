"""The carer's self-assessment in a real browser: `convo serve` on a free loopback port, driven
headless through Playwright with Debian's chromium (never a downloaded browser), then an axe-core
check of the exported HTML in the same browser.

CI installs what this needs (scripts/test.sh, as root); locally it is skipped with the reason.
"""

from __future__ import annotations

import json
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

# In CI (CI=true) a missing browser or axe-core is a failure, never a quiet skip.
REQUIRED = os.environ.get("CI", "").lower() in ("1", "true", "yes")
if not CHROMIUM.exists():
    if REQUIRED:
        raise RuntimeError("CI needs /usr/bin/chromium for the browser tests (apt-get install -y chromium)")
    pytest.skip("no /usr/bin/chromium here (CI installs it: apt-get install -y chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def convo(*args: str, db: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "convo.cli", "--db", str(db), *args], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def conversations(db: Path) -> list[str]:
    return [line.split("\t")[0] for line in convo("list", db=db).splitlines()] if db.exists() else []


def wait_for(check, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "carers.db"
    port = free_port()
    printed = db.parent / "serve.out"
    with printed.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "convo.cli", "--db", str(db), "serve", "--port", str(port)],
                                   stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "CONVO_DB": str(db)})

    def address():  # printed once it listens, with the server's secret token
        found = re.search(r"http://\S+\?token=\S+", printed.read_text())
        return found and found.group(0)

    url = wait_for(address, "convo serve to listen")
    yield url, db
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def open_tab(browser, url: str):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    home = url.split("?")[0].rstrip("/")
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(home)
               or route.request.url.startswith("ws") else route.abort())  # nothing leaves the machine
    page.goto(url)
    page.wait_for_selector("textarea.xterm-helper-textarea", state="attached", timeout=30_000)
    page.focus("textarea.xterm-helper-textarea")
    return page


def type_line(page, text: str) -> None:
    if text:
        page.keyboard.type(text, delay=5)
    page.keyboard.press("Enter")
    page.wait_for_timeout(1200)  # the app redraws its answer box after each line; type only once it has


def record(db: Path, conversation: str) -> dict:
    return json.loads(convo("export", conversation, "--format", "json", db=db))


# An empty line first passes the offer of Welsh, which keeps English.
ANSWERS = ["", "no", "My dad Huw, who had a stroke", "", "I get him up and dressed and do his tablets", "",
           "Going back to my swimming", ""]


def test_a_carer_completes_a_short_self_assessment_in_the_browser_and_a_second_tab_sees_none_of_it(server, browser):
    url, db = server
    first = open_tab(browser, url)
    first.wait_for_timeout(1500)  # the app starts in its own process for this tab
    type_line(first, "")  # the start button has focus
    code = wait_for(lambda: conversations(db), "the tab's conversation to be saved")[0]
    first.wait_for_timeout(2500)  # the conversation screen is drawn after the conversation is saved
    for answer in ANSWERS:
        type_line(first, answer)
    type_line(first, "/end")
    done = wait_for(lambda: record(db, code).get("ended_at"), "the self-assessment to end") and record(db, code)
    assert [c["text"] for c in done["circumstances"]] == ANSWERS[2:5:2]
    assert [o["text"] for o in done["outcomes"]] == ["Going back to my swimming"]
    summary = convo("export", code, "--format", "md", db=db)
    assert summary.startswith("# What you told us") and "“Going back to my swimming”" in summary
    first.screenshot(path=str(db.parent / "first-tab.png"))

    second = open_tab(browser, url)
    second.wait_for_timeout(1500)
    type_line(second, "")
    ids = wait_for(lambda: [i for i in conversations(db) if i != code], "the second tab's own conversation")
    second.wait_for_timeout(2500)
    type_line(second, "")  # past the offer of Welsh
    type_line(second, "yes")
    theirs = wait_for(lambda: record(db, ids[0]).get("decisions"), "the second tab's answer") and record(db, ids[0])
    assert theirs["id"] != code and theirs["circumstances"] == [] and theirs["outcomes"] == []
    assert [d["text"] for d in theirs["decisions"]] == ["yes"]
    assert record(db, code)["circumstances"] == done["circumstances"]  # the first tab's words are untouched
    first.close()
    second.close()


@pytest.mark.skipif(not AXE.exists() and not REQUIRED,
                    reason="axe-core is not installed (cd tests/e2e/browser && npm ci)")
def test_the_exported_html_passes_axe_with_no_serious_or_critical_violations(tmp_path, browser):
    from convo import library
    from convo.render import render
    from convo.store import Store
    from tests.functional import test_carer_flow as flows
    from tests.transcript import rows

    with Store(tmp_path / "axe.db") as store:
        conversation = library.start(store, "carer", "carer", conversation_id="axe-1")
        for row in rows(flows.SIAN)[:20]:  # unfinished, so every part of the summary shows
            conversation.send(row["say"])
        conversation.send("He hits me when he is confused <b>really</b>")
        page_file = tmp_path / "summary.html"
        page_file.write_text(render(conversation.assessment(), "html"), encoding="utf-8")
    page = browser.new_page()
    page.goto(page_file.as_uri())
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], v["help"], [n["html"] for n in v["nodes"]][:3])
           for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert page.locator("h1").first.inner_text() == "What you told us"
    page.close()
