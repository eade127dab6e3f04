"""Counting the bot's requests in flight, so that waiting for "idle" means what it says."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from cchc_bot.local_bot_api.model.state import TelegramState


class Flight:
    """Counts a bot request as in flight until it lands (once)."""

    def __init__(self, state: TelegramState) -> None:
        self._state = state
        self._landed = False
        state.requests_in_flight += 1
        state.signal.bump()

    def land(self) -> None:
        """The request is answered or abandoned: it no longer keeps the bot busy."""
        if not self._landed:
            self._landed = True
            self._state.requests_in_flight -= 1
            self._state.signal.bump()


async def pause(state: TelegramState, seconds: float, *, closing: Callable[[], bool]) -> None:
    """Sleep, but wake up when the server stops."""
    with contextlib.suppress(TimeoutError):
        await state.signal.wait_for(closing, seconds)
