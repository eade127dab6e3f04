"""Webhook mode end to end: the local server POSTs updates to the real bot, secret checked."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import bot
from bot import build_application
from cchc_bot.access import Role
from cchc_bot.cli import app
from cchc_bot.clock import MovableClock, system_clock
from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.sandbox.local_bot import server_settings
from cchc_bot.services.accounts import AccountService
from cchc_bot.services.config_sync import sync_configuration
from db.models import Invite
from handlers.telegram.webhook import (
    HEALTH_PATH,
    SECRET_HEADER,
    RunningWebhook,
    WebhookSettings,
    public_webhook_url,
    secret_path,
    serving_webhook,
)

TOKEN = "7000000002:AAH-cchc-bot-webhook-token-0123456789ab"
SECRET = "webhook-secret_0123456789"
HANOI = dt.timezone(dt.timedelta(hours=7))
REPO = Path(bot.__file__).resolve().parent


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Setup:
    """A local Telegram server, a synced SQLite database and the runtime on both."""

    server: LocalTelegramServer
    runtime: Runtime
    database: Path
    clock: MovableClock


@pytest.fixture
async def setup(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Setup]:
    """The local server and a migrated, synced SQLite file (Quý I/2024 open)."""
    database = tmp_path / "cchc.db"
    shutil.copyfile(sqlite_template, database)
    clock = MovableClock(dt.datetime(2024, 3, 5, 9, 0, tzinfo=HANOI))
    async with LocalTelegramServer(
        token=TOKEN, bot_username="cchc_hook_bot", clock=clock
    ) as server:
        base = Settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{database}",
            config_dir=bundled_config_dir(),
            files_dir=tmp_path / "files",
        )
        runtime = open_runtime(server_settings(server, base), clock)
        await sync_configuration(runtime.session_factory, runtime.config, clock, clock().date())
        yield Setup(server, runtime, database, clock)
        await runtime.close()
        assert not server.internal_errors, server.internal_errors


@pytest.fixture
async def webhook_bot(setup: Setup) -> AsyncIterator[tuple[WebhookSettings, RunningWebhook]]:
    """The real Application in webhook mode on a free loopback port, registered with the server."""
    port = free_port()
    config = WebhookSettings(
        public_url=public_webhook_url(f"http://127.0.0.1:{port}/cchc", TOKEN),
        listen="127.0.0.1",
        port=port,
        secret=SECRET,
    )
    application = build_application(setup.runtime, TOKEN, with_scheduler=False)
    async with serving_webhook(application, config) as running:
        yield config, running


async def invite_token(setup: Setup, unit: str = "xa_tai_van") -> str:
    """A fresh head invite for a unit."""
    return (await setup.runtime.accounts.create_invite(Role.HEAD, unit)).token


async def invite_used(setup: Setup) -> bool:
    """Whether any invite has been used."""
    async with setup.runtime.session_factory() as session:
        invites = (await session.scalars(select(Invite))).all()
    return any(invite.used_at is not None for invite in invites)


async def test_start_round_trip_arrives_by_webhook_with_the_secret(
    setup: Setup, webhook_bot: tuple[WebhookSettings, RunningWebhook]
) -> None:
    config, running = webhook_bot
    hook = setup.server.state.webhook
    assert hook is not None
    assert hook.url == config.public_url
    assert hook.secret_token == SECRET
    assert config.path == f"/cchc/{secret_path(TOKEN)}"
    setup.server.add_user(5001, "Chủ tịch Tài Văn")

    setup.server.send_text(5001, f"/start {await invite_token(setup)}")
    replies = await setup.server.wait_for_bot_messages(5001, timeout=10)

    assert "Đã liên kết" in (replies[-1].text or "")
    await setup.server.wait_until_idle(timeout=10)
    assert [d.status for d in setup.server.webhook_deliveries] == [200]
    assert setup.server.call_counts["getUpdates"] == 0
    assert running.port == config.port


@pytest.mark.parametrize(
    "headers",
    [{}, {SECRET_HEADER: "wrong-secret"}, {SECRET_HEADER: SECRET + "x"}, {SECRET_HEADER: ""}],
    ids=["missing", "wrong", "longer", "empty"],
)
async def test_a_post_without_the_right_secret_is_refused_and_changes_nothing(
    setup: Setup,
    webhook_bot: tuple[WebhookSettings, RunningWebhook],
    headers: dict[str, str],
) -> None:
    config, running = webhook_bot
    user = setup.server.add_user(5002, "Kẻ giả mạo")
    forged = {
        "update_id": 900001,
        "message": {
            "message_id": 1,
            "date": 1709604000,
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
            "text": f"/start {await invite_token(setup)}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    url = f"http://127.0.0.1:{running.port}{config.path}"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=forged, headers=headers) as response:
            assert response.status == 403
        async with http.post(url, json=forged, headers={SECRET_HEADER: SECRET}) as response:
            pass  # the same update with the secret goes through: the refusal was the header's
        assert response.status == 200
    # The genuine update went straight to the bot, past the server's queue: wait for its reply.
    await setup.server.wait_for_bot_messages(user.id, after=0, timeout=10)
    await setup.server.wait_until_idle(timeout=10)

    sent = [call for call in setup.server.request_log if call.method == "sendMessage"]
    assert len(sent) == 1  # one answer, to the genuine request only
    assert await invite_used(setup)


async def test_refused_requests_never_reach_the_bot(
    setup: Setup, webhook_bot: tuple[WebhookSettings, RunningWebhook]
) -> None:
    config, running = webhook_bot
    user = setup.server.add_user(5003, "Ai đó")
    forged = {
        "update_id": 900002,
        "message": {
            "message_id": 1,
            "date": 1709604000,
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
            "text": f"/start {await invite_token(setup)}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    base = f"http://127.0.0.1:{running.port}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}{config.path}", json=forged) as response:
            assert response.status == 403
        guessed = f"{base}/cchc/telegram-guess"
        async with http.post(guessed, json=forged, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 404
        async with http.get(f"{base}{config.path}", headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 405
        async with http.post(
            f"{base}{config.path}", data=b"{not json", headers={SECRET_HEADER: SECRET}
        ) as response:
            assert response.status == 400
    await asyncio.sleep(0.2)

    assert not [call for call in setup.server.request_log if call.method == "sendMessage"]
    assert not await invite_used(setup)


async def test_a_replayed_update_id_is_ignored(
    setup: Setup, webhook_bot: tuple[WebhookSettings, RunningWebhook]
) -> None:
    # Issue 11 item 18: Telegram retries a delivery it thinks failed; the retry must not be
    # handled again (it would become the answer to the next question).
    config, running = webhook_bot
    user = setup.server.add_user(5005, "Chủ tịch Tài Văn")
    invite = await invite_token(setup)
    update = {
        "update_id": 900003,
        "message": {
            "message_id": 1,
            "date": 1709604000,
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
            "text": f"/start {invite}",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    url = f"http://127.0.0.1:{running.port}{config.path}"
    async with aiohttp.ClientSession() as http:
        for _ in range(3):
            async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
                assert response.status == 200  # acknowledged, so Telegram stops retrying
        await setup.server.wait_for_bot_messages(user.id, after=0, timeout=10)
        await setup.server.wait_until_idle(timeout=10)
        replies = [c for c in setup.server.request_log if c.method == "sendMessage"]
        assert len(replies) == 1
        assert "Đã liên kết" in str(replies[0].params.get("text"))


async def test_the_health_check_answers_ok_without_the_secret_and_says_nothing_else(
    setup: Setup, webhook_bot: tuple[WebhookSettings, RunningWebhook]
) -> None:
    _, running = webhook_bot
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{running.port}{HEALTH_PATH}") as response,
    ):
        assert response.status == 200
        assert await response.text() == "ok"
    assert HEALTH_PATH == "/healthz"  # the path docs/VAN_HANH.md and deploy/ give operators
    assert not setup.server.request_log or all(
        call.method != "sendMessage" for call in setup.server.request_log
    )


async def test_an_oversized_body_gets_413(
    setup: Setup, webhook_bot: tuple[WebhookSettings, RunningWebhook]
) -> None:
    config, running = webhook_bot
    url = f"http://127.0.0.1:{running.port}{config.path}"
    body = b'{"update_id": 1, "padding": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 413

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b"x" * 65536

        async with http.post(url, data=chunks(), headers={SECRET_HEADER: SECRET}) as response:
            assert response.status == 413
    assert not [call for call in setup.server.request_log if call.method == "sendMessage"]


async def test_a_replay_after_a_restart_is_ignored(setup: Setup) -> None:
    port = free_port()
    config = WebhookSettings(
        public_url=public_webhook_url(f"http://127.0.0.1:{port}/cchc", TOKEN),
        listen="127.0.0.1",
        port=port,
        secret=SECRET,
    )
    user = setup.server.add_user(5006, "Chủ tịch Tài Văn")
    update = {
        "update_id": 900004,
        "message": {
            "message_id": 1,
            "date": 1709604000,
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    url = f"http://127.0.0.1:{port}{config.path}"
    for _ in range(2):  # the same update, before and after a restart of the bot
        application = build_application(setup.runtime, TOKEN, with_scheduler=False)
        async with serving_webhook(application, config), aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
                assert response.status == 200
            await setup.server.wait_until_idle(timeout=10)
            await asyncio.wait_for(application.update_queue.join(), timeout=10)
    assert len([c for c in setup.server.request_log if c.method == "sendMessage"]) == 1


def test_an_unusable_webhook_url_is_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_BOT_TOKEN", TOKEN)
    result = CliRunner().invoke(app, ["run", "--webhook-url", "ftp://example.org/x"])
    assert result.exit_code == 1
    assert "is not a URL like https://" in result.stderr
    assert "Traceback" not in result.stderr


async def test_cchc_bot_run_serves_a_webhook_and_stops_on_sigterm(
    setup: Setup, tmp_path: Path
) -> None:
    port = free_port()
    # The subprocess runs on the real clock, so the invite must be fresh by it too.
    invite = await AccountService(setup.runtime.session_factory, system_clock).create_invite(
        Role.HEAD, "xa_tai_van"
    )
    token = invite.token
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CCHC_")},
        "CCHC_BOT_TOKEN": TOKEN,
        "CCHC_TELEGRAM_API_URL": setup.server.base_url,
        "CCHC_TELEGRAM_FILE_URL": setup.server.file_base_url,
        "CCHC_DATABASE_URL": f"sqlite+aiosqlite:///{setup.database}",
        "CCHC_BOT_USERNAME": "cchc_hook_bot",
        "CCHC_WEBHOOK_SECRET": SECRET,
        "CCHC_LOG_FORMAT": "json",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bot.py"),
        "run",
        "--webhook-url",
        f"http://127.0.0.1:{port}/",
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await setup.server.wait_for(
            lambda: setup.server.state.webhook is not None, timeout=30, what="setWebhook"
        )
        hook = setup.server.state.webhook
        assert hook is not None
        assert hook.url == f"http://127.0.0.1:{port}/{secret_path(TOKEN)}"
        assert hook.secret_token == SECRET
        setup.server.add_user(5004, "Chủ tịch Tài Văn")
        setup.server.send_text(5004, f"/start {token}")
        replies = await setup.server.wait_for_bot_messages(5004, timeout=15)
        assert "Đã liên kết" in (replies[-1].text or "")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    log = stderr.decode()
    assert process.returncode == 0, log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    messages = [line["message"] for line in lines]
    assert "webhook set" in messages
    assert "stopping CCHC Bot (webhook)" in messages
    assert TOKEN not in log
    assert SECRET not in log
    assert secret_path(TOKEN) not in log
    assert token not in log
