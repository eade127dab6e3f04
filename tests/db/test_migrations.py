"""The Alembic migrations build exactly the schema of `db/models.py`; 0003 goes down and up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db.migrate import alembic_config
from db.models import Base


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


def test_unit_tree_migration_downgrades_and_upgrades_keeping_units(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0002")
    sync = create_engine(f"sqlite:///{path}")
    with sync.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO units (code, name, kind, has_tthc, active, created_at, updated_at)"
                " VALUES ('xa_a', 'Xã A', 'xa', 1, 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')"
            )
        )
    command.upgrade(config, "0003")
    with sync.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("units")}
        assert {"parent_code", "valid_from", "valid_to", "successors"} <= columns
        assert connection.execute(text("SELECT code FROM units")).scalars().all() == ["xa_a"]
    command.downgrade(config, "0002")
    with sync.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("units")}
        assert "valid_to" not in columns
        assert connection.execute(text("SELECT code FROM units")).scalars().all() == ["xa_a"]
    sync.dispose()


def test_coordinator_scope_migration_downgrades_and_upgrades_keeping_members(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0004")
    sync = create_engine(f"sqlite:///{path}")
    with sync.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO members (telegram_user_id, name, role, linked_at, reachable)"
                " VALUES (42, 'Điều phối', 'coordinator', '2024-01-01 00:00:00', 1)"
            )
        )
    command.upgrade(config, "0005")
    with sync.connect() as connection:
        for table in ("members", "invites"):
            columns = {column["name"] for column in inspect(connection).get_columns(table)}
            assert "scope_unit_id" in columns
        rows = connection.execute(text("SELECT telegram_user_id, scope_unit_id FROM members"))
        assert rows.all() == [(42, None)]
    command.downgrade(config, "0004")
    with sync.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("members")}
        assert "scope_unit_id" not in columns
        assert connection.execute(text("SELECT telegram_user_id FROM members")).scalars().all() == [
            42
        ]
    sync.dispose()
