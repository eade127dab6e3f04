"""Shared fixtures: a migrated database on SQLite (a real file) and on PostgreSQL if configured."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.ops.settings import bundled_config_dir
from db.migrate import upgrade_schema
from db.session import SessionFactory, create_engine, create_session_factory

POSTGRES_URL_VARIABLE = "CCHC_TEST_POSTGRES_URL"
_counter = itertools.count()


def _postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{POSTGRES_URL_VARIABLE} must be set under CI=true: PostgreSQL tests may not skip"
        )
    return None


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_schema(engine)
    finally:
        await engine.dispose()


async def _postgres_admin(url: str, *statements: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file copied for each test (migrating once keeps tests fast)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    """A migrated PostgreSQL template database, or None when PostgreSQL is not configured."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        yield None
        return
    name = f"cchc_template_{uuid.uuid4().hex[:8]}"
    asyncio.run(_postgres_admin(admin_url, f'CREATE DATABASE "{name}"'))
    template_url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_migrate(template_url))
    yield name
    asyncio.run(_postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: str | None,
) -> AsyncIterator[str]:
    """A fresh, migrated database for one test: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "cchc.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    admin_url = _postgres_admin_url()
    if admin_url is None or postgres_template is None:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set")
    name = f"cchc_test_{os.getpid()}_{next(_counter)}"
    await _postgres_admin(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    await _postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database, disposed afterwards."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> SessionFactory:
    """The session factory services take."""
    return create_session_factory(engine)


@pytest.fixture(scope="session")
def bundled_config() -> Configuration:
    """The bundled Trần Đề configuration, loaded once."""
    return load_configuration(bundled_config_dir())


@pytest.fixture
def clock() -> MovableClock:
    """A frozen clock at 09:00 on 5 March 2024, Hanoi time (Quý I/2024 is open)."""
    return MovableClock(
        dt.datetime(2024, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), frozen=True
    )
