"""Durable inbox of Telegram updates: stored before they are acknowledged, handled at most once.

The guarantee (README, "Crash safety"):

* An update is acknowledged to Telegram (the next `getUpdates` offset, or the webhook's 200)
  only after it is stored here, so a crash never loses one: on start, stored updates that
  were not handled yet are handled first, in order.
* A redelivered update (same `update_id`: a webhook retry, a poll repeated after a crash) is
  ignored: its row exists, or its id is at or below the bot's high-water mark.
* An update is handled to completion at most once. The first side effect of its handler (a
  committed database change, recorded in that same transaction, or a Telegram call other than
  a read, recorded just before it) marks it `applied`. An update that was `applied` when the
  process died is never handled again (its answer may already be stored: handling it again
  would make it the answer to the next question); its chat is told to check where it stands.
  So if the process dies between the handler's commit and its reply, the change is kept
  exactly once and the reply is replaced by that notice. The notice is sent at least once
  (the rows are closed after it went out), and `done` marks are written in batches, so an
  update finished in the last DONE_DELAY before a crash may get the notice too.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from cchc_bot.clock import Clock
from db.models import InboxUpdate, UpdateMark
from db.session import SessionFactory

logger = logging.getLogger(__name__)

PENDING = "pending"
APPLIED = "applied"
DONE = "done"

# Telegram keeps an unacknowledged update for 24 hours: a handled row older than this can no
# longer be redelivered, so it is folded into the high-water mark and deleted.
RETENTION = dt.timedelta(days=2)
# How long finished updates wait to be marked done together (one commit for all of them).
DONE_DELAY = 0.05

_INBOX_SESSION = "cchc_inbox_session"
_WROTE = "cchc_wrote"
_MARKS = "cchc_marks_applied"


@dataclass
class InFlight:
    """The update being handled in this task (a context variable), and what it did so far."""

    inbox: UpdateInbox | None
    update_id: int | None
    applied: bool = False
    error: str | None = None
    # Set when the handler returned: a task it spawned (a job scheduled from a handler copies
    # its context) must not record its own side effects against this update.
    closed: bool = False
    # Set when another process holds the chat's turn and handles this update (or did): this
    # process must not mark it done (cchc_bot/chat_turns.py).
    handed_over: bool = False


_current: contextvars.ContextVar[InFlight | None] = contextvars.ContextVar(
    "cchc_update_in_flight", default=None
)


def current() -> InFlight | None:
    """The update this task is handling, if it came through the inbox."""
    return _current.get()


@contextlib.contextmanager
def handling(inbox: UpdateInbox | None, update_id: int | None) -> Iterator[InFlight]:
    """Mark this task as handling an update, so its side effects are recorded against it."""
    in_flight = InFlight(inbox, update_id)
    token = _current.set(in_flight)
    try:
        yield in_flight
    finally:
        in_flight.closed = True
        _current.reset(token)


def record_error(error: BaseException | None) -> None:
    """Note that the handler of the current update raised (the error handler calls this)."""
    in_flight = _current.get()
    if in_flight is not None and not in_flight.closed:
        in_flight.error = type(error).__name__ if error is not None else "error"


async def before_side_effect() -> None:
    """Mark the current update `applied` before its first message goes out (idempotent)."""
    in_flight = _current.get()
    if (
        in_flight is None
        or in_flight.applied
        or in_flight.closed
        or in_flight.inbox is None
        or in_flight.update_id is None
    ):
        return
    await in_flight.inbox.mark_applied(in_flight.update_id)
    in_flight.applied = True


@dataclass
class Recovery:
    """What start-up found: updates to handle now, and chats whose update was interrupted."""

    replay: list[dict[str, Any]] = field(default_factory=list)
    interrupted_chats: list[int] = field(default_factory=list)
    interrupted_ids: list[int] = field(default_factory=list)

    @property
    def interrupted(self) -> int:
        """How many updates were cut short after a side effect."""
        return len(self.interrupted_ids)


def bot_id_of(token: str) -> int:
    """The bot's numeric id: the part of its token before the colon."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


