"""Benchmark the terminal app (prints numbers; asserts nothing).

  /work/venv/bin/python scripts/bench_tui.py [--runs 7] [--turns 60]

1. Cold start: spawn the process on a pseudo-terminal (100×30) and time until the first screen's text
   appears in its output: `convo` (home screen), `convo resume ID` (the conversation's prompt) and a
   minimal Textual app showing one Input. Peak RSS (VmHWM) of each process is read at that moment.
   convo's modules are byte-compiled first, as an installed convo's are.
2. Turn latency, in process with Textual's Pilot (headless driver, 100×34): time from pressing Enter
   with an answer in the box until the refresh that drew the new prompt's last line has run (the
   log's line renderer is watched). Each answer's last key is pressed for real and Enter 60 ms later,
   and what is loaded is frozen out of the garbage collector's way first, as `convo` does. Also
   shown: Pilot's whole press+pause round trip (which adds Pilot's own waiting) and the engine's
   share (Conversation.handle).
3. Starting a call, in process with Pilot: Enter on "Practitioner call" on the home screen (after a
   second there) until the first question has been drawn.
Targets: start within 1.3× the minimal app; under 50 ms per turn.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import fcntl
import gc
import os
import pty
import re
import resource
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

ANSI = re.compile(r"\x1b(\[[0-9;?<>=$ ]*[A-Za-z~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\"
                  r"|[()][0-9A-Za-z]|[=>78DEHMc])")
MINIMAL_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Input

    class Minimal(App):
        def compose(self):
            yield Input(placeholder="minimal app ready")

    Minimal().run()
""")


def _spawn_until(argv: list[str], marker: str, env: dict[str, str], timeout: float = 20.0) -> tuple[float, int]:
    """Seconds from spawn until `marker` is on screen, and the process's peak RSS in KiB."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                               start_new_session=True)
    os.close(slave)
    seen, elapsed, peak = "", float("nan"), 0
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += ANSI.sub("", chunk.decode("utf-8", "replace"))
                if marker in seen:
                    elapsed = time.perf_counter() - started
                    peak = _peak_rss(process.pid)
                    break
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(master)
    return elapsed, peak


def _peak_rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):7.1f} ms   p90 {p90:7.1f} ms   max {ms[-1]:7.1f} ms   (n={len(ms)})"


def _opening(conversation) -> bool:
    """At a question a call opens with and a practitioner may pass over with Enter."""
    step = conversation.step
    return step is not None and (step.optional or step.offers_language) and not conversation.state.items


def _pass_opening(conversation) -> None:
    while _opening(conversation):
        conversation.send("")


def cold_start(runs: int, work: Path) -> None:
    # Byte-compiled first, as `pip install` leaves an installed convo (PYTHONDONTWRITEBYTECODE or an
    # editable install would otherwise have every start compile convo's modules from source again).
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "convo", quiet=1)
    python = sys.executable
    convo = str(Path(python).parent / "convo")
    env = {**os.environ, "TERM": "xterm-256color", "CONVO_DB": str(work / "bench.db"), "COLUMNS": "100",
           "LINES": "30"}
    env.pop("TEXTUAL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from convo import library
    from convo.store import Store

    store = Store(work / "bench.db")
    conversation = library.start(store, "three-conversations", "practitioner")
    _pass_opening(conversation)
    for line in ["Ann, about getting out", "", "She loves her garden", "", "Lives alone", "", "To sing"]:
        conversation.send(line)
    long_call = library.start(store, "three-conversations", "practitioner")  # a long call's worth of log
    _pass_opening(long_call)
    for line in ["Ann, about getting out", "", "She loves her garden", "", "Lives alone", ""] + [
            f"Something else that matters to her, number {n}, with a few more words to wrap" for n in range(120)]:
        long_call.send(line)
    store.close()
    minimal = work / "minimal_app.py"
    minimal.write_text(MINIMAL_APP)
    cases = [
        ("minimal Textual app (one Input)", [python, str(minimal)], "minimal app ready"),
        ("convo (home screen)", [convo], "Start a new conversation"),
        ("convo resume ID (prompt shown)", [convo, "resume", conversation.id], "Anything else that matters"),
        ("convo resume ID, 126 answers", [convo, "resume", long_call.id], "Anything else that matters"),
    ]
    results: dict[str, tuple[list[float], list[int]]] = {}
    for _ in range(runs):
        for name, argv, marker in cases:
            elapsed, peak = _spawn_until(argv, marker, env)
            times, peaks = results.setdefault(name, ([], []))
            times.append(elapsed)
            peaks.append(peak)
    base = statistics.median(results[cases[0][0]][0])
    print("Cold start: process spawn to first screen text on a pty (100×30)")
    for name, _, _ in cases:
        times, peaks = results[name]
        ratio = statistics.median(times) / base
        print(f"  {name:34s} {_summary(times)}   {ratio:4.2f}× minimal   peak RSS {max(peaks) / 1024:6.1f} MiB")


@contextlib.contextmanager
def paint_times():
    """While open, every line added to a chat log gets a time: when the refresh that drew the log's last
    line has run ("painted" means drawn into a frame, not merely added). Yields the list of those times;
    clear it before each thing timed."""
    from convo.tui.widgets.chat_log import ChatLog

    painted: list[float] = []
    deepest: dict[int, int] = {}  # per log, the deepest line drawn since lines were last added
    draw_line, add = ChatLog._render_line, ChatLog.add

    def watched_draw_line(self, y: int, scroll_x: int, width: int):
        deepest[id(self)] = max(deepest.get(id(self), -1), y)
        return draw_line(self, y, scroll_x, width)

    def watched_add(self, lines) -> None:
        add(self, lines)
        deepest[id(self)] = -1

        def after_refresh() -> None:
            if self.lines and deepest[id(self)] >= len(self.lines) - 1:
                painted.append(time.perf_counter())
            else:
                self.call_after_refresh(after_refresh)

        self.call_after_refresh(after_refresh)

    ChatLog._render_line, ChatLog.add = watched_draw_line, watched_add
    try:
        yield painted
    finally:
        ChatLog._render_line, ChatLog.add = draw_line, add


async def _painted_since(painted: list[float], pilot, t0: float) -> float | None:
    """Seconds from t0 to the first paint, waiting a few frames more if it came after Pilot's pause."""
    for _ in range(50):
        if painted:
            return painted[0] - t0
        await pilot.pause(0.01)
    return None


