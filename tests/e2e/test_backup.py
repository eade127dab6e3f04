"""`cchc-bot backup` and `restore`: a live SQLite database round-trips; bad input is refused."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the backup and restore commands on the app)
from cchc_bot.access import Role
from cchc_bot.cli import app
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from db import repositories
from db.models import Answer, QuestionnaireVersion, Submission, Unit
from db.session import create_engine, create_session_factory

HANOI = dt.timezone(dt.timedelta(hours=7))

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run the CLI and return exit code, stdout and stderr."""
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a SQLite file, in rowid order."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            for table in tables
        }
    finally:
        connection.close()


@pytest.fixture
async def live(
    tmp_path: Path,
    sqlite_template: Path,
    bundled_config: Configuration,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[AsyncEngine]:
    """The bot's database in use: linked members, a submitted report, the engine still open."""
    database = tmp_path / "cchc.db"
    shutil.copyfile(sqlite_template, database)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    sessions = create_session_factory(engine)
    clock = MovableClock(dt.datetime(2024, 3, 5, 9, 0, tzinfo=HANOI), frozen=True)
    await sync_configuration(sessions, bundled_config, clock, clock().date())
    accounts = AccountService(sessions, clock)
    for user_id, role, unit in (
        (101, Role.HEAD, "xa_tai_van"),
        (102, Role.STAFF, "xa_tai_van"),
        (103, Role.COORDINATOR, None),
    ):
        invite = await accounts.create_invite(role, unit)
        await accounts.link(TelegramIdentity(user_id, f"Người {user_id}"), invite.token)
    async with sessions.begin() as session:
        unit_row = await session.scalar(select(Unit).where(Unit.code == "xa_tai_van"))
        version = await session.scalar(select(QuestionnaireVersion))
        assert unit_row is not None
        assert version is not None
        period = await repositories.get_or_create_period(session, "2024-Q1", "Q1", 2024)
        now = clock()
        submission = Submission(
            unit_id=unit_row.id,
            period_id=period.id,
            questionnaire_version_id=version.id,
            state="submitted",
            created_at=now,
            updated_at=now,
            submitted_at=now,
        )
        session.add(submission)
        await session.flush()
        session.add_all(
            [
                Answer(
                    submission_id=submission.id,
                    indicator_id="tthc_01",
                    value=Decimal(12),
                    answered_at=now,
                ),
                Answer(
                    submission_id=submission.id,
                    indicator_id="tthc_04",
                    numerator=Decimal(17),
                    denominator=Decimal(20),
                    answered_at=now,
                ),
                Answer(
                    submission_id=submission.id,
                    indicator_id="kho_khan",
                    text_value="Hạ tầng mạng chưa ổn định",
                    answered_at=now,
                ),
            ]
        )
    yield engine
    await engine.dispose()


async def test_backup_of_a_live_database_restores_to_the_same_rows(
    live: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "cchc.db"
    assert (tmp_path / "cchc.db-wal").stat().st_size > 0  # committed rows still in the WAL
    async with live.connect() as writer:
        # A write transaction in flight (the engine begins IMMEDIATE): the backup must not
        # contain it, and must not wait for it.
        await writer.execute(text("UPDATE units SET name = 'uncommitted' WHERE code = 'p_tu_phap'"))
        code, out, err = invoke("backup", "--out", str(tmp_path / "backup.db"))
        await writer.rollback()
    assert code == 0, err
    assert "3 linked accounts, 1 submissions" in out
    expected = rows(database)
    assert len(expected["members"]) == 3
    assert len(expected["submissions"]) == 1
    assert len(expected["answers"]) == 3

    fresh = tmp_path / "restored" / "cchc.db"
    fresh.parent.mkdir()
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{fresh}")
    code, out, err = invoke("restore", str(tmp_path / "backup.db"), "--yes")

    assert code == 0, err
    assert f"restored {fresh}" in out
    assert rows(fresh) == expected
    assert "uncommitted" not in json.dumps(rows(fresh), default=str)
    code, out, err = await asyncio.to_thread(invoke, "members", "--json")  # it runs a loop
    assert code == 0, err
    assert sorted(member["telegram_user_id"] for member in json.loads(out)) == [101, 102, 103]


async def test_restore_over_a_database_keeps_the_old_one_aside(
    live: AsyncEngine, tmp_path: Path
) -> None:
    backup_file = tmp_path / "backup.db"
    assert invoke("backup", "--out", str(backup_file))[0] == 0
    before = rows(tmp_path / "cchc.db")
    await live.dispose()  # the bot stopped

    code, out, err = invoke("restore", str(backup_file), "--yes")
    assert code == 0, err
    assert "kept as" in out
    assert rows(tmp_path / "cchc.db.before-restore") == before
    code, _, _ = invoke("restore", str(backup_file), "--yes")
    assert code == 0
    assert (tmp_path / "cchc.db.before-restore-2").is_file()
    assert rows(tmp_path / "cchc.db") == before


async def test_restore_refuses_while_the_bot_holds_the_database(
    live: AsyncEngine, tmp_path: Path
) -> None:
    backup_file = tmp_path / "backup.db"
    assert invoke("backup", "--out", str(backup_file))[0] == 0
    async with live.connect() as connection:
        await connection.execute(text("SELECT 1"))
        code, _, err = invoke("restore", str(backup_file), "--yes")
    assert code == 1
    assert "is in use (is the bot running?)" in err
    assert not (tmp_path / "cchc.db.before-restore").exists()


async def test_restore_asks_before_replacing(live: AsyncEngine, tmp_path: Path) -> None:
    backup_file = tmp_path / "backup.db"
    assert invoke("backup", "--out", str(backup_file))[0] == 0
    await live.dispose()
    code, out, _ = invoke("restore", str(backup_file), stdin="n\n")
    assert code == 1
    assert "Replace" in out
    assert not (tmp_path / "cchc.db.before-restore").exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"units,name\nxa_tai_van,Tai Van\n", "is not a SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "is not a CCHC Bot database"),
        (None, "it is not a CCHC Bot database"),
    ],
    ids=["csv", "truncated", "other-sqlite"],
)
async def test_restore_refuses_what_is_not_a_backup(
    live: AsyncEngine, tmp_path: Path, content: bytes | None, reason: str
) -> None:
    await live.dispose()
    before = rows(tmp_path / "cchc.db")
    candidate = tmp_path / "candidate.db"
    if content is None:
        other = sqlite3.connect(candidate)
        other.execute("CREATE TABLE alembic_version (version_num TEXT)")
        other.commit()
        other.close()
    else:
        candidate.write_bytes(content)

    code, _, err = invoke("restore", str(candidate), "--yes")

    assert code == 1
    assert reason in err
    assert "Traceback" not in err
    assert rows(tmp_path / "cchc.db") == before


def test_backup_of_a_missing_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'none.db'}")
    code, _, err = invoke("backup", "--out", str(tmp_path / "backup.db"))
    assert code == 1
    assert "no SQLite database at" in err
    assert not (tmp_path / "none.db").exists()


def test_postgresql_gets_the_pg_dump_and_pg_restore_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "CCHC_DATABASE_URL", "postgresql+asyncpg://cchc:s3cret@db.tran-de.local:5433/cchc"
    )
    code, out, _ = invoke("backup", "--out", "cchc-2024-03-05.dump")
    assert code == 0
    assert (
        "pg_dump --format=custom --no-owner --host db.tran-de.local --port 5433 "
        "--username cchc --dbname cchc --file cchc-2024-03-05.dump"
    ) in out
    code, out2, _ = invoke("restore", "cchc-2024-03-05.dump")
    assert code == 0
    assert (
        "pg_restore --clean --if-exists --no-owner --host db.tran-de.local --port 5433 "
        "--username cchc --dbname cchc cchc-2024-03-05.dump"
    ) in out2
    assert "s3cret" not in out + out2
