"""Benchmark the conversation core: turns per second with the durable save, line-mode start-up, rendering.

Prints numbers; asserts nothing. Targets on a 2-core machine: p99 per turn under 5 ms, first prompt
under 250 ms, a 50-outcome draft rendered in under 50 ms.

    python scripts/bench.py [--turns 2000] [--starts 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from convo import library
from convo.render import FORMATS, render
from convo.store import Store

ANSWERS = ["She lives with her sister in Llanelli", "", "She bakes for the chapel", "",
           "To get to the coast on Saturdays", "To keep her allotment", "", "keep",
           "Her knees on the hill", "", "She drives on good days", "", "Her sister", "",
           "The bus to Burry Port", "", "She could fall on the prom", "", "yes"]


def _past_opening(conversation):
    """Past the offer of Welsh and the opening questions, passed with Enter, as on a call."""
    while (conversation.step is not None and (conversation.step.optional or conversation.step.offers_language)
           and not conversation.state.items):
        conversation.send("")
    return conversation


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_turns(turns: int, folder: Path) -> None:
    with Store(folder / "turns.db") as store:
        timings: list[float] = []
        conversation = _past_opening(library.start(store, "what-matters", "practitioner"))
        started = time.perf_counter()
        while len(timings) < turns:
            for answer in ANSWERS:
                begin = time.perf_counter()
                conversation.send(answer)
                timings.append(time.perf_counter() - begin)
            if conversation.ended or conversation.position.stage == "end":
                conversation = _past_opening(library.start(store, "what-matters", "practitioner"))
            else:
                conversation.send("/goto outcomes")
        elapsed = time.perf_counter() - started
    ms = [t * 1000 for t in timings]
    print(f"engine turns (with durable SQLite commit): {len(ms)} turns, {len(ms) / elapsed:,.0f} turns/s, "
          f"p50 {statistics.median(ms):.2f} ms, p99 {percentile(ms, 0.99):.2f} ms, max {max(ms):.2f} ms")


def _first_line_time(command: list[str], env: dict[str, str]) -> float:
    begin = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    process.stdout.readline()
    elapsed = time.perf_counter() - begin
    process.stdin.close()
    process.wait()
    return elapsed


def bench_start(runs: int, folder: Path) -> None:
    env = {**os.environ, "CONVO_DB": str(folder / "start.db")}
    plain = [_first_line_time([sys.executable, "-m", "convo.cli", "plain", "--jsonl"], env) for _ in range(runs)]
    bare = [_first_line_time([sys.executable, "-c", "print('ready', flush=True)"], env) for _ in range(runs)]
    print(f"convo plain, start to first prompt: median {statistics.median(plain) * 1000:.0f} ms "
          f"(min {min(plain) * 1000:.0f}, max {max(plain) * 1000:.0f}) over {runs} runs")
    print(f"python printing one line, same measure: median {statistics.median(bare) * 1000:.0f} ms "
          f"(min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f})")


def bench_render(folder: Path, runs: int = 20) -> None:
    with Store(folder / "render.db") as store:
        conversation = library.start(store, "what-matters", "practitioner")
        conversation.send("/goto outcomes")
        for number in range(50):
            conversation.send(f"Outcome number {number}: to do the thing that matters <b>{number}</b>")
        for number in range(50):
            conversation.send(f"/goto barriers {number + 1}")
            conversation.send(f"A barrier for outcome {number}")
            conversation.send(f"/strength A strength for outcome {number}")
            conversation.send(f"/risk A risk for outcome {number}")
        begin = time.perf_counter()
        record = conversation.assessment()
        build_ms = (time.perf_counter() - begin) * 1000
        line = [f"building the record {build_ms:.1f} ms"]
        for fmt in FORMATS:
            render(record, fmt)  # warm the template cache, as a running program has
            times = []
            for _ in range(runs):
                begin = time.perf_counter()
                render(record, fmt)
                times.append((time.perf_counter() - begin) * 1000)
            line.append(f"{fmt} {statistics.median(times):.1f} ms")
        print(f"draft with 50 outcomes (median of {runs}): " + ", ".join(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--starts", type=int, default=15)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        bench_turns(args.turns, Path(folder))
        bench_start(args.starts, Path(folder))
        bench_render(Path(folder))
    import resource

    print(f"peak RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
