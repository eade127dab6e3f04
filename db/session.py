"""Engine and session factory: SQLite in WAL mode with foreign keys, or PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.inline_sqlite import BLOCKING_BUSY_TIMEOUT_MS, WriteGate, inline_creator

SessionFactory = async_sessionmaker[AsyncSession]

SQLITE_LOCK_TIMEOUT = 30.0  # seconds a transaction waits for another writer before failing


def is_sqlite(url: str) -> bool:
    """Tell whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


# One gate per database file and process, shared by every engine on that file, so two engines
# of one process (a CLI command's and a service's, say) also take turns instead of making
# SQLite busy-wait on the event loop.
_WRITE_GATES: dict[str, WriteGate] = {}


def _write_gate(database: str) -> WriteGate:
    key = os.path.realpath(database)
    gate = _WRITE_GATES.get(key)
    if gate is None:
        gate = _WRITE_GATES[key] = WriteGate(timeout=SQLITE_LOCK_TIMEOUT)
    return gate


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine; on SQLite turn on WAL, foreign keys and a busy timeout."""
    if not is_sqlite(url):
        return create_async_engine(url, echo=echo, pool_pre_ping=True)
    database = make_url(url).database
    inline = database not in (None, "", ":memory:") and not make_url(url).query
    if inline:
        # Plain database files run inline on the event loop (see db/inline_sqlite.py).
        assert database is not None
        gate = _write_gate(database)
        engine = create_async_engine(url, echo=echo, async_creator=inline_creator(database, gate))
    else:
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": SQLITE_LOCK_TIMEOUT})
    busy_timeout_ms = BLOCKING_BUSY_TIMEOUT_MS if inline else int(SQLITE_LOCK_TIMEOUT * 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event open transactions, not the driver (SQLAlchemy recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _sqlite_begin_immediate(connection: Any) -> None:
        # Writers queue on the database lock at BEGIN instead of failing on upgrade later.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Build the session factory every service takes; objects stay usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
