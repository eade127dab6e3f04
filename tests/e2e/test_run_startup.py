"""`cchc-bot run` as a process: the first update after start, start-up faults, one instance."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.runtime import Runtime

from .bot_process import REPO, TOKEN, bot_env, head_invite, prepared_runtime, start_bot_process


@pytest.fixture
async def server() -> AsyncIterator[LocalTelegramServer]:
    """A local Telegram server on the real clock (the bot process runs on it)."""
    async with LocalTelegramServer(token=TOKEN, bot_username="cchc_process_bot") as server:
        yield server
        assert not server.internal_errors, server.internal_errors


@pytest.fixture
async def runtime(database_url: str, tmp_path: Path) -> AsyncIterator[Runtime]:
    """The test's own runtime on the database the process uses (SQLite, then PostgreSQL)."""
    runtime = await prepared_runtime(database_url, tmp_path)
    yield runtime
    await runtime.close()


def log_messages(stderr: str) -> list[str]:
    """The `message` of every JSON log line."""
    return [json.loads(line)["message"] for line in stderr.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_the_first_update_after_start_is_handled(
    server: LocalTelegramServer,
    runtime: Runtime,
    database_url: str,
    tmp_path: Path,
    mode: str,
) -> None:
    # Issue 11 item 2: on PostgreSQL a schema check on another event loop left a connection
    # in the pool that the bot's loop then reused, so the first update failed.
    server.add_user(6001, "Chủ tịch Tài Văn")
    token = await head_invite(runtime)
    server.send_text(6001, f"/start {token}")  # queued before the bot starts
    bot = await start_bot_process(
        bot_env(server, database_url), tmp_path, webhook=mode == "webhook"
    )
    try:
        replies = await server.wait_for_bot_messages(6001, timeout=30)
        assert "Đã liên kết" in (replies[-1].text or ""), replies[-1].text
        # And the next one too, on the same pool.
        server.send_text(6001, "/help")
        await server.wait_for_bot_messages(6001, timeout=15)
    finally:
        code, stderr = await bot.stop()
    assert code == 0, stderr
    assert "unhandled error while handling an update" not in log_messages(stderr), stderr
    assert TOKEN not in stderr


def test_a_start_up_fault_is_one_line_without_the_token(tmp_path: Path) -> None:
    # Issue 11 item 17: a mistyped Bot API URL used to end in a traceback printing the URL,
    # which carries the token.
    database = tmp_path / "cchc.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CCHC_")},
        "CCHC_BOT_TOKEN": TOKEN,
        "CCHC_TELEGRAM_API_URL": "htp:/x/bot",
        "CCHC_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    init = subprocess.run(
        [sys.executable, str(REPO / "bot.py"), "init"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    result = subprocess.run(
        [sys.executable, str(REPO / "bot.py"), "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert "Traceback" not in output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Lỗi / error: the bot stopped: NetworkError"), result.stderr


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_second_run_on_the_same_database_refuses_to_start(
    server: LocalTelegramServer,
    runtime: Runtime,
    database_url: str,
    tmp_path: Path,
    mode: str,
) -> None:
    # Issue 11 item 19: two processes would both answer (and both run reminder ticks).
    first = await start_bot_process(bot_env(server, database_url), tmp_path)
    try:
        server.add_user(6002, "Ai đó")
        server.send_text(6002, "/help")
        await server.wait_for_bot_messages(6002, timeout=30)  # the first one is up
        second = await start_bot_process(
            bot_env(server, database_url), tmp_path, webhook=mode == "webhook"
        )
        code, stderr = await second.exited()
        assert code == 1, stderr
        last = stderr.strip().splitlines()[-1]
        assert "another `cchc-bot run` is already using" in last, stderr
        assert "CCHC_INSTANCES=many" in last
        assert "Traceback" not in stderr
        # The first one still answers.
        server.send_text(6002, "/help")
        await server.wait_for_bot_messages(6002, timeout=15)
    finally:
        code, stderr = await first.stop()
    assert code == 0, stderr
    # Once the first stopped, a new one starts (a clean stop gives the lock back).
    third = await start_bot_process(bot_env(server, database_url), tmp_path)
    try:
        server.send_text(6002, "/help")
        await server.wait_for_bot_messages(6002, timeout=30)
    finally:
        code, stderr = await third.stop()
    assert code == 0, stderr


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_webhook_processes_may_share_a_database_when_declared(
    server: LocalTelegramServer, runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    env = bot_env(server, database_url, CCHC_INSTANCES="many")
    first = await start_bot_process(env, tmp_path, webhook=True)
    second = await start_bot_process(env, tmp_path, webhook=True)
    try:
        await server.wait_for(lambda: server.state.webhook is not None, timeout=30, what="hook")
        await asyncio.sleep(3)  # both are up (a refusal would have ended one by now)
        assert first.process.returncode is None
        assert second.process.returncode is None
    finally:
        first_code, first_log = await first.stop()
        second_code, second_log = await second.stop()
    assert (first_code, second_code) == (0, 0), first_log + second_log


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_several_instances_refuse_a_sqlite_database(
    server: LocalTelegramServer, runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    # A SQLite file is one process's: two would both answer what the file lock kept apart.
    env = bot_env(server, database_url, CCHC_INSTANCES="many")
    process = await start_bot_process(env, tmp_path, webhook=True)
    code, stderr = await process.exited()
    assert code == 1, stderr
    last = stderr.strip().splitlines()[-1]
    assert "CCHC_INSTANCES=many needs PostgreSQL" in last, stderr
    assert "Traceback" not in stderr


def test_several_instances_need_webhook_mode(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CCHC_")},
        "CCHC_BOT_TOKEN": TOKEN,
        "CCHC_INSTANCES": "many",
        "CCHC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}",
    }
    result = subprocess.run(
        [sys.executable, str(REPO / "bot.py"), "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "CCHC_INSTANCES=many needs webhook mode" in result.stderr
