"""A change counter with a wake-up: every change to the simulated world wakes its waiters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class ChangeSignal:
    """Wakes every waiter whenever the simulated world changes; counts the changes."""

    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()

    def changed_since(self, version: int) -> bool:
        """Whether anything changed after `version` was read."""
        return self.version != version

    def bump(self) -> None:
        """Record a change and wake everyone waiting for one."""
        self.version += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], within: float | None) -> None:
        """Return once `predicate()` holds; raise TimeoutError after `within` seconds."""
        async with asyncio.timeout(within):
            while not predicate():
                await self._event.wait()
