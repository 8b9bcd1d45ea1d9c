"""How quickly `convo web` answers many carers at once: N simulated carers (50 by default), each in
its own session, go through the self-assessment page by page against `convo web` on loopback for a
bounded time, starting another when they finish. Prints the page time (an answer sent and the next
page shown: the POST and the page it redirects to) at the 50th, 90th and 99th percentiles, then
checks that every answer each carer sent is in the store.

    python scripts/bench_web.py [--carers 50] [--seconds 60] [--think 2]

--think is the mean pause between pages, in seconds (0: as fast as the server allows); a person
reading a question and writing an answer takes far longer. Carers arrive spread over the first
2 x think seconds.
Needs the web extra (pip install 'convo[web]') and httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# A carer's words at some questions; elsewhere they leave the box empty (or, at a choice, choose one).
WORDS = {
    "who-you-care-for": "My dad, who has Parkinson's",
    "caring-day-and-night": "His tablets four times a day, and I'm up twice a night",
    "what-matters": "Swimming on Tuesdays\nSeeing my sister",
    "in-the-way": "Nobody to sit with Dad",
    "health-and-sleep": "Tired all the time",
    "would-help": "A sitter one evening a week",
    "small-step": "Ring the carers' centre",
}
CHOICES = {"age": "no", "taking-the-risk": "unsure", "willing-and-able": "less", "carers-assessment": "yes",
           "share": "no"}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_AT = re.compile(r'name="at" value="([^"]+)"')
_LABEL = re.compile(r'id="(choice-\d+)" name="choice" type="radio" value="([^"]*)"[^>]*>\s*'
                    r'<label class="radio-label" for="\1">([^<]+)</label>')


@dataclass
class Carer:
    number: int
    code: str = ""
    said: list[str] = field(default_factory=list)
    finished: bool = False


@dataclass
class Results:
    pages: list[float] = field(default_factory=list)  # seconds per page
    starts: list[float] = field(default_factory=list)  # seconds for the first page (a conversation begun)
    carers: list[Carer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unescape(text: str) -> str:
    return text.replace("&#39;", "'").replace("&amp;", "&").replace("&quot;", '"').replace("&lt;", "<")


async def one_carer(base: str, number: int, results: Results, until: float, think: float) -> None:
    carer = Carer(number)
    results.carers.append(carer)
    # Idle connections are dropped before the server's 30 s would close them under a request.
    limits = httpx.Limits(keepalive_expiry=20)
    async with httpx.AsyncClient(base_url=base, follow_redirects=True, timeout=60, limits=limits) as client:
        page = await client.get("/")
        csrf = _CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        began = time.perf_counter()
        page = await client.post("/start", data={"csrf": csrf})
        results.pages.append(time.perf_counter() - began)
        results.starts.append(results.pages[-1])
        found = re.search(r'id="resume-code">([^<]+)<', page.text)
        carer.code = found.group(1) if found else ""
        while time.monotonic() < until:
            csrf = _CSRF.search(page.text).group(1) if _CSRF.search(page.text) else csrf  # each page's own
            if page.url.path == "/check":
                began = time.perf_counter()
                page = await client.post("/finish", data={"csrf": csrf})
                results.pages.append(time.perf_counter() - began)
                carer.finished = page.url.path == "/done"
                return
            at = _AT.search(page.text)
            if at is None:
                results.errors.append(f"carer {number}: no question at {page.url.path} ({page.status_code})")
                return
            stage = at.group(1).split("/")[0]
            data = {"csrf": csrf, "at": at.group(1), "action": "continue"}
            if 'name="choice"' in page.text:
                labels = {value: unescape(label) for _, value, label in _LABEL.findall(page.text)}
                data["choice"] = CHOICES.get(stage, "")
                if data["choice"]:
                    carer.said.append(labels[data["choice"]])
            else:
                words = WORDS.get(stage, "")
                if words:
                    words = f"{words} (carer {number})" if stage != "what-matters" else words
                    carer.said += list(words.split("\n"))
                data["answer"] = words
            if think:
                await asyncio.sleep(random.uniform(0, 2 * think))
            began = time.perf_counter()
            page = await client.post("/question", data=data)
            results.pages.append(time.perf_counter() - began)
            if page.status_code != 200:
                results.errors.append(f"carer {number}: {page.status_code} at {page.url.path}")
                return


async def carer_after_carer(base: str, first: int, step: int, results: Results, until: float, think: float) -> None:
    number = first
    await asyncio.sleep(random.uniform(0, max(1.0, 2 * think)))  # carers arrive over a while, not all at once
    while time.monotonic() < until:
        try:
            await one_carer(base, number, results, until, think)
        except httpx.HTTPError as error:
            results.errors.append(f"carer {number}: {type(error).__name__}")
        number += step


def check_store(db: Path, carers: list[Carer]) -> tuple[int, int, list[str]]:
    """How many carers' answers were all found, out of how many, and what was missing."""
    from convo import library
    from convo.store import Store

    missing, whole = [], 0
    with Store(db) as store:
        for carer in carers:
            if not carer.code:
                missing.append(f"carer {carer.number}: no code")
                continue
            saved = [item.choice_label or item.text for item in library.resume(store, carer.code).state.items.values()]
            lost = [said for said in carer.said if said not in saved]
            if lost:
                missing.append(f"carer {carer.number}: {len(lost)} answer(s) missing")
            else:
                whole += 1
    return whole, len(carers), missing


