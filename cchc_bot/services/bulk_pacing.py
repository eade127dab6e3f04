"""Bulk sends paced across processes: one shared timetable of one-message slots in the database.

The bot's reminder tick and a `cchc-bot remind` run beside it (cron, an operator) both fan out
reminders; each paced at 29 a second on its own would put 58 into a second together. So every
bulk message first takes a slot: slot k starts k / 29 seconds after the Unix epoch, one message
per slot whichever process holds it, taken as the next slot after the latest one taken (so
processes interleave), and never one that started more than half a slot ago, inside the
transaction that claims the reminder (no extra commit). The sender sleeps until its slot
starts, then sends. In-process pacing (`cchc_bot.pacing`) still
applies on top: it counts the process's replies and keeps one chat to a message a second.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.pacing import BULK_PER_SECOND
from db.models import BulkSendSlot

KEEP_SECONDS = 60  # slots older than this are dropped (one process in 256 slots does it)
ATTEMPTS = 16  # another process took the slot we read as free: read again


@dataclass
class BulkPacing:
    """The shared bulk-send timetable: `per_second` slots a second on the wall clock."""

    per_second: int = BULK_PER_SECOND
    wall_clock: Callable[[], float] = field(default=time.time)
    sleep: Callable[[float], Awaitable[object]] = field(default=asyncio.sleep)

    def starts_at(self, slot: int) -> float:
        """The wall-clock second a slot starts."""
        return slot / self.per_second

    async def reserve(self, session: AsyncSession) -> int:
        """Take the next free slot from now on, in the caller's transaction."""
        # The earliest slot that started at most half a slot ago: a sender a little late for
        # a slot still takes it (the in-process pacer keeps it from bunching with the next).
        first = math.ceil(self.wall_clock() * self.per_second - 0.5)
        dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        module = postgresql if dialect == "postgresql" else sqlite
        latest = (
            select(func.max(BulkSendSlot.slot)).where(BulkSendSlot.slot >= first).scalar_subquery()
        )
        # One statement reads the latest slot and takes the one after it. Another process
        # doing the same at once conflicts on the key: its insert does nothing and it asks again.
        statement = (
            module.insert(BulkSendSlot)
            .from_select(["slot"], select(func.coalesce(latest + 1, first)))
            .on_conflict_do_nothing(index_elements=["slot"])
            .returning(BulkSendSlot.slot)
        )
        for _ in range(ATTEMPTS):
            slot = await session.scalar(statement)
            if slot is not None:
                if slot % 256 == 0:
                    horizon = first - KEEP_SECONDS * self.per_second
                    await session.execute(delete(BulkSendSlot).where(BulkSendSlot.slot < horizon))
                return int(slot)
        raise RuntimeError("no bulk-send slot free after several attempts")

    async def wait_for(self, slot: int) -> float:
        """Sleep until `slot` starts; return the seconds slept (0 when it has started)."""
        delay = self.starts_at(slot) - self.wall_clock()
        if delay <= 0:
            return 0.0
        await self.sleep(delay)
        return delay
