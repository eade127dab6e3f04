"""Alembic environment: runs migrations on a connection handed over by `db.migrate`."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from db.models import Base
from db.session import create_engine

target_metadata = Base.metadata


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_new_engine(url: str) -> None:
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_run_on)
        await connection.commit()
    await engine.dispose()


def run() -> None:
    """Run migrations on the given connection, or on the URL of the Alembic config."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection to run migrations")
    asyncio.run(_run_with_new_engine(url))


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; use `cchc-bot init`")
run()
