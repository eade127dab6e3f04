"""Bulk sends paced across processes: one shared timetable of one-message slots in the database.

The bot's reminder tick and a `cchc-bot remind` run beside it (cron, an operator) both fan out
reminders; each paced at 29 a second on its own would put 58 into a second together. So every
bulk message first takes a slot: slot k starts k / 29 seconds after the Unix epoch, one message
per slot whichever process holds it, taken as the next slot after the latest one taken (so
processes interleave) and never one that started more than half a slot ago. A sender takes
`AHEAD` slots at a time in the background (`SlotSupply`), so neither the claim of a reminder
nor its send waits for the timetable's transaction; it sleeps until its next slot starts,
then sends. Slots a sender took and did not use (it stopped, or ran late) are left empty.
In-process pacing (`cchc_bot.pacing`) still applies on top: it counts the process's replies
and keeps one chat to a message a second.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.pacing import BULK_PER_SECOND
from db.models import BulkSendSlot
from db.session import SessionFactory

AHEAD = 4  # slots a sender holds ahead of time: about a seventh of a second at 29 a second
KEEP_SECONDS = 60  # slots older than this are dropped (now and then, by whoever takes slots)
ATTEMPTS = 16  # another process took the slots we read as free: read again


@dataclass
class BulkPacing:
    """The shared bulk-send timetable: `per_second` slots a second on the wall clock."""

    per_second: int = BULK_PER_SECOND
    wall_clock: Callable[[], float] = field(default=time.time)
    sleep: Callable[[float], Awaitable[object]] = field(default=asyncio.sleep)

    def starts_at(self, slot: int) -> float:
        """The wall-clock second a slot starts."""
        return slot / self.per_second

    def earliest(self) -> int:
        """The earliest slot a sender may still use now: one that started at most half ago."""
        # A sender a little late for a slot still takes it (the in-process pacer keeps it
        # from bunching with the next).
        return math.ceil(self.wall_clock() * self.per_second - 0.5)

    async def reserve(self, session: AsyncSession, count: int = 1) -> list[int]:
        """Take the next `count` free slots from now on, in the caller's transaction."""
        first = self.earliest()
        dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        module = postgresql if dialect == "postgresql" else sqlite
        latest = (
            select(func.max(BulkSendSlot.slot)).where(BulkSendSlot.slot >= first).scalar_subquery()
        )
        start = func.coalesce(latest + 1, first)
        taken: list[int] = []
        for _ in range(ATTEMPTS):
            wanted = count - len(taken)
            # One statement reads the latest slot and takes the ones after it. Another
            # process doing the same at once conflicts on the key: those rows are skipped
            # and the rest asked for again after its latest.
            rows = (
                union_all(*(select((start + offset).label("slot")) for offset in range(wanted)))
                if wanted > 1
                else select(start)
            )
            result = await session.scalars(
                module.insert(BulkSendSlot)
                .from_select(["slot"], rows)
                .on_conflict_do_nothing(index_elements=["slot"])
                .returning(BulkSendSlot.slot)
            )
            taken += [int(slot) for slot in result]
            if len(taken) == count:
                if any(slot % 256 < count for slot in taken):  # now and then: drop old slots
                    horizon = first - KEEP_SECONDS * self.per_second
                    await session.execute(delete(BulkSendSlot).where(BulkSendSlot.slot < horizon))
                return sorted(taken)
        raise RuntimeError("no bulk-send slot free after several attempts")

    async def wait_for(self, slot: int) -> float:
        """Sleep until `slot` starts; return the seconds slept (0 when it has started)."""
        delay = self.starts_at(slot) - self.wall_clock()
        if delay <= 0:
            return 0.0
        await self.sleep(delay)
        return delay


class SlotSupply:
    """One sender's next slots of the timetable, taken `AHEAD` at a time in the background."""

    def __init__(self, pacing: BulkPacing, sessions: SessionFactory, ahead: int = AHEAD) -> None:
        self._pacing = pacing
        self._sessions = sessions
        self._ahead = ahead
        self._slots: deque[int] = deque()
        self._refill: asyncio.Task[None] | None = None

    async def next(self) -> int:
        """The next slot to send in (one still usable now); take more when running low."""
        while True:
            earliest = self._pacing.earliest()
            while self._slots and self._slots[0] < earliest:
                self._slots.popleft()  # ran late: that slot stays empty
            refill = self._refill
            if refill is not None and refill.done():
                self._refill = None
                refill.result()  # a take that failed fails the send here
                refill = None
            if refill is None and len(self._slots) <= self._ahead // 2:
                refill = self._refill = asyncio.create_task(self._take())
            if self._slots:
                return self._slots.popleft()
            assert refill is not None
            await refill

    async def _take(self) -> None:
        async with self._sessions.begin() as session:
            slots = await self._pacing.reserve(session, self._ahead)
        self._slots.extend(slots)  # all after every slot taken before, ours included

    async def close(self) -> None:
        """Wait for a background take to finish (its slots are left unused)."""
        refill, self._refill = self._refill, None
        if refill is not None:
            await refill
