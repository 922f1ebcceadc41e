"""The injectable clock behind every time-dependent behaviour.

Production code asks ``ctx.clock.now()``; tests use :class:`FrozenClock` and move it
instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class Clock:
    """Wall-clock time, in UTC."""

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), timezone.utc)


class FrozenClock(Clock):
    """A clock that stands still until moved (thread-safe)."""

    def __init__(self, start: float | datetime | None = None):
        if isinstance(start, datetime):
            start = start.timestamp()
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float | timedelta) -> None:
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        with self._lock:
            self._now += seconds

    def set(self, when: float | datetime) -> None:
        with self._lock:
            self._now = when.timestamp() if isinstance(when, datetime) else float(when)
