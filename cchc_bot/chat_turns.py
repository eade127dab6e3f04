"""Whose turn a chat is across processes: a PostgreSQL advisory lock per chat.

With CCHC_INSTANCES=many, several webhook processes behind a round-robin proxy each store
the updates they receive in the inbox (cchc_bot/inbox.py). The process holding a chat's lock
handles every pending update of that chat, lowest `update_id` first, whichever process
received it, and marks each one done before it lets go: so a chat's updates are handled
once and in order however they were spread. A process that finds the lock taken leaves its
update to the holder, which looks again after letting go (`waiting`). The lock lives on a
database connection, so it dies with a killed process; `stale_chats` then finds that
process's chats for a survivor to take over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import zlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from cchc_bot.clock import Clock
from cchc_bot.inbox import APPLIED, DONE, PENDING
from db.models import InboxUpdate

logger = logging.getLogger(__name__)

# The advisory locks' first key (the two-key form never meets the one-key instance lock).
LOCK_SPACE = zlib.crc32(b"cchc-bot chat turn") & 0x7FFFFFFF
# How many stale chats one look returns (the next look takes the rest).
STALE_BATCH = 200


def lock_key(chat_id: int) -> int:
    """The lock's second key: the chat id folded into a signed 32-bit integer.

    Two chats that fold alike only take turns with each other; nothing is handled wrongly.
    """
    folded = chat_id & 0xFFFFFFFF
    return folded - 2**32 if folded >= 2**31 else folded


@dataclass(frozen=True)
class StoredUpdate:
    """An update as the inbox stored it."""

    update_id: int
    payload: dict[str, Any]


class ChatTurn:
    """A chat's lock, held: read what waits in the chat, record what was handled."""

    def __init__(
        self, connection: AsyncConnection, bot_id: int, chat_id: int, clock: Clock
    ) -> None:
        self._connection = connection
        self._bot_id = bot_id
        self.chat_id = chat_id
        self._clock = clock

    def _of_chat(self) -> tuple[Any, ...]:
        return (InboxUpdate.bot_id == self._bot_id, InboxUpdate.chat_id == self.chat_id)

    async def pending(self) -> list[StoredUpdate]:
        """The chat's updates nobody has started on, oldest first."""
        rows = await self._connection.execute(
            select(InboxUpdate.update_id, InboxUpdate.payload)
            .where(*self._of_chat(), InboxUpdate.state == PENDING)
            .order_by(InboxUpdate.update_id)
        )
        return [StoredUpdate(row.update_id, json.loads(row.payload)) for row in rows]

    async def interrupted(self) -> list[int]:
        """Updates of the chat cut short after a side effect: their holder died mid-way.

        Every holder marks its updates done before letting go, so one still `applied` when
        the lock was free was being handled by a process that no longer holds it.
        """
        rows = await self._connection.scalars(
            select(InboxUpdate.update_id)
            .where(*self._of_chat(), InboxUpdate.state == APPLIED)
            .order_by(InboxUpdate.update_id)
        )
        return list(rows)

    async def finish(self, update_ids: Sequence[int]) -> None:
        """Mark updates done now, before the lock goes (no other process may take them)."""
        if not update_ids:
            return
        await self._connection.execute(
            update(InboxUpdate)
            .where(InboxUpdate.bot_id == self._bot_id, InboxUpdate.update_id.in_(update_ids))
            .values(state=DONE, handled_at=self._clock())
        )


class ChatTurns:
    """The chat locks of one bot on one PostgreSQL database, on a pool of their own.

    Each chat being handled holds one connection (in autocommit: a session-level lock with
    no transaction left open), so the pool is sized to the handler slots; the services'
    own pool is never starved by it.
    """

    def __init__(self, database_url: str, bot_id: int, clock: Clock, *, slots: int) -> None:
        self._engine: AsyncEngine = create_async_engine(
            database_url,
            isolation_level="AUTOCOMMIT",
            pool_size=slots + 2,
            max_overflow=2,
            pool_pre_ping=True,
            hide_parameters=True,
        )
        self.bot_id = bot_id
        self._clock = clock

    @contextlib.asynccontextmanager
    async def take(self, chat_id: int) -> AsyncIterator[ChatTurn | None]:
        """Hold the chat's lock for the block, or yield None at once if a process has it."""
        async with self._engine.connect() as connection:
            key = (LOCK_SPACE, lock_key(chat_id))
            taken = await connection.scalar(select(func.pg_try_advisory_lock(*key)))
            if not taken:
                yield None
                return
            try:
                yield ChatTurn(connection, self.bot_id, chat_id, self._clock)
            finally:
                await _unlock(connection, key)

    async def waiting(self, chat_id: int) -> bool:
        """Whether the chat has an update nobody has started on (looked at after letting go)."""
        async with self._engine.connect() as connection:
            found = await connection.scalar(
                select(InboxUpdate.update_id)
                .where(
                    InboxUpdate.bot_id == self.bot_id,
                    InboxUpdate.chat_id == chat_id,
                    InboxUpdate.state == PENDING,
                )
                .limit(1)
            )
        return found is not None

    async def stale_chats(self, older_than: dt.timedelta) -> list[int]:
        """Chats with an update received before `older_than` ago and not finished yet."""
        async with self._engine.connect() as connection:
            rows = await connection.scalars(
                select(InboxUpdate.chat_id)
                .where(
                    InboxUpdate.bot_id == self.bot_id,
                    InboxUpdate.state.in_((PENDING, APPLIED)),
                    InboxUpdate.chat_id.is_not(None),
                    InboxUpdate.received_at <= self._clock() - older_than,
                )
                .distinct()
                .limit(STALE_BATCH)
            )
            return [chat for chat in rows if chat is not None]

    async def close(self) -> None:
        """Close the pool (every lock was given back by then)."""
        await self._engine.dispose()


async def _unlock(connection: AsyncConnection, key: tuple[int, int]) -> None:
    try:
        await connection.scalar(select(func.pg_advisory_unlock(*key)))
    except BaseException:
        # A connection that cannot say "unlock" is dropped: PostgreSQL frees its locks.
        logger.warning("could not give a chat lock back; dropping its connection")
        with contextlib.suppress(Exception):
            await connection.invalidate()
        raise
