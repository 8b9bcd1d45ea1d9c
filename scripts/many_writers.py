"""Many line-mode processes writing one database at once: do they all finish, and is every answer kept?

Starts N `convo plain --jsonl` processes together on one database that does not exist yet, each
giving its own answers, then reads the database back. Prints how many finished, how many answers
were acknowledged (a `captured` line and the next `prompt`) and how many are stored.

    python scripts/many_writers.py [--writers 32] [--answers 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def writer(db: Path, index: int, answers: int, results: list) -> None:
    lines = [f"writer {index} answer {n}" for n in range(answers)]
    run = subprocess.run([sys.executable, "-m", "convo.cli", "plain", "--jsonl", "--db", str(db)],
                         input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=600, check=False)
    objects = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    acknowledged, waiting = [], None
    for obj in objects:
        if obj["type"] == "captured":
            waiting = obj["text"]
        elif obj["type"] in ("prompt", "done") and waiting is not None:
            acknowledged.append(waiting)
            waiting = None
    errors = [obj["text"] for obj in objects if obj["type"] == "error"]
    results[index] = (run.returncode, acknowledged, errors, run.stderr.strip().splitlines()[-1:] or [""])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--answers", type=int, default=20, help="answers each writer gives")
    args = parser.parse_args()

    from convo.store import Store

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "many.db"
        results: list = [None] * args.writers
        began = time.monotonic()
        threads = [threading.Thread(target=writer, args=(db, i, args.answers, results)) for i in range(args.writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - began
        with Store(db) as store:
            stored = {event.data["text"] for info in store.list() for event in store.events(info.id)
                      if event.type == "answered" and event.data.get("text")}
            integrity = store.integrity()
    finished = sum(1 for code, *_ in results if code == 0)
    acknowledged = [text for _, texts, _, _ in results for text in texts]
    lost = [text for text in acknowledged if text not in stored]
    errors = sum(len(errs) for _, _, errs, _ in results)
    print(f"many writers: {args.writers} processes, {args.answers} answers each, {seconds:.1f} s")
    print(f"finished: {finished} of {args.writers}")
    print(f"answers acknowledged: {len(acknowledged)}")
    print(f"answers stored: {len(stored)}")
    print(f"acknowledged but lost: {len(lost)}")
    print(f"error lines: {errors}")
    print(f"integrity: {integrity}")
    for code, _, _, last in results:
        if code != 0:
            print(f"  exit {code}: {last[0]}")
    return 0 if finished == args.writers and not lost and integrity == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
