"""The server's own notion of time: any callable answering an aware datetime, and a settable one.

The product's clocks (`cchc_bot.clock`) fit `Clock` structurally; this package needs none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The real current instant, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class SetClock:
    """A clock set to an instant: frozen there, or running on from it."""

    def __init__(self, start: dt.datetime, *, frozen: bool = False) -> None:
        if start.tzinfo is None:
            raise ValueError("the server clock needs an aware datetime")
        self._start = start
        self._set_at = system_clock()
        self._frozen = frozen

    def __call__(self) -> dt.datetime:
        """The clock's current instant."""
        if self._frozen:
            return self._start
        return self._start + (system_clock() - self._set_at)
