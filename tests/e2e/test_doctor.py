"""`cchc-bot doctor` on a healthy setup and on each way a setup breaks: the right line fails."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the Telegram-facing commands on the app)
from cchc_bot.cli import app
from cchc_bot.clock import system_clock
from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.services.config_sync import sync_configuration
from db.session import create_engine, create_session_factory

TOKEN = "7000000003:AAH-cchc-bot-doctor-token-0123456789abcd"
OTHER_TOKEN = "7000000003:AAH-not-the-token-of-this-bot-000000000"
CHECKS = ["settings", "token", "database", "schema", "configuration", "timezone"]
CHECKS += ["reminders", "files", "pdf"]


@dataclass
class Report:
    """What `doctor --json` said: exit code and each check by name."""

    code: int
    checks: dict[str, dict[str, Any]]

    def status(self, name: str) -> str:
        """The status of one check."""
        return str(self.checks[name]["status"])

    def failed(self) -> list[str]:
        """The names of the failed checks."""
        return [name for name, check in self.checks.items() if check["status"] == "fail"]


@dataclass
class Setup:
    """A healthy installation: a synced SQLite file, a writable files folder, a reachable API."""

    server: LocalTelegramServer
    root: Path
    database: Path
    monkeypatch: pytest.MonkeyPatch

    def set(self, name: str, value: str) -> None:
        """Set one CCHC_* variable."""
        self.monkeypatch.setenv(name, value)

    async def doctor(self, *args: str) -> tuple[int, str]:
        """Run `cchc-bot doctor` in a thread (the local server keeps serving in this loop)."""
        result = await asyncio.to_thread(CliRunner().invoke, app, ["doctor", *args])
        return result.exit_code, result.stdout

    async def report(self) -> Report:
        """Run `cchc-bot doctor --json`."""
        code, out = await self.doctor("--json")
        return Report(code, {check["name"]: check for check in json.loads(out)})


async def migrated_database(path: Path, template: Path) -> None:
    """A migrated SQLite file with the bundled configuration synced, as `init` leaves it."""
    shutil.copyfile(template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        from cchc_bot.config.loading import load_configuration

        config = load_configuration(bundled_config_dir())
        now = system_clock()
        await sync_configuration(create_session_factory(engine), config, system_clock, now.date())
    finally:
        await engine.dispose()


@pytest.fixture
async def setup(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Setup]:
    """Environment variables of a healthy installation, pointing at a local Bot API."""
    database = tmp_path / "cchc.db"
    await migrated_database(database, sqlite_template)
    (tmp_path / "files").mkdir()
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith("CCHC_")]:
        monkeypatch.delenv(name)
    async with LocalTelegramServer(token=TOKEN, bot_username="cchc_doctor_bot") as server:
        monkeypatch.setenv("CCHC_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("CCHC_TELEGRAM_API_URL", server.base_url)
        monkeypatch.setenv("CCHC_TELEGRAM_FILE_URL", server.file_base_url)
        monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
        monkeypatch.setenv("CCHC_FILES_DIR", str(tmp_path / "files"))
        yield Setup(server, tmp_path, database, monkeypatch)


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_healthy_setup_passes_every_check(setup: Setup) -> None:
    report = await setup.report()

    assert report.code == 0
    assert list(report.checks) == CHECKS
    assert report.failed() == []
    assert {report.status(name) for name in CHECKS} == {"ok"}
    assert report.checks["token"]["detail"] == "@cchc_doctor_bot (id 7000000003)"
    assert "units" in report.checks["schema"]["detail"]
    assert report.checks["timezone"]["detail"].startswith("Asia/Ho_Chi_Minh: now ")
    assert report.checks["reminders"]["detail"].startswith("next: ")
    if shutil.which("soffice"):
        assert report.checks["pdf"]["detail"].startswith("LibreOffice ")
    code, out = await setup.doctor()
    assert code == 0
    assert out.splitlines()[-1] == f"all {len(CHECKS)} checks OK"
    assert TOKEN not in out


async def test_no_token(setup: Setup) -> None:
    setup.monkeypatch.delenv("CCHC_BOT_TOKEN")
    report = await setup.report()
    assert report.code == 1
    assert report.failed() == ["token"]
    assert report.checks["token"]["detail"] == "CCHC_BOT_TOKEN is not set"
    assert "@BotFather" in report.checks["token"]["fix"]


async def test_a_token_telegram_refuses(setup: Setup) -> None:
    setup.set("CCHC_BOT_TOKEN", OTHER_TOKEN)
    code, out = await setup.doctor()
    assert code == 1
    assert "FAIL  token" in out
    assert "401 Unauthorized" in out
    assert "→ fix: copy the token again from @BotFather" in out
    assert OTHER_TOKEN not in out
    assert out.splitlines()[-1] == f"{len(CHECKS) - 1} OK, 1 failed"


async def test_an_unreachable_bot_api(setup: Setup) -> None:
    setup.set("CCHC_TELEGRAM_API_URL", f"http://127.0.0.1:{free_port()}/bot")
    report = await setup.report()
    assert report.failed() == ["token"]
    assert "cannot reach the Bot API" in report.checks["token"]["detail"]
    assert "proxy" in report.checks["token"]["fix"]


async def test_a_username_that_is_not_the_tokens(setup: Setup) -> None:
    setup.set("CCHC_BOT_USERNAME", "some_other_bot")
    report = await setup.report()
    assert report.failed() == ["token"]
    assert report.checks["token"]["fix"].startswith("set CCHC_BOT_USERNAME=cchc_doctor_bot")


async def test_an_unreachable_database_server(setup: Setup) -> None:
    port = free_port()
    setup.set("CCHC_DATABASE_URL", f"postgresql+asyncpg://cchc:hunter2@127.0.0.1:{port}/cchc")
    report = await setup.report()
    assert report.code == 1
    assert report.failed() == ["database"]
    assert report.status("schema") == "skip"
    detail = report.checks["database"]["detail"]
    assert detail.startswith(f"cannot connect to postgresql+asyncpg://cchc:***@127.0.0.1:{port}")
    assert "hunter2" not in json.dumps(report.checks)


async def test_a_missing_sqlite_file_is_not_created(setup: Setup) -> None:
    missing = setup.root / "elsewhere" / "cchc.db"
    setup.set("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{missing}")
    report = await setup.report()
    assert report.failed() == ["database"]
    assert "run `cchc-bot init`" in report.checks["database"]["fix"]
    assert not missing.exists()


async def test_a_database_without_schema(setup: Setup) -> None:
    empty = setup.root / "empty.db"
    sqlite3.connect(empty).close()
    empty.touch()
    setup.set("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{empty}")
    report = await setup.report()
    assert report.failed() == ["schema"]
    assert report.checks["schema"]["detail"] == "the database has no schema yet"
    assert report.checks["schema"]["fix"] == "run `cchc-bot init` (creates the tables)"


async def test_a_database_migrated_by_a_newer_version(setup: Setup) -> None:
    with sqlite3.connect(setup.database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    report = await setup.report()
    assert report.failed() == ["schema"]
    assert "9999_from_the_future" in report.checks["schema"]["detail"]
    assert "restore a backup" in report.checks["schema"]["fix"]


async def test_a_database_that_init_did_not_sync(setup: Setup, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, setup.database)
    report = await setup.report()
    assert report.failed() == ["schema"]
    assert "no units" in report.checks["schema"]["detail"]


async def test_a_broken_configuration_file(setup: Setup) -> None:
    config = setup.root / "config"
    shutil.copytree(bundled_config_dir(), config)
    units = config / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace("kind: xa", "kind: village", 1),
        encoding="utf-8",
    )
    setup.set("CCHC_CONFIG_DIR", str(config))
    report = await setup.report()
    assert report.failed() == ["configuration"]
    assert "units.yaml" in report.checks["configuration"]["detail"]
    assert "check-config" in report.checks["configuration"]["fix"]
    assert report.status("reminders") == "skip"


async def test_an_unknown_timezone(setup: Setup) -> None:
    setup.set("CCHC_TIMEZONE", "Asia/Sai_Gon")
    report = await setup.report()
    assert report.code == 1
    assert report.failed() == ["timezone"]
    assert "Asia/Sai_Gon" in report.checks["timezone"]["detail"]
    assert "Asia/Ho_Chi_Minh" in report.checks["timezone"]["fix"]
    assert report.status("settings") == "ok"
    assert report.status("reminders") == "skip"


async def test_a_files_folder_that_is_a_file(setup: Setup) -> None:
    blocker = setup.root / "files.txt"
    blocker.write_text("not a folder")
    setup.set("CCHC_FILES_DIR", str(blocker / "attachments"))
    report = await setup.report()
    assert report.failed() == ["files"]
    assert "CCHC_FILES_DIR" in report.checks["files"]["fix"]


async def test_an_invalid_variable_is_named(setup: Setup) -> None:
    setup.set("CCHC_WEBHOOK_SECRET", "có dấu")
    report = await setup.report()
    assert report.failed() == ["settings"]
    assert "CCHC_WEBHOOK_SECRET" in report.checks["settings"]["detail"]


async def test_a_files_folder_the_bot_cannot_write(setup: Setup) -> None:
    # Root writes through any permission bits, so the refusal is played by the file system.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    setup.monkeypatch.setattr("cchc_bot.ops.doctor.tempfile.TemporaryFile", refuse)
    report = await setup.report()
    assert report.failed() == ["files"]
    assert "Permission denied" in report.checks["files"]["detail"]
    assert report.checks["files"]["fix"].startswith(f"create {setup.root / 'files'}")


async def test_without_libreoffice_the_pdf_line_says_docx_only(
    setup: Setup, tmp_path: Path
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    setup.set("PATH", str(empty))

    report = await setup.report()

    assert report.status("pdf") == "ok"
    assert report.checks["pdf"]["detail"].startswith("soffice not found on PATH")
    assert "DOCX only" in report.checks["pdf"]["detail"]
    assert report.failed() == []


async def test_a_broken_libreoffice_is_reported(setup: Setup, tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    fake = tools / "soffice"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    setup.set("PATH", str(tools))

    report = await setup.report()

    assert report.checks["pdf"]["detail"].startswith(f"{fake} does not run")
