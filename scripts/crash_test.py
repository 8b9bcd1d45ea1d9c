"""Kill convo at random moments and check that nothing it had acknowledged is lost.

Each run holds a conversation in a real subprocess on its own temporary database and sends it
SIGKILL at a random moment: while it starts, right after an answer is sent (mid-save), while it is
idle, during `convo export -o`, or (with --tui) inside the terminal app driven headless by Textual's
pilot. Then it resumes the conversation in a fresh process, adds one more answer, and checks that
every acknowledged answer is there, in order, and that the database passes PRAGMA integrity_check.

An answer is acknowledged in line mode once its `captured` line and the following `prompt` line
have been read from stdout; in the app, once the answer box has cleared and the answer is shown.

    python scripts/crash_test.py [--runs 200] [--seed 1] [--workers 8] [--tui | --no-tui]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

CONVO = [sys.executable, "-m", "convo.cli"]
PASSPHRASE = "crash test passphrase"
WORDS = ("singing", "the river", "my cat Mog", "tea with Rhiannon", "bus to town", "the heron", "crafting",
         "garden", "church choir", "Christmas shopping", "café", "ŵyr", "naïve", "日本", "😀", "line\ttab")
MODES = ("answer", "answer", "answer", "idle", "startup", "export", "resume")


@dataclass
class Run:
    number: int
    mode: str
    encrypted: bool
    killed: bool = False
    acknowledged: list[str] = field(default_factory=list)
    recovered: int = 0
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def answer_text(rng: random.Random, run: int, index: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    return f"r{run}a{index} {words}"


def script(rng: random.Random, run: int) -> list[str]:
    """A conversation's lines: answers, empty lines that move on, and the odd /risk."""
    lines = []
    for index in range(rng.randint(6, 30)):
        roll = rng.random()
        if roll < 0.25:
            lines.append("")
        elif roll < 0.32:
            lines.append(f"/risk {answer_text(rng, run, index)}")
        else:
            lines.append(answer_text(rng, run, index))
    return lines


def environment(db: Path, encrypted: bool) -> dict[str, str]:
    env = {**os.environ, "CONVO_DB": str(db), "PYTHONUNBUFFERED": "1"}
    env.pop("CONVO_PASSPHRASE", None)
    if encrypted:
        env["CONVO_PASSPHRASE"] = PASSPHRASE
    return env