class UpdateInbox:
    """The `update_inbox` rows of one bot: admit, mark applied or done, recover on start."""

    def __init__(self, session_factory: SessionFactory, bot_id: int, clock: Clock) -> None:
        self._sessions = session_factory
        self.bot_id = bot_id
        self._clock = clock
        self._sync_engine = session_factory.kw["bind"].sync_engine
        # The mark only rises when this process prunes (another process's prune covers rows
        # older than Telegram redelivers), so it is read once and kept.
        self._handled_through: int | None = None
        self._done: list[int] = []
        self._verdicts: dict[int, bool] = {}
        self._flushing: asyncio.Task[None] | None = None

    def _begin(self) -> Any:
        session = self._sessions(info={_INBOX_SESSION: True})
        return session, session.begin()

    def owns(self, session: Session) -> bool:
        """Whether a session works on this inbox's database."""
        bind = session.get_bind()
        engine = getattr(bind, "engine", bind)
        return engine is self._sync_engine

    async def admit(self, update_id: int, chat_id: int | None, payload: dict[str, Any]) -> bool:
        """Store a fetched update as pending; False if it was seen before (a redelivery)."""
        return update_id in await self.admit_many([(update_id, chat_id, payload)])

    async def admit_many(
        self, updates: Sequence[tuple[int, int | None, dict[str, Any]]]
    ) -> set[int]:
        """Store a batch of fetched updates in one transaction; return the ids that are new."""
        session, transaction = self._begin()
        async with session, transaction:
            if self._handled_through is None:
                mark = await session.get(UpdateMark, self.bot_id)
                self._handled_through = mark.handled_through if mark is not None else -1
            now = self._clock()
            rows = [
                {
                    "bot_id": self.bot_id,
                    "update_id": update_id,
                    "chat_id": chat_id,
                    "payload": json.dumps(payload, ensure_ascii=False),
                    "state": PENDING,
                    "received_at": now,
                }
                for update_id, chat_id, payload in updates
                if update_id > self._handled_through
            ]
            if not rows:
                return set()
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            result = await session.execute(
                insert(InboxUpdate)
                .values(rows)
                .on_conflict_do_nothing()
                .returning(InboxUpdate.update_id)
            )
            return set(result.scalars())

    def note_batch(self, fresh: set[int], seen: Iterable[int]) -> None:
        """Remember which updates of a stored batch are new, for the queue to sort them."""
        for update_id in seen:
            self._verdicts[update_id] = update_id in fresh

    def verdict(self, update_id: int) -> bool | None:
        """Whether a batch-stored update is new (True), a redelivery (False), or unknown."""
        return self._verdicts.pop(update_id, None)

    async def mark_applied(self, update_id: int) -> None:
        """Record that the update had a side effect, so it is never handled again."""
        session, transaction = self._begin()
        async with session, transaction:
            await session.execute(
                update(InboxUpdate)
                .where(
                    InboxUpdate.bot_id == self.bot_id,
                    InboxUpdate.update_id == update_id,
                    InboxUpdate.state == PENDING,
                )
                .values(state=APPLIED)
            )

    async def mark_done(self, update_id: int) -> None:
        """Record that the update's handler returned (written with others within DONE_DELAY).

        Batching saves a commit per update; a crash before the write only makes a finished
        update look interrupted (its chat gets the notice) or, without side effects, replayed.
        """
        self._done.append(update_id)
        if self._flushing is None:
            self._flushing = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(DONE_DELAY)
        self._flushing = None
        try:
            await self._write_done()
        except Exception:  # the rows stay open: the next start closes them
            logger.warning("could not mark updates done", exc_info=True)

    async def close(self, update_ids: Sequence[int]) -> None:
        """Mark updates done now (interrupted ones, once their chats were told)."""
        self._done.extend(update_ids)
        await self.flush()

    async def flush(self) -> None:
        """Write the pending `done` marks now (on a clean stop)."""
        if self._flushing is not None:
            self._flushing.cancel()
            self._flushing = None
        await self._write_done()

    async def _write_done(self) -> None:
        ids, self._done = self._done, []
        if not ids:
            return
        session, transaction = self._begin()
        async with session, transaction:
            await session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.bot_id == self.bot_id, InboxUpdate.update_id.in_(ids))
                .values(state=DONE, handled_at=self._clock())
            )

    async def recover(self, *, older_than: dt.timedelta | None = None) -> Recovery:
        """On start: pending updates to handle again, interrupted ones to tell; prune old rows.

        Interrupted updates stay open until `close` (after their chats were told), so a crash
        in between tells them again rather than never.

        `older_than` leaves younger rows alone: another live process (CCHC_INSTANCES=many) may
        be handling them right now.
        """
        now = self._clock()
        recovery = Recovery()
        session, transaction = self._begin()
        async with session, transaction:
            query = select(InboxUpdate).where(
                InboxUpdate.bot_id == self.bot_id, InboxUpdate.state != DONE
            )
            if older_than is not None:
                query = query.where(InboxUpdate.received_at <= now - older_than)
            for row in (await session.scalars(query.order_by(InboxUpdate.update_id))).all():
                if row.state == PENDING:
                    recovery.replay.append(json.loads(row.payload))
                    continue
                recovery.interrupted_ids.append(row.update_id)
                if row.chat_id is not None and row.chat_id not in recovery.interrupted_chats:
                    recovery.interrupted_chats.append(row.chat_id)
            await self._prune(session, now)
        return recovery

    async def _prune(self, session: Any, now: dt.datetime) -> None:
        old = (
            InboxUpdate.bot_id == self.bot_id,
            InboxUpdate.state == DONE,
            InboxUpdate.received_at < now - RETENTION,
        )
        newest = await session.scalar(
            select(InboxUpdate.update_id)
            .where(*old)
            .order_by(InboxUpdate.update_id.desc())
            .limit(1)
        )
        if newest is None:
            return
        mark = await session.get(UpdateMark, self.bot_id)
        if mark is None:
            mark = UpdateMark(bot_id=self.bot_id, handled_through=newest)
            session.add(mark)
        else:
            mark.handled_through = max(mark.handled_through, newest)
        self._handled_through = mark.handled_through
        await session.execute(delete(InboxUpdate).where(*old))


