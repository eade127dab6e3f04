"""Engine and session factory: SQLite in WAL mode with foreign keys, or PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def is_sqlite(url: str) -> bool:
    """Tell whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine; on SQLite turn on WAL, foreign keys and a busy timeout."""
    if not is_sqlite(url):
        return create_async_engine(url, echo=echo, pool_pre_ping=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event open transactions, not the driver (SQLAlchemy recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
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
