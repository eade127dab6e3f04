"""One `cchc-bot run` per database: a PostgreSQL advisory lock, or a lock file beside SQLite.

Webhook processes declared CCHC_INSTANCES=many share the PostgreSQL lock among themselves
(`shared=True`): they still keep out a single-instance `run` (polling included), which keeps
them out in turn.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import zlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from db.session import is_sqlite

# The advisory lock's key: fixed, so every version of the bot takes the same one.
ADVISORY_KEY = zlib.crc32(b"cchc-bot run") & 0x7FFFFFFF


class InstanceLockError(Exception):
    """Another `cchc-bot run` is using this database."""


def _refusal(where: str) -> InstanceLockError:
    return InstanceLockError(
        f"another `cchc-bot run` is already using {where}: stop it first "
        "(several webhook processes on one database need CCHC_INSTANCES=many)"
    )


def _shared_refusal(where: str) -> InstanceLockError:
    return InstanceLockError(
        f"a single-instance `cchc-bot run` (CCHC_INSTANCES=one) is already using {where}: "
        "stop it first"
    )


class InstanceLock:
    """Held for the life of the process; the operating system or PostgreSQL frees it on death."""

    def __init__(self, database_url: str, *, shared: bool = False) -> None:
        self._url = database_url
        self._shared = shared
        self._fd: int | None = None
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None

    @property
    def lock_file(self) -> Path | None:
        """The lock file beside a SQLite database (None for PostgreSQL or in-memory)."""
        if not is_sqlite(self._url):
            return None
        database = make_url(self._url).database
        if not database or database == ":memory:":
            return None
        return Path(database).resolve().with_name(Path(database).name + ".lock")

    async def acquire(self) -> None:
        """Take the lock or raise InstanceLockError; call it on the loop the bot runs on."""
        if is_sqlite(self._url):
            if self._shared:
                raise InstanceLockError(
                    "CCHC_INSTANCES=many needs PostgreSQL: a SQLite file serves one process"
                )
            self._acquire_file()
            return
        # A dedicated connection outside the pool, in autocommit: a session-level lock that
        # lasts as long as the connection, with no transaction left open beside it.
        self._engine = create_async_engine(
            self._url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        self._connection = await self._engine.connect()
        function = "pg_try_advisory_lock_shared" if self._shared else "pg_try_advisory_lock"
        taken = await self._connection.scalar(
            text(f"SELECT {function}(:key)"), {"key": ADVISORY_KEY}
        )
        if not taken:
            await self.release()
            where = f"the PostgreSQL database {make_url(self._url).database}"
            raise _shared_refusal(where) if self._shared else _refusal(where)

    def _acquire_file(self) -> None:
        path = self.lock_file
        if path is None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _refusal(str(path.with_suffix(""))) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    async def release(self) -> None:
        """Give the lock back (on a clean stop; a killed process loses it anyway)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
            self._fd = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
