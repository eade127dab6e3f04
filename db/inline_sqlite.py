"""SQLite run inline on the event loop: no worker thread per connection, one writer at a time.

aiosqlite hands every call (cursor, execute, fetch, close, commit) to a worker thread and back,
which costs far more than the SQLite work itself on a local file; under load those hand-offs
and the GIL hand-overs between threads were most of the bot's per-answer CPU, and writers
waiting at `BEGIN IMMEDIATE` slept in SQLite's busy handler with growing back-offs. Here each
call runs directly on the event loop thread (they take microseconds), and transactions of one
process queue FIFO on an asyncio lock before `BEGIN`, so SQLite never has to busy-wait for a
writer of the same process. Another process holding the database (a CLI command, a second bot)
is waited for with short non-blocking retries, never by blocking the loop.

The objects below speak the subset of aiosqlite's API that SQLAlchemy's aiosqlite adapter
uses; they are plugged in through `create_async_engine(async_creator=...)`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any, Literal, TypeVar

ResultT = TypeVar("ResultT")
IsolationLevel = Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None

# SQLite's own busy handler blocks the calling thread (here: the event loop), so it only
# covers brief contention; longer waits for another process are retried asynchronously.
BLOCKING_BUSY_TIMEOUT_MS = 20
RETRY_FIRST_DELAY = 0.005
RETRY_MAX_DELAY = 0.1


def is_pragma(sql: str) -> bool:
    """Whether a statement is a PRAGMA."""
    return sql.lstrip()[:6].upper() == "PRAGMA"


def is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the database."""
    message = str(error).lower()
    return "locked" in message or "busy" in message


class WriteGate:
    """One transaction at a time per database and process, granted in arrival order."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        # asyncio locks belong to one event loop; tests and CLI commands may use several.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def acquire(self) -> asyncio.Lock:
        """Wait for the gate; after `timeout` seconds fail as SQLite would."""
        lock = self._lock()
        try:
            async with asyncio.timeout(self.timeout):
                await lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        return lock


class InlineCursor:
    """An aiosqlite-shaped cursor whose calls run on the event loop thread."""

    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._cursor.close()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._rows()

    async def _rows(self) -> AsyncIterator[Any]:
        for row in self._cursor:
            yield row

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        """Run one statement."""
        if parameters is None:
            await self._connection.run(self._cursor.execute, sql)
        else:
            await self._connection.run(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        """Run one statement once per parameter set."""
        await self._connection.run(self._cursor.executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        """Up to `size` rows (the cursor's arraysize by default)."""
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> Sequence[Any]:
        """Every remaining row."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Close the cursor."""
        self._cursor.close()

    def setinputsizes(self, *sizes: Any) -> None:
        """Accepted and ignored, as by sqlite3."""

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """The rowid of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows per fetchmany by default."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    @property
    def description(self) -> Any:
        """Column descriptions of the last query."""
        return self._cursor.description


class _ImmediateQueue:
    """What SQLAlchemy's adapter puts on aiosqlite's thread queue runs here at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        """Call the function now and settle its future."""
        future, function = item
        try:
            result = function()
        except Exception as error:
            if future is not None:
                future.set_exception(error)
        else:
            if future is not None:
                future.set_result(result)


class InlineConnection:
    """An aiosqlite-shaped connection whose calls run on the event loop thread."""

    def __init__(self, connection: sqlite3.Connection, gate: WriteGate) -> None:
        self._conn = connection
        self._gate = gate
        self._held: asyncio.Lock | None = None
        self._tx = _ImmediateQueue()
        self._open = True

    @property
    def _connection(self) -> sqlite3.Connection | None:
        # SQLAlchemy's adapter checks this before commit and rollback.
        return self._conn if self._open else None

    @property
    def isolation_level(self) -> str | None:
        """The sqlite3 isolation level (None: SQLAlchemy issues BEGIN itself)."""
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: IsolationLevel) -> None:
        self._conn.isolation_level = value

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on this connection."""
        return self._conn.in_transaction

    def cursor(self) -> InlineCursor:
        """A new cursor (usable with `async with`, as aiosqlite's)."""
        return InlineCursor(self, self._conn.cursor())

    async def run(self, call: Callable[..., ResultT], sql: str, *args: Any) -> ResultT:
        """Run one statement; outside a transaction first take the gate, retrying while busy.

        PRAGMAs (a new connection's settings) skip the gate: they take no write lock, and
        setting up a connection must not queue behind other transactions, which would let
        later arrivals overtake it.
        """
        if self._held is not None:
            try:
                return call(sql, *args)
            finally:
                self._release_when_idle()
        if is_pragma(sql):
            return await self._retrying(call, sql, *args)
        self._held = await self._gate.acquire()
        try:
            return await self._retrying(call, sql, *args)
        finally:
            self._release_when_idle()

    async def _retrying(self, call: Callable[..., ResultT], *args: Any) -> ResultT:
        deadline = time.monotonic() + self._gate.timeout
        delay = RETRY_FIRST_DELAY
        while True:
            try:
                return call(*args)
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() + delay > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY)

    def _release_when_idle(self) -> None:
        if self._held is not None and not (self._open and self._conn.in_transaction):
            lock, self._held = self._held, None
            lock.release()

    async def commit(self) -> None:
        """Commit and let the next transaction in."""
        try:
            self._conn.commit()
        finally:
            self._release_when_idle()

    async def rollback(self) -> None:
        """Roll back and let the next transaction in."""
        try:
            self._conn.rollback()
        finally:
            self._release_when_idle()

    async def close(self) -> None:
        """Close the connection (rolling back anything open)."""
        self.stop()

    def stop(self) -> None:
        """Close at once; used by SQLAlchemy when it terminates a connection."""
        if self._open:
            self._open = False
            self._conn.close()
        self._release_when_idle()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register a SQL function."""
        self._conn.create_function(*args, **kwargs)

    def __del__(self) -> None:
        # A connection dropped without close must not keep the gate shut.
        if getattr(self, "_held", None) is not None:
            self.stop()


def inline_creator(database: str, gate: WriteGate) -> Callable[[], Any]:
    """The `async_creator` for `create_async_engine`: open an inline connection to `database`."""

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(
            database,
            timeout=BLOCKING_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        return InlineConnection(connection, gate)

    return connect
