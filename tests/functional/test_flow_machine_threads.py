"""Many conversations moving through one flow at once, as the web pages' threads and a duty desk's
writers do: each keeps its own way through, and none enters another's stage."""

from __future__ import annotations

import threading

from convo import library
from convo.engine.machine import Cursor
from convo.flow.loader import END


class _Plain:
    """Facts of a conversation that has said one thing in each place and chosen nothing."""

    audience = "practitioner"

    def count(self, name: str) -> int:
        return 1

    def visited(self, stage: str) -> bool:
        return False

    def skipped(self, stage: str) -> bool:
        return False

    def choice(self, stage: str) -> str | None:
        return None


def _walk(flow: str) -> list[tuple[str, int | None]]:
    _, machine = library.get(flow)
    cursor, facts = Cursor(), _Plain()
    machine.join(cursor)
    try:
        way = [(machine.stage(cursor), cursor.outcome)]
        while way[-1][0] != END and len(way) < 60:
            way.append(machine.advance(cursor, facts))
        return way
    finally:
        machine.leave(cursor)


def test_conversations_moving_at_once_through_one_flow_each_keep_their_own_way():
    expected = {flow: _walk(flow) for flow in ("what-matters", "three-conversations")}
    assert all(len(way) > 5 for way in expected.values())
    failures: list[BaseException] = []
    wrong: list[str] = []

    def walker(flow: str) -> None:
        try:
            for _ in range(40):
                if (way := _walk(flow)) != expected[flow]:
                    wrong.append(f"{flow}: {way}")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=walker, args=(flow,)) for flow in expected for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and wrong == []
