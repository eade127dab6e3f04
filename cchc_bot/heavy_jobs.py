"""Heavy jobs (status, exports, charts, drafts): a per-process cap and loop-friendly steps."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

# Two heavy jobs at once per process: a third coordinator is told to try again rather than
# queued, so files being built never take more than a share of the two cores from answers.
DEFAULT_LIMIT = 2
# Items handled between two returns to the event loop: at 2,000 units a unit's row costs
# 0.1-0.5 ms, so a stretch stays within a few milliseconds.
PACE_EVERY = 16


class HeavyJobs:
    """Counts the heavy jobs running in this process and refuses one over the limit."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError("the heavy-job limit must be at least 1")
        self.limit = limit
        self.running = 0

    def try_start(self) -> bool:
        """Take a slot if one is free (True) or report that all are busy (False)."""
        if self.running >= self.limit:
            return False
        self.running += 1
        return True

    def finish(self) -> None:
        """Give back the slot taken by `try_start`."""
        self.running = max(0, self.running - 1)


async def paced(items: Iterable[T], every: int = PACE_EVERY) -> AsyncIterator[T]:
    """Yield the items, returning to the event loop after every `every` of them."""
    for index, item in enumerate(items, start=1):
        yield item
        if index % every == 0:
            await asyncio.sleep(0)
