"""Wrong resume codes, counted per client: after a few, each next try must wait longer (up to a
minute, as in the terminal), so codes cannot be guessed at speed. A right code does not reset the
count, or one known code would let a guesser start afresh; the count is forgotten after an hour."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from convo import carer

FORGET_AFTER = 3600
MOST_CLIENTS = 10_000  # beyond this, the oldest counts are dropped first


@dataclass
class _Count:
    wrong: int
    last: float
    until: float  # no code is checked for this client before then


class WrongCodes:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def wait(self, client: str) -> int:
        """Seconds this client must still wait before a code is checked (0: check it now)."""
        with self._lock:
            count = self._current(client)
            return max(0, round(count.until - self._clock() + 0.49)) if count else 0

    def refused(self, client: str) -> tuple[int, int]:
        """Count a wrong code; return how many this client has had and the seconds to wait now."""
        now = self._clock()
        with self._lock:
            count = self._current(client) or _Count(0, now, now)
            count.wrong += 1
            count.last = now
            wait = carer.code_wait(count.wrong)
            count.until = now + wait
            self._counts[client] = count
            if len(self._counts) > MOST_CLIENTS:
                oldest = min(self._counts, key=lambda key: self._counts[key].last)
                del self._counts[oldest]
            return count.wrong, wait

    def _current(self, client: str) -> _Count | None:
        count = self._counts.get(client)
        if count is not None and self._clock() - count.last > FORGET_AFTER:
            del self._counts[client]
            return None
        return count