async def new_calls(runs: int, work: Path) -> None:
    """Enter on "Practitioner call" in the home screen, after a second there (the app loads the engine
    and flows in the background half a second after it starts), until the first question is painted.
    (Pilot's press returns later than that: it waits for the app to be idle.)"""
    from convo.tui.app import make_app

    times: list[float] = []
    with paint_times() as painted:
        for run in range(runs):
            app = make_app(work / f"calls{run}.db", blink=False)
            async with app.run_test(size=(100, 34)) as pilot:
                await pilot.pause()
                await asyncio.sleep(1.0)
                painted.clear()
                t0 = time.perf_counter()
                await pilot.press("enter")
                elapsed = await _painted_since(painted, pilot, t0)
                if elapsed is not None:
                    times.append(elapsed)
    print("Starting a call, Pilot in process (headless, 100×34):"
          " Enter on the home screen to the first question painted")
    print(f"  home screen to first question        {_summary(times)}")


class _FullCollections:
    """How long each full garbage collection takes from now on (each holds up whatever turn is under way)."""

    def __init__(self) -> None:
        self.took: list[float] = []
        self._began = 0.0
        gc.callbacks.append(self.note)

    def note(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.took.append(time.perf_counter() - self._began)


async def turns(count: int, work: Path) -> None:
    from textual.widgets import Input

    from convo.tui.app import make_app

    script = ["Ann, about getting out", "", "She loves her garden", "", "Lives alone", "",
              "To sing in the choir again", "To keep her cat", "", "change", "She knows all the hymns", "",
              "Her daughter Mair drives her", "", "The chapel on Tuesdays", "", "The stairs", "",
              "She could get lonely", "", "yes"]
    lines = (script + [f"Another thing she can do, number {n}" for n in range(count)])[:count]
    app = make_app(work / "turns.db", blink=False)
    gc.freeze()  # as `convo` does before it runs the app, and once the model is loaded (see convo.cli._run)
    app.freeze_when_warm = True
    collections = _FullCollections()
    pressed: list[float] = []
    engine: list[float] = []
    missed = 0
    with paint_times() as painted:
        async with app.run_test(size=(100, 34)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            box = screen.query_one("#line", Input)
            while _opening(screen.conversation):  # the offer of Welsh and the opening questions, passed
                box.value = ""
                await pilot.press("enter")
                await pilot.pause()
            original = screen.conversation.handle

            def timed_handle(command):
                t0 = time.perf_counter()
                try:
                    return original(command)
                finally:
                    engine.append(time.perf_counter() - t0)

            screen.conversation.handle = timed_handle
            box = screen.query_one("#line", Input)
            rendered: list[float] = []
            for line in lines:
                # The answer is typed (its last key pressed for real), then Enter a moment later: 60 ms, the gap
                # between keys of a fast typist. Pressing Enter in the same frame as the last keystroke would
                # instead time Textual's frame pacing (at most one refresh each 1/60 s) along with the turn.
                box.focus()
                box.value = line[:-1]
                if line:
                    await pilot.press(line[-1])
                await pilot.pause()
                await asyncio.sleep(0.06)
                painted.clear()
                t0 = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                pressed.append(time.perf_counter() - t0)
                elapsed = await _painted_since(painted, pilot, t0)
                if elapsed is not None:
                    rendered.append(elapsed)
                else:
                    missed += 1
            entries = len(screen.chat.entries)
    print(f"Turn latency, Pilot in process (headless, 100×34), {len(lines)} turns, {entries} log lines at the end")
    print(f"  Enter to next prompt painted        {_summary(rendered)}"
          + (f"   ({missed} turns never painted their prompt!)" if missed else ""))
    print(f"  Pilot press+pause round trip        {_summary(pressed)}")
    print(f"  of which Conversation.handle()      {_summary(engine)}")
    gc.callbacks.remove(collections.note)
    print(f"  full garbage collections meanwhile  {_summary(collections.took) if collections.took else 'none'}")
    print(f"  peak RSS of this benchmark process  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold starts of each program (default 7)")
    parser.add_argument("--turns", type=int, default=60, help="answers sent in the turn benchmark (default 60)")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        cold_start(args.runs, work)
        asyncio.run(turns(args.turns, work))
        asyncio.run(new_calls(args.runs, work))


if __name__ == "__main__":
    main()
