"""Progress lines for long steps: done of total, rate and time left, every few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

SECONDS_BETWEEN_LINES = 10.0


class Progress:
    """Call with the count done so far; logs when the last line is old enough, and at the end."""

    def __init__(
        self, log: Callable[[str], None], noun: str, *, every: float = SECONDS_BETWEEN_LINES
    ):
        self._log = log
        self._noun = noun
        self._every = every
        self._started = time.monotonic()
        self._last_line = self._started

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last_line < self._every:
            return
        self._last_line = now
        elapsed = now - self._started
        rate = done / elapsed if elapsed > 0 else float("inf")
        left = f", ETA {(total - done) / rate:.0f}s" if 0 < rate < float("inf") else ""
        self._log(f"{done}/{total} {self._noun} ({rate:.1f}/s{left})")