def server_cpu(pid: int) -> float:
    """CPU seconds the server has used so far (Linux), or nan where /proc cannot say."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=50, help="carers at once (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to run (default 60)")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between pages in seconds (default 2)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="convo-bench-web-"))
    db, port = folder / "carers.db", free_port()
    log = (folder / "web.err").open("w")
    server = subprocess.Popen([sys.executable, "-m", "convo.cli", "--db", str(db), "web", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=log, text=True,
                              env={**os.environ, "CONVO_DB": str(db)})
    try:
        assert server.stdout is not None
        while "http://" not in server.stdout.readline():
            if server.poll() is not None:
                print("convo web did not start", file=sys.stderr)
                return 1
        base = f"http://127.0.0.1:{port}"
        results = Results()
        until = time.monotonic() + args.seconds

        async def everyone() -> None:
            await asyncio.gather(*(carer_after_carer(base, n, args.carers, results, until, args.think)
                                   for n in range(args.carers)))

        began, cpu = time.monotonic(), server_cpu(server.pid)
        asyncio.run(everyone())
        took, cpu = time.monotonic() - began, server_cpu(server.pid) - cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    pages = results.pages
    finished = sum(carer.finished for carer in results.carers)
    print(f"{args.carers} carers at once for {took:.0f} s (mean pause {args.think} s): {len(pages)} pages, "
          f"{len(pages) / took:.0f} pages/s, {len(results.carers)} self-assessments ({finished} finished)")
    print(f"page time: p50 {percentile(pages, 0.5) * 1000:.1f} ms, p90 {percentile(pages, 0.9) * 1000:.1f} ms, "
          f"p99 {percentile(pages, 0.99) * 1000:.1f} ms, max {max(pages) * 1000:.1f} ms "
          f"(mean {statistics.fmean(pages) * 1000:.1f} ms)")
    answers = sorted(results.pages)
    for start in results.starts:
        answers.remove(start)
    if answers and results.starts:
        print(f"  of which starting: p50 {percentile(results.starts, 0.5) * 1000:.1f} ms, "
              f"max {max(results.starts) * 1000:.1f} ms; answering: p50 {percentile(answers, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(answers, 0.99) * 1000:.1f} ms")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"server CPU: {cpu / max(1, len(pages)) * 1000:.1f} ms a page; "
          f"{os.cpu_count()} cores, load average {load:.1f}")
    whole, total, missing = check_store(db, results.carers)
    print(f"every answer in the store: {whole} of {total} carers" + ("" if not missing else f"; {missing[:5]}"))
    for error in results.errors[:5]:
        print(f"error: {error}")
    logged = (folder / "web.err").read_text()
    if logged.strip():
        print(f"server log ({len(logged.splitlines())} lines): {logged.splitlines()[:3]}")
    return 0 if whole == total and not results.errors else 1


if __name__ == "__main__":
    sys.exit(main())
