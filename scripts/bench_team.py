"""Benchmark the team store (prints numbers; asserts nothing).

    python scripts/bench_team.py [--seconds 30] [--practitioners 50] [--carers 50] [--think 1.0]
                                 [--restart] [--rows 100000] [--skip-load] [--skip-scale]

1. Many at once. A throwaway PostgreSQL server on loopback (127.0.0.1, every commit flushed to
   disk), set up by convo on first use. Each practitioner connects with a database role of their
   own and keeps one conversation open in a process of their own, as the app does; each carer goes
   through one shared web role, in a few processes with a thread per carer, each claiming its
   conversation through a store that shares the process's pool and holding it between turns, the
   turns of a process written one at a time (the pages' WRITES lock), as the pages do. Every client
   arrives at a random moment in the first pause and waits a random pause (mean --think seconds)
   between answers, for --seconds; every process closes its stores only once all the turns are done. Afterwards every
   event a client saw committed is looked for in the database, and every conversation's sequence
   numbers are checked for gaps. With --restart, the server is restarted
   (pg_ctl restart) halfway through. Also printed: the server's durable commit of one row and the
   disk's own fsync, alone, and the load average before and after.
2. Many conversations. `convo list --limit 50` (a new process each time), the pages the home screen
   and `convo list` read, and the app's home screen until its first rows are drawn, with none, ten
   and --rows conversations, each measured on all three in turn, for SQLite and for PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.postgres_cluster import OWNER, Cluster  # the throwaway server the tests use too

TEAM = "duty"
WEB_ROLE = "convo_web"
ANSWERS = [
    "She wants to get to the river again with her daughter",
    "Her husband helps her dress in the mornings",
    "The stairs are the hardest part now",
    "The neighbour pops in most days with the paper",
    "She used to go to the chapel coffee morning on Thursdays",
    "If she falls at night nobody would know until morning",
    "He would refuse hospital rather than lose the cat",
    "Getting the shopping in is the worry since he stopped driving",
]


# -- 1. many at once ------------------------------------------------------------------------------

def _client_process(urls: dict[str, str], practitioners: list[str], carers: int, seconds: float, think: float,
                    seed: int, ready, start, results) -> None:
    """One process's share of the clients: says it is `ready` once warmed up and connected, waits for the
    `start` time, runs for `seconds`, then puts its numbers on `results`."""
    from convo import library
    from convo.engine.conversation import Conversation
    from convo.engine.machine import FlowMachine
    from convo.store import StoreError, TakenOver
    from convo.store_postgres import PostgresStore
    from convo.web.sessions import WRITES

    flows = {name: library.get(name)[0] for name in ("three-conversations", "carer")}

    def machine(name: str) -> FlowMachine:
        # A flow's machine keeps state of its own while it moves a conversation, so each client
        # thread has its own (library's one per flow is for one conversation at a time).
        return FlowMachine(flows[name])

    random.seed(seed)
    _warm_up()
    gc.freeze()  # as `convo` and `convo serve` do once what hears answers is loaded
    lock = threading.Lock()
    numbers: dict[str, list] = {"practitioner": [], "carer": [], "append": [], "acknowledged": [], "refused": [],
                                "conflicts": [], "errors": [], "not_taken": []}
    seen: dict[str, list] = {}

    def note(kind: str, value) -> None:
        with lock:
            numbers[kind].append(value)

    append = PostgresStore.append

    def timed_append(self, *args, **options) -> None:  # the store's share of a turn
        began = time.perf_counter()
        try:
            append(self, *args, **options)
        finally:
            note("append", time.perf_counter() - began)

    PostgresStore.append = timed_append  # type: ignore[method-assign]

    def pause() -> bool:
        """Wait as a person would before answering; False if the run would be over by then."""
        wait = random.expovariate(1 / think)
        if time.time() + wait >= end:
            return False
        time.sleep(wait)
        return True

    def arrive() -> None:
        """People start their calls at different moments, not all in the same millisecond."""
        time.sleep(random.uniform(0, min(think, seconds / 4)))

    def practitioner(role: str, store) -> None:
        turn = 0
        conversation = None
        mine = machine("three-conversations")
        arrive()
        while time.time() < end:
            try:
                if conversation is None or conversation.ended:
                    conversation = Conversation.start(store, flows["three-conversations"], "practitioner",
                                                      machine=mine)
                    store.claim(conversation.id)
                    _past_opening(conversation)
                if not pause():
                    break
                text = _answer_for(conversation, f"{role} {turn}")
                began = time.perf_counter()
                outputs = conversation.send(text)
                note("practitioner", time.perf_counter() - began)
                _acknowledge(note, seen, conversation, outputs)
                turn += 1
            except TakenOver as error:
                note("conflicts", str(error))
                conversation = None
            except StoreError as error:
                note("refused", str(error))  # the words stay in the box; the next turn is another answer

    def carer(store, number: int) -> None:
        conversation = None
        turn = 0
        mine = machine("carer")
        arrive()
        while time.time() < end:
            try:
                if conversation is None or conversation.ended:
                    conversation = Conversation.start(store, flows["carer"], "carer", machine=mine)
                    store.claim(conversation.id)  # as the pages do: each browser holds its conversation's lease
                    _past_opening(conversation)
                if not pause():
                    break
                text = _answer_for(conversation, f"carer {seed}-{number} {turn}")
                began = time.perf_counter()
                # As the pages do: the conversation is held between pages (read again only after a
                # session has been idle for PARK_AFTER), and a process's pages write one at a time.
                with WRITES:
                    outputs = conversation.send(text)
                note("carer", time.perf_counter() - began)
                _acknowledge(note, seen, conversation, outputs)
                turn += 1
            except TakenOver as error:
                note("conflicts", str(error))
                conversation = None
            except StoreError as error:
                note("refused", str(error))

    own = [(role, PostgresStore(urls[role], pool_size=1)) for role in practitioners]
    web = PostgresStore(urls[WEB_ROLE], pool_size=8) if carers else None
    # Each browser writes through a store of its own (a lease of its own) sharing the process's pool, as
    # the pages do; a convo without PostgresStore.sharing opened a store, and a connection, per browser.
    browsers = [web.sharing() if hasattr(web, "sharing") else PostgresStore(urls[WEB_ROLE], pool_size=1)
                for _ in range(carers)] if web is not None else []
    ready.put(seed)
    while not start.value:
        time.sleep(0.05)
    end = start.value + seconds
    time.sleep(max(0.0, start.value - time.time()))
    threads = [threading.Thread(target=practitioner, args=(role, store)) for role, store in own]
    threads += [threading.Thread(target=carer, args=(browser, n)) for n, browser in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every process lets go of its stores at the same moment, once every process's last turn is done:
    # fifty processes closing connections and sending their numbers back are not a turn's to wait for.
    time.sleep(max(0.0, end + 2 - time.time()))
    for store in [store for _, store in own] + browsers:
        store.close()
    if web is not None:
        web.close()
    numbers["seen"] = list(seen.items())
    results.put(numbers)


def _past_opening(conversation) -> None:
    """Leave the opening questions a person may pass with Enter (the Active Offer of Welsh, say)."""
    while ((step := conversation.step) is not None and not conversation.state.items
           and (getattr(step, "optional", False) or getattr(step, "offers_language", False))):
        conversation.send("")


def _answer_for(conversation, tag: str) -> str:
    """What a person says next: one of the choices when the question offers some, else a sentence."""
    choices = getattr(conversation.prompt(), "choices", None)
    if choices:
        return str(random.randrange(len(choices)) + 1)
    return f"{random.choice(ANSWERS)} [{tag}]"


def _acknowledge(note, seen: dict, conversation, outputs) -> None:
    """Count the turn, and remember every event this client saw committed, to look for afterwards."""
    note("not_taken" if any(output.type == "error" for output in outputs) else "acknowledged", conversation.id)
    seen[conversation.id] = [_fingerprint(event) for event in conversation.events]


def _fingerprint(event) -> tuple[int, str, str]:
    return (event.seq, event.type, json.dumps(event.data, sort_keys=True, ensure_ascii=False))


def _warm_up() -> None:
    """Load the flows and what hears an answer before the clock starts, as the app does while the first
    answer is typed: a turn is then a turn, not a start."""
    from convo import library
    from convo.store import Store

    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "warm.db") as store:
        for flow, audience in (("three-conversations", "practitioner"), ("carer", "carer")):
            conversation = library.start(store, flow, audience)
            _past_opening(conversation)
            for n in range(4):
                conversation.send(_answer_for(conversation, f"warm {n}"))
            library.resume(store, conversation.id)


def many_at_once(args: argparse.Namespace) -> None:
    from convo.store_postgres import PostgresStore

    cluster = Cluster(tcp=True, durable=True, max_connections=args.practitioners + args.carers + 60)
    try:
        database = cluster.database("load")
        with PostgresStore(cluster.url(OWNER, database)):
            pass  # sets the database up
        roles = [f"p{n:02d}" for n in range(1, args.practitioners + 1)] + [WEB_ROLE]
        for role in roles:
            cluster.role(role)
        members = ", ".join(f"('{role}', '{TEAM}', 'practitioner')" for role in roles)
        cluster.sql(f"INSERT INTO convo_members VALUES {members}, ('{OWNER}', '{TEAM}', 'manager')", database,
                    role=OWNER)
        urls = {role: cluster.url(role, database) for role in roles}
        floor = _commit_floor(cluster.url(OWNER, database))
        woken = _commit_floor(cluster.url(OWNER, database), times=30, pause=0.5)
        disk = _fsync_floor(cluster.folder)
        load_before = os.getloadavg()[0]
        # Each practitioner runs convo on their own computer: a process each. The carers' pages are
        # served by a few processes with a thread per carer, as a web server would.
        web = max(1, min(args.web_processes, args.carers)) if args.carers else 0
        shares = [([role], 0) for role in roles[:-1]] + [([], len(range(n, args.carers, web))) for n in range(web)]
        context = multiprocessing.get_context("spawn")
        ready, results, start = context.Queue(), context.Queue(), context.Value("d", 0.0)
        workers = [context.Process(target=_client_process, args=(
            urls, practitioners, carers, args.seconds, args.think, n, ready, start, results), daemon=True)
            for n, (practitioners, carers) in enumerate(shares)]
        for worker in workers:
            worker.start()
        for _ in workers:  # every process warmed up and connected before the clock starts
            ready.get(timeout=600)
        start_at = start.value = time.time() + 1
        if args.restart:
            time.sleep(max(0.0, start_at + args.seconds / 2 - time.time()))
            began = time.monotonic()
            cluster.restart()
            print(f"restarted the server (pg_ctl restart -m fast) halfway: {time.monotonic() - began:.2f} s")
        numbers = [results.get(timeout=args.seconds + 300) for _ in workers]
        for worker in workers:
            worker.join()
        merged = {key: [value for part in numbers for value in part[key]] for key in numbers[0]}
        _report_load(args, merged, cluster, database)
        print(f"  the server's own durable commit (one row, one connection, nothing else running):"
              f" p50 {_ms(_pct(floor, 50)).strip()}, p99 {_ms(_pct(floor, 99)).strip()};"
              f" each after a pause of 0.5 s: p50 {_ms(_pct(woken, 50)).strip()}, max {_ms(max(woken)).strip()}")
        print(f"  the disk's own fsync (8 KiB written, then fdatasync, beside the server's data):"
              f" p50 {_ms(_pct(disk, 50)).strip()}, p99 {_ms(_pct(disk, 99)).strip()}")
        print(f"  load average (1 min) before the run {load_before:.1f}, after it {os.getloadavg()[0]:.1f}")
    finally:
        cluster.stop()


def _fsync_floor(folder: Path, times: int = 300) -> list[float]:
    """How long the disk takes to make 8 KiB durable, with no server in the way."""
    runs = []
    probe = folder / "fsync_probe"
    descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(times):
            began = time.perf_counter()
            os.pwrite(descriptor, b"\0" * 8192, 0)
            os.fdatasync(descriptor)
            runs.append(time.perf_counter() - began)
    finally:
        os.close(descriptor)
        probe.unlink()
    return runs


def _commit_floor(url: str, times: int = 300, pause: float = 0.0) -> list[float]:
    """How long this server takes to make one small row durable: the floor under every turn. With a
    `pause` before each, as a person's turn comes: on a machine whose idle cores are slow to wake, much
    longer than one straight after another, and the floor under a turn at a pause of seconds."""
    import psycopg

    runs = []
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE IF NOT EXISTS floor_probe (n integer)")
        for n in range(times):
            time.sleep(pause)
            began = time.perf_counter()
            with db.transaction():
                db.execute("INSERT INTO floor_probe VALUES (%s)", (n,))
            runs.append(time.perf_counter() - began)
        db.execute("DROP TABLE floor_probe")
    return runs


def _report_load(args: argparse.Namespace, numbers: dict[str, list], cluster: Cluster, database: str) -> None:
    from convo.store_postgres import PostgresStore

    acknowledged = numbers["acknowledged"]
    lost, events = 0, 0
    with PostgresStore(cluster.url(OWNER, database, team=TEAM)) as check:
        for ident, fingerprints in numbers["seen"]:
            stored = [_fingerprint(event) for event in check.events(ident)]
            events += len(fingerprints)
            lost += sum(1 for n, fingerprint in enumerate(fingerprints)
                        if n >= len(stored) or stored[n] != fingerprint)
    gaps = cluster.sql("SELECT conversation FROM convo_events GROUP BY conversation"
                       " HAVING count(*) <> max(seq) OR min(seq) <> 1", database)
    turns = numbers["practitioner"] + numbers["carer"]
    print(f"\nmany at once: {args.practitioners} practitioners (a role each) and {args.carers} carers (one web"
          f" role), {args.seconds:g} s, a pause of {args.think:g} s on average between answers,"
          f" a process per practitioner and {args.web_processes} for the carers' pages,"
          " PostgreSQL on 127.0.0.1 with fsync on")
    print(f"  answers acknowledged: {len(acknowledged)} ({len(acknowledged) / args.seconds:.0f} a second)")
    print(f"  answers lost: {lost} (of {events} events the clients saw committed, each looked for afterwards)")
    print(f"  sequence conflicts (taken over or clashed): {len(numbers['conflicts'])};"
          f" conversations with a gap in their sequence: {len(gaps)}")
    print(f"  refused as not saved (kept in the box): {len(numbers['refused'])}")
    print(f"  turns the flow asked to have put another way (nothing to save): {len(numbers['not_taken'])}")
    for error in sorted(set(numbers["refused"]))[:3] + sorted(set(numbers["errors"]))[:3]:
        print(f"    {error}")
    print("  turn time      p50       p90       p99       max")
    for name, times in (("practitioner", numbers["practitioner"]), ("carer", numbers["carer"]),
                        ("all", turns), ("…the store's", numbers["append"])):
        if times:
            print(f"  {name:<13} {_ms(_pct(times, 50))} {_ms(_pct(times, 90))} {_ms(_pct(times, 99))}"
                  f" {_ms(max(times))}")


# -- 2. many conversations -----------------------------------------------------------------------

def many_conversations(args: argparse.Namespace) -> None:
    sizes = (0, 10, args.rows)
    print(f"\nmany conversations: none, ten and {args.rows:,}")
    print(f"  store        measure                                    none       ten {args.rows:>9,}  ×none   ×ten")
    with tempfile.TemporaryDirectory() as folder:
        from convo.store import Store

        files = []
        for rows in sizes:
            files.append(Path(folder) / f"{rows}.db")
            with Store(files[-1]) as store:
                began = time.monotonic()
                _fill_sqlite(store, rows)
                filled = time.monotonic() - began
        _compare("SQLite", [str(path) for path in files], lambda db: Store(Path(db)))
        print(f"  (filling SQLite took {filled:.1f} s)")
    cluster = Cluster(tcp=True, durable=True)
    try:
        from convo.store_postgres import PostgresStore

        urls = []
        for rows in sizes:
            database = cluster.database("scale")
            url = cluster.url(OWNER, database)
            with PostgresStore(url) as store:
                team = store.team
            began = time.monotonic()
            _fill_postgres(cluster.url("postgres", database), team, rows)
            filled = time.monotonic() - began
            cluster.sql("ANALYZE", database)
            urls.append(url)
        _compare("PostgreSQL", urls, PostgresStore)
        print(f"  (filling PostgreSQL took {filled:.1f} s)")
    finally:
        cluster.stop()


def _rows(count: int):
    base = datetime(2024, 1, 1, tzinfo=UTC)
    chooser = random.Random(7)
    for n in range(count):
        at = base + timedelta(minutes=n)
        carer = chooser.random() < 0.1
        status = "ended" if chooser.random() < 0.9 else "open"
        yield (f"{at:%Y%m%d}-{n:06x}", "carer" if carer else "three-conversations", 1, "0" * 64,
               "carer" if carer else "practitioner", f"{chooser.choice(ANSWERS)} ({n})", at, at, status)


def _fill_sqlite(store, count: int) -> None:
    with store._transaction():
        store._db.executemany(
            "INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((i, f, v, h, a, t.encode(), c.isoformat(), u.isoformat(), s)
             for i, f, v, h, a, t, c, u, s in _rows(count)))


def _fill_postgres(superuser_url: str, team: str, count: int) -> None:
    """COPY the rows in as the superuser: COPY FROM cannot pass row-level security."""
    import psycopg

    if not count:
        return
    with psycopg.connect(superuser_url) as db, db.transaction(), db.cursor().copy(
            "COPY convo_conversations (id, team, flow, flow_version, flow_hash, audience, title, title_search,"
            " created, updated, status) FROM STDIN") as copy:
        for ident, flow, version, digest, audience, title, created, updated, status in _rows(count):
            copy.write_row((ident, team, flow, version, digest, audience, title.encode(), title.casefold(),
                            created, updated, status))


def _compare(name: str, targets: list[str], opener) -> None:
    """Each measure on every store in turn, so a busy machine slows them all alike."""
    from convo.tui.screens.home import SAVED_PAGE

    stores = [opener(target) for target in targets]
    measures: list[tuple[str, int, Callable]] = [
        ("`convo list --limit 50`, process", 7, lambda db, _: subprocess.run(
            [sys.executable, "-m", "convo.cli", "list", "--limit", "50", "--db", db], check=True,
            capture_output=True)),
        ("list_conversations(limit=50)", 50, lambda _, s: s.list_conversations(limit=50)),
        ("home screen's page (unfinished first)", 50,
         lambda _, s: s.list_conversations(limit=SAVED_PAGE, unfinished_first=True)),
        ("home screen's page, typing 'river'", 10,
         lambda _, s: s.list_conversations(limit=SAVED_PAGE, search="river", unfinished_first=True)),
        ("app's home screen to first rows drawn", 15, lambda _, s: _home_screen(s)),
        ("…to a frame with the whole page of rows", 15, lambda _, s: _home_screen(s, every_row=True)),
        ("every conversation (store.list())", 3, lambda _, s: s.list()),
    ]
    try:
        for label, times, measure in measures:
            runs: list[list[float]] = [[] for _ in targets]
            for attempt in range(times + 1):
                # The stores take turns in a different order each time, each after a full garbage
                # collection: whichever went first paid for the one before's leftovers.
                sides = list(enumerate(zip(targets, stores, strict=True)))
                for side, (db, store) in sides[attempt % len(sides):] + sides[:attempt % len(sides)]:
                    gc.collect()
                    began = time.perf_counter()
                    measure(db, store)
                    if attempt:  # the first of each only warms caches
                        runs[side].append(time.perf_counter() - began)
            none, ten, full = (statistics.median(side) for side in runs)
            ratios = " ".join(f"{full / base:6.2f}" if base >= 0.001 else "     –" for base in (none, ten))
            print(f"  {name:<12} {label:<41}{_ms(none)}{_ms(ten)}{_ms(full)} {ratios}")
    finally:
        for store in stores:
            store.close()


def _home_screen(store, every_row: bool = False) -> float:
    """Seconds from starting the app on `store` until a frame of its home screen is drawn with its first
    saved rows in it (with none, its first frame); `every_row`: with the whole page of rows in the list."""
    from convo.services import Service
    from convo.tui.app import ConvoApp
    from convo.tui.screens.home import SAVED_PAGE, HomeScreen
    from convo.tui.widgets.saved_list import SavedList

    expected = len(store.list_conversations(limit=SAVED_PAGE))
    wanted = expected if every_row else min(expected, 1)

    async def once() -> float:
        began = time.perf_counter()
        app = ConvoApp(Service(store))
        drawn: list[float] = []
        display = app._display  # each frame the screen's compositor has drawn, on its way to the terminal

        def frame(screen, update) -> None:
            if (update is not None and not drawn and isinstance(screen, HomeScreen)
                    and screen.query_one("#saved", SavedList).row_count >= wanted):
                drawn.append(time.perf_counter() - began)
            display(screen, update)

        app._display = frame  # type: ignore[method-assign]
        async with app.run_test(size=(100, 34)) as pilot:
            while not drawn:
                await pilot.pause(0.001)
        return drawn[0]

    return asyncio.run(once())


def _median_of(times: int, call) -> float:
    runs = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def _pct(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--practitioners", type=int, default=50)
    parser.add_argument("--carers", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a client's answers (s)")
    parser.add_argument("--web-processes", type=int, default=2, help="processes serving the carers' pages")
    parser.add_argument("--restart", action="store_true", help="restart the server halfway through")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    # Stopped from outside, still stop the servers it started (their `finally`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not args.skip_load:
        many_at_once(args)
    if not args.skip_scale:
        many_conversations(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
