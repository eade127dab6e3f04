"""Engine and session factory: SQLite (stock aiosqlite, WAL, one writer in turn) or PostgreSQL.

On a SQLite file every transaction of an engine runs on its one pooled connection
(`pool_size=1, max_overflow=0`), taken in arrival order: SQLite allows one writer at a time
anyway, so queueing in the pool costs nothing and spares writers SQLite's busy handler, whose
sleeps grow with every retry. Statements run in aiosqlite's worker thread, never on the event
loop. Another process holding the file (a CLI command, a second bot) is waited for by SQLite's
busy handler in that thread, up to `SQLITE_LOCK_TIMEOUT`. `PRAGMA synchronous=FULL` by default,
so an acknowledged answer survives a power cut (DESIGN decision 1).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_, compat
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty

SessionFactory = async_sessionmaker[AsyncSession]
Synchronous = Literal["full", "normal"]

SQLITE_LOCK_TIMEOUT = 30.0  # seconds a transaction waits for another writer before failing
SQLITE_SYNCHRONOUS: Synchronous = "full"


def is_sqlite(url: str) -> bool:
    """Tell whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


class FifoQueue(AsyncAdaptedQueue[ConnectionPoolEntry]):
    """The async pool's queue, made fair: connections go to waiters strictly in arrival order.

    `asyncio.Queue` lets a newcomer take a connection that was just handed to a waiter whose
    task has not run yet (the waiter then queues again, at the back); waiting on an
    `asyncio.Lock` first, which never lets a newcomer pass a waiter, keeps the order.
    """

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._turn: asyncio.Lock | None = None

    def get(self, block: bool = True, timeout: float | None = None) -> ConnectionPoolEntry:
        """Take a connection, after every earlier waiter has had theirs."""
        if not block:
            return self.get_nowait()
        if self._turn is None:
            self._turn = asyncio.Lock()
        try:
            if timeout is None:
                return await_(self._fair_get(self._turn))
            return await_(compat.wait_for(timeout, self._fair_get, self._turn))
        except TimeoutError as error:
            raise Empty() from error

    async def _fair_get(self, turn: asyncio.Lock) -> ConnectionPoolEntry:
        async with turn:
            return await self._queue.get()


class FifoPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's async queue pool with the fair queue above."""

    _queue_class = FifoQueue


def create_engine(
    url: str,
    *,
    echo: bool = False,
    synchronous: Synchronous = SQLITE_SYNCHRONOUS,
    lock_timeout: float = SQLITE_LOCK_TIMEOUT,
    readers: int = 0,
) -> AsyncEngine:
    """Create the async engine (bound parameters never appear in errors or logs).

    On SQLite: WAL, foreign keys, `BEGIN IMMEDIATE`, `PRAGMA synchronous` as given, and for a
    file one connection taken in turn; `lock_timeout` bounds the wait for another writer.
    `readers` > 0: a read-only engine of that many connections on the same file (deferred
    `BEGIN`, `PRAGMA query_only`), whose reads see a WAL snapshot and never hold the writer.
    """
    if not is_sqlite(url):
        return create_async_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    database = make_url(url).database
    on_file = database not in (None, "", ":memory:")
    pool: dict[str, Any] = (
        {
            "poolclass": FifoPool,
            "pool_size": max(1, readers),
            "max_overflow": 0,
            "pool_timeout": lock_timeout,
        }
        if on_file
        else {}
    )
    engine = create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,
        connect_args={"timeout": lock_timeout},
        **pool,
    )
    pragma = {"full": "FULL", "normal": "NORMAL"}[synchronous]
    busy_timeout_ms = int(lock_timeout * 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event open transactions, not the driver (SQLAlchemy recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if on_file:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute(f"PRAGMA synchronous={pragma}")
        if readers:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _sqlite_begin_immediate(connection: Any) -> None:
        # Writers queue on the database lock at BEGIN instead of failing on upgrade later;
        # readers take a snapshot at their first read and hold no lock.
        connection.exec_driver_sql("BEGIN" if readers else "BEGIN IMMEDIATE")

    return engine


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Build the session factory every service takes; objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
