"""Injected time: services ask a clock for "now" instead of reading the system time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The real current instant, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class MovableClock:
    """A clock that starts at a chosen instant and runs on from there (sandbox, tests)."""

    def __init__(self, start: dt.datetime, *, frozen: bool = False) -> None:
        if start.tzinfo is None:
            raise ValueError("MovableClock needs an aware datetime")
        self._offset = start - system_clock()
        self._frozen_at: dt.datetime | None = start if frozen else None

    def __call__(self) -> dt.datetime:
        """Return the clock's current instant."""
        if self._frozen_at is not None:
            return self._frozen_at
        return system_clock() + self._offset

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move the clock forward (or back) and return the new instant."""
        if self._frozen_at is not None:
            self._frozen_at += delta
            return self._frozen_at
        self._offset += delta
        return self()

    def set(self, instant: dt.datetime) -> None:
        """Jump to an instant."""
        if instant.tzinfo is None:
            raise ValueError("MovableClock needs an aware datetime")
        if self._frozen_at is not None:
            self._frozen_at = instant
        else:
            self._offset = instant - system_clock()