# Built once: the mark rides in every answer's transaction (a statement's cache key is memoized).
_MARK_APPLIED = (
    update(InboxUpdate)
    .where(
        InboxUpdate.bot_id == bindparam("inbox_bot_id"),
        InboxUpdate.update_id == bindparam("inbox_update_id"),
        InboxUpdate.state == PENDING,
    )
    .values(state=APPLIED)
)


# -- recording a handler's commit in its own transaction ------------------------------------


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Engine, "after_execute")
def _note_core_write(
    connection: Connection, clause: Any, _multi: Any, _params: Any, _options: Any, _result: Any
) -> None:
    # Services write drafts with Core statements on the session's connection, which the ORM
    # events above do not see; the flag lives until that connection's transaction ends.
    if getattr(clause, "is_dml", False) and _current.get() is not None:
        connection.info[_WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_core_write(connection: Connection) -> None:
    connection.info.pop(_WROTE, None)


def _connection_wrote(session: Session) -> bool:
    if not session.in_transaction():
        return False
    return bool(session.connection().info.get(_WROTE))


@event.listens_for(Session, "before_commit")
def _mark_applied_with_the_change(session: Session) -> None:
    in_flight = _current.get()
    info = session.info
    if (
        in_flight is None
        or in_flight.inbox is None
        or in_flight.applied
        or in_flight.closed
        or info.get(_INBOX_SESSION)
        or not (
            info.get(_WROTE)
            or session.new
            or session.dirty
            or session.deleted
            or _connection_wrote(session)
        )
        or not in_flight.inbox.owns(session)
    ):
        return
    session.connection().execute(
        _MARK_APPLIED,
        {"inbox_bot_id": in_flight.inbox.bot_id, "inbox_update_id": in_flight.update_id},
    )
    info[_MARKS] = True


@event.listens_for(Session, "after_commit")
def _remember_applied(session: Session) -> None:
    info = session.info
    in_flight = _current.get()
    if info.pop(_MARKS, False) and in_flight is not None:
        in_flight.applied = True
    info.pop(_WROTE, None)


@event.listens_for(Session, "after_rollback")
def _forget_writes(session: Session) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop(_MARKS, None)
