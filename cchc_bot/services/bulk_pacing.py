"""Bulk sends across processes: one sender at a time, by a lease in the database.

The bot's reminder tick and a `cchc-bot remind` run beside it (cron, an operator) both fan out
reminders; each paced at 29 a second on its own would put 58 into a second together. So a
process sends bulk messages only while it holds the `bulk_send_lease` row: taken when it
finds reminders to send, renewed every `RENEW_SECONDS` while it sends, released when done,
and free again `LEASE_SECONDS` after its last renewal if the process died. Another process
waits for it (its reminders are then mostly claimed and sent already, which it finds out
by claiming). Within the holder, `cchc_bot.pacing` paces every message in a sliding second
(replies counted): a lease rather than a shared timetable, so a sender that fell behind for a
moment catches up within the window instead of losing the time. The lease is re-entrant in
one process (the tick and a coordinator's /remind share it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from db.models import BulkSendLease
from db.session import SessionFactory

logger = logging.getLogger(__name__)

LEASE_NAME = "bulk-sends"
LEASE_SECONDS = 5.0
RENEW_SECONDS = 1.0
POLL_SECONDS = 0.25


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_holder() -> str:
    """A name for this process in the lease row: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class BulkSendLeaseHolder:
    """This process's hold on the bulk-send lease: re-entrant, renewed, released when unused."""

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        holder: str | None = None,
        wall_clock: Callable[[], dt.datetime] = _utc_now,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._sessions = sessions
        self.holder = holder or new_holder()
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._users = 0
        self._renewed_at: dt.datetime | None = None
        self._lock = asyncio.Lock()

    async def try_take(self) -> bool:
        """Take (or renew) the lease if it is free, expired or ours; True if we hold it."""
        now = self._wall_clock()
        expires = now + dt.timedelta(seconds=LEASE_SECONDS)
        async with self._sessions.begin() as session:
            dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
            module = postgresql if dialect == "postgresql" else sqlite
            table = BulkSendLease.__table__
            statement = (
                module.insert(BulkSendLease)
                .values(name=LEASE_NAME, holder=self.holder, expires_at=expires)
                .on_conflict_do_update(
                    index_elements=["name"],
                    set_={"holder": self.holder, "expires_at": expires},
                    where=(table.c.holder == self.holder) | (table.c.expires_at < now),
                )
                .returning(BulkSendLease.holder)
            )
            taken = await session.scalar(statement)
        if taken == self.holder:
            self._renewed_at = now
            return True
        return False

    async def take(self) -> float:
        """Wait until the lease is ours; return the seconds waited."""
        waited = 0.0
        while not await self.try_take():
            await self._sleep(POLL_SECONDS)
            waited += POLL_SECONDS
        if waited:
            logger.info("bulk-send lease taken after waiting", extra={"seconds": waited})
        return waited

    async def keep(self) -> None:
        """Renew the lease when due (call before each send); wait for it again if it was lost."""
        renewed = self._renewed_at
        if renewed is not None and self._wall_clock() - renewed < dt.timedelta(
            seconds=RENEW_SECONDS
        ):
            return
        async with self._lock:
            if not await self.try_take():
                logger.warning("bulk-send lease lost (this process stalled): waiting for it")
                await self.take()

    async def release(self) -> None:
        """Give the lease up now, if it is ours."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(BulkSendLease)
                .where(BulkSendLease.name == LEASE_NAME, BulkSendLease.holder == self.holder)
                .values(expires_at=self._wall_clock() - dt.timedelta(seconds=1))
            )
        self._renewed_at = None

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Hold the lease for the block (shared with other blocks of this process)."""
        async with self._lock:
            if self._users == 0:
                await self.take()
            self._users += 1
        try:
            yield
        finally:
            async with self._lock:
                self._users -= 1
                if self._users == 0:
                    await self.release()