class LineMode:
    """`convo plain --jsonl` as a subprocess, read line by line."""

    def __init__(self, env: dict[str, str], args: list[str]):
        self.proc = subprocess.Popen(CONVO + ["plain", "--jsonl", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)

    def read(self) -> dict | None:
        line = self.proc.stdout.readline()
        return json.loads(line) if line else None

    def until_prompt(self) -> list[dict] | None:
        """Outputs up to and including the next prompt or done; None if the process went away."""
        outputs = []
        while True:
            output = self.read()
            if output is None:
                return None
            outputs.append(output)
            if output["type"] in ("prompt", "done"):
                return outputs

    def send(self, line: str) -> None:
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def converse(session: LineMode, lines: list[str], kill_at: int | None, rng: random.Random, run: Run) -> bool:
    """Send lines, noting acknowledged answers; at `kill_at`, send and kill after a short random delay."""
    if session.until_prompt() is None:
        return False
    for index, line in enumerate(lines):
        if index == kill_at:
            session.send(line)
            time.sleep(rng.choice((0.0, rng.uniform(0, 0.003), rng.uniform(0, 0.03))))
            session.kill()
            run.killed = True
            return False
        session.send(line)
        outputs = session.until_prompt()
        if outputs is None:
            return False
        captured = [o["text"] for o in outputs if o["type"] == "captured"]
        if outputs[-1]["type"] in ("prompt", "done"):
            run.acknowledged.extend(captured)
        if outputs[-1]["type"] == "done":
            return True
    return True


def kill_later(session: LineMode, delay: float, run: Run) -> threading.Timer:
    def fire() -> None:
        if session.proc.poll() is None:
            session.proc.send_signal(signal.SIGKILL)
            run.killed = True

    timer = threading.Timer(delay, fire)
    timer.start()
    return timer


def line_run(number: int, seed: int, workdir: Path, encrypt_every: int) -> Run:
    rng = random.Random(seed * 1_000_003 + number)
    run = Run(number, rng.choice(MODES), encrypt_every > 0 and number % encrypt_every == 0)
    db = workdir / f"run{number}" / "convo.db"
    env = environment(db, run.encrypted)
    lines = script(rng, number)
    first = ["--encrypt"] if run.encrypted else []
    if run.mode == "startup":
        session = LineMode(env, first)
        time.sleep(rng.uniform(0, 0.8))
        session.kill()
        run.killed = True
    elif run.mode == "idle":
        # Killed at a random moment, whatever it is doing: reading, thinking, saving or waiting.
        session = LineMode(env, first)
        timer = kill_later(session, rng.uniform(0.4, 2.5), run)
        converse(session, lines, None, rng, run)
        timer.cancel()
        session.kill()
        run.killed = True
    else:
        session = LineMode(env, first)
        kill_at = rng.randrange(len(lines)) if run.mode == "answer" else None
        converse(session, lines, kill_at, rng, run)
        if run.mode != "answer":
            session.kill()
        if run.mode == "export":
            kill_export(db, env, rng, run)
        elif run.mode == "resume" and db.exists():
            ident = conversation_id(db, run)
            if ident:
                again = LineMode(env, ["--resume", ident])
                converse(again, [answer_text(rng, number, 100 + i) for i in range(rng.randint(1, 6))],
                         rng.randrange(6), rng, run)
                again.kill()
                run.killed = True
    check(db, env, rng, run)
    return run


def kill_export(db: Path, env: dict[str, str], rng: random.Random, run: Run) -> None:
    ident = conversation_id(db, run)
    if not ident:
        return
    target = db.parent / f"draft.{rng.choice(('md', 'html', 'txt', 'json'))}"
    extra = ["--plaintext-export"] if run.encrypted else []
    proc = subprocess.Popen(CONVO + ["export", ident, "--format", target.suffix[1:], "-o", str(target), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    time.sleep(rng.uniform(0, 1.0))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        run.killed = True
    proc.wait()
    if target.exists():
        text = target.read_text(encoding="utf-8")
        if target.suffix == ".json":
            try:
                json.loads(text)
            except ValueError:
                run.problems.append(f"{target.name} is a partial export")
        elif not text.endswith("\n"):
            run.problems.append(f"{target.name} is a partial export")
        if target.stat().st_mode & 0o077:
            run.problems.append(f"{target.name} is readable by others")


def open_store(db: Path, encrypted: bool):
    from convo.store import Store

    return Store(db, passphrase=(lambda: PASSPHRASE) if encrypted else None)


def conversation_id(db: Path, run: Run) -> str | None:
    try:
        with open_store(db, run.encrypted) as store:
            infos = store.list()
    except Exception as error:  # noqa: BLE001 - any failure here is a finding, reported per run
        run.problems.append(f"cannot open after kill: {error}")
        return None
    return infos[0].id if infos else None


def check(db: Path, env: dict[str, str], rng: random.Random, run: Run) -> None:
    """Resume in a fresh process, add an answer, then compare what is stored with what was acknowledged."""
    if not db.exists():
        run.lost = list(run.acknowledged)
        return
    ident = conversation_id(db, run)
    if ident is None:
        run.lost = list(run.acknowledged)
        return
    extra = f"r{run.number} after resume"
    session = LineMode(env, ["--resume", ident])
    first = session.until_prompt()
    resumed = False
    if first is not None and first[-1]["type"] == "prompt":
        session.send(extra)
        outputs = session.until_prompt() or []
        resumed = any(o["type"] == "captured" and o["text"] == extra for o in outputs)
        if not resumed and not any(o["type"] == "error" for o in outputs):
            run.problems.append("the resumed conversation did not take a new answer")
    session.proc.stdin.close()
    session.proc.wait(timeout=30)
    session.proc.stdout.close()
    from convo.engine.state import fold

    with open_store(db, run.encrypted) as store:
        texts = [item.text for _, item in sorted(fold(store.events(ident)).items.items())]
    if resumed and extra not in texts:
        run.problems.append("the answer given after resuming was not saved")
    position = 0
    for answer in run.acknowledged:
        try:
            position = texts.index(answer, position) + 1
            run.recovered += 1
        except ValueError:
            run.lost.append(answer)
    integrity = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        run.problems.append(f"integrity_check: {integrity}")
    for path in db.parent.iterdir():
        if path.stat().st_mode & 0o077:
            run.problems.append(f"{path.name} is readable by others")


TUI_DRIVER = textwrap.dedent("""
    import asyncio, json, sys
    from convo.services import Service
    from convo.store import Store
    from convo.tui.app import make_app

    async def main(db, ident, lines, passphrase):
        store = Store(db, passphrase=(lambda: passphrase) if passphrase else None)
        app = make_app(resume=ident, service=Service(store))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            for line in lines:
                box = screen.query_one("#answer #line")
                box.value = line
                box.focus()
                await pilot.press("enter")
                await pilot.pause()
                texts = {item.text for item in screen.conversation.state.items.values()}
                if box.value == "" and line in texts:
                    print(json.dumps({"ack": line}), flush=True)
            print(json.dumps({"finished": True}), flush=True)

    db, ident, passphrase = sys.argv[1], sys.argv[2], sys.argv[3]
    asyncio.run(main(db, ident, json.loads(sys.stdin.readline()), passphrase))
""")


def tui_run(number: int, seed: int, workdir: Path, encrypt_every: int) -> Run:
    """The terminal app, headless under Textual's pilot in a subprocess, killed at a random moment."""
    from convo import library

    rng = random.Random(seed * 7_000_003 + number)
    run = Run(number, "tui", encrypt_every > 0 and number % encrypt_every == 0)
    db = workdir / f"tui{number}" / "convo.db"
    env = environment(db, run.encrypted)
    from convo.store import Store
    from convo.vocabulary import DEFAULT_FLOW

    with Store(db, passphrase=lambda: PASSPHRASE, encrypt=run.encrypted) as store:
        ident = library.start(store, DEFAULT_FLOW, "practitioner").id
    lines = [line for line in script(rng, number) if not line.startswith("/")]
    proc = subprocess.Popen([sys.executable, "-c", TUI_DRIVER, str(db), ident, PASSPHRASE if run.encrypted else ""],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    proc.stdin.write((json.dumps(lines) + "\n").encode())
    proc.stdin.flush()
    deadline = rng.uniform(1.5, 6.0)

    def fire() -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            run.killed = True

    timer = threading.Timer(deadline, fire)
    timer.start()
    for raw in proc.stdout:
        message = json.loads(raw)
        if "ack" in message:
            run.acknowledged.append(message["ack"])
    timer.cancel()
    proc.wait()
    proc.stdout.close()
    proc.stdin.close()
    check(db, env, rng, run)
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="line-mode runs (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=min(8, os.cpu_count() or 1))
    parser.add_argument("--encrypt-every", type=int, default=4, metavar="N",
                        help="make every Nth run an encrypted store (0: none; default 4)")
    tui = parser.add_mutually_exclusive_group()
    tui.add_argument("--tui", dest="tui", action="store_true", default=None, help="also kill the terminal app")
    tui.add_argument("--no-tui", dest="tui", action="store_false")
    parser.add_argument("--tui-runs", type=int, default=None, help="app runs (default: a quarter of --runs)")
    args = parser.parse_args(argv)
    have_tui = (Path(__file__).resolve().parent.parent / "convo" / "tui" / "app.py").exists()
    use_tui = have_tui if args.tui is None else args.tui
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="convo-crash-") as tmp, ThreadPoolExecutor(args.workers) as pool:
        work = Path(tmp)
        jobs = [pool.submit(line_run, n, args.seed, work, args.encrypt_every) for n in range(args.runs)]
        if use_tui:
            tui_runs = args.tui_runs if args.tui_runs is not None else max(1, args.runs // 4)
            jobs += [pool.submit(tui_run, n, args.seed, work, args.encrypt_every) for n in range(tui_runs)]
        runs = [job.result() for job in jobs]
    report(runs, time.monotonic() - started, args.seed)
    return 0 if all(not r.lost and not r.problems for r in runs) else 1


def report(runs: list[Run], seconds: float, seed: int) -> None:
    def line(label: str, group: list[Run]) -> str:
        return (f"{label:<10} runs {len(group):>4}  kills {sum(r.killed for r in group):>4}  "
                f"acknowledged {sum(len(r.acknowledged) for r in group):>5}  "
                f"recovered {sum(r.recovered for r in group):>5}  lost {sum(len(r.lost) for r in group):>3}")

    print(f"crash test, seed {seed}, {seconds:.0f} s")
    line_runs = [r for r in runs if r.mode != "tui"]
    for mode in ("startup", "answer", "idle", "export", "resume"):
        group = [r for r in line_runs if r.mode == mode]
        if group:
            print("  " + line(mode, group))
    print("  " + line("encrypted", [r for r in runs if r.encrypted]))
    print(line("line mode", line_runs))
    tui_runs = [r for r in runs if r.mode == "tui"]
    print(line("app", tui_runs) if tui_runs else "app        not run (convo/tui is not there or --no-tui)")
    print(line("total", runs))
    print(f"runs: {len(runs)}")
    print(f"kills: {sum(r.killed for r in runs)}")
    print(f"answers acknowledged: {sum(len(r.acknowledged) for r in runs)}")
    print(f"answers recovered: {sum(r.recovered for r in runs)}")
    print(f"answers lost: {sum(len(r.lost) for r in runs)}")
    problems = [(r.number, r.mode, p) for r in runs for p in r.problems]
    print(f"other problems: {len(problems)}")
    for number, mode, problem in problems[:20]:
        print(f"  run {number} ({mode}): {problem}")
    for r in runs:
        for answer in r.lost[:3]:
            print(f"  LOST run {r.number} ({r.mode}): {answer!r}")


if __name__ == "__main__":
    sys.exit(main())
