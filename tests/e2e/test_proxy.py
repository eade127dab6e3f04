"""Every Telegram call of every command goes through the operator's proxy (`CCHC_PROXY_URL`).

A real forward proxy (`tests/e2e/forwarding_proxy.py`) runs as a process on loopback and logs
each request; each command runs as an OS process, as an operator starts it; the local
Telegram server counts every Bot API call it receives. A command passes when each call the
server saw came through the proxy.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import load_configuration
from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.sandbox.local_bot import server_settings
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from db.session import create_engine, create_session_factory

TOKEN = "7000000005:AAH-cchc-bot-proxy-token-0123456789abcdef"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# 08:05 on Monday 4 March 2024: Quý I's "5 working days before the deadline" reminder is due.
DUE = dt.datetime(2024, 3, 4, 8, 5, tzinfo=HANOI)
HEAD_ID = 820_000_001
ROOT = Path(__file__).resolve().parents[2]
PROXY_SCRIPT = Path(__file__).with_name("forwarding_proxy.py")
WAIT = 60.0
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@dataclass
class ForwardingProxy:
    """The proxy process's address and what it logged."""

    url: str
    log: Path

    def lines(self) -> list[str]:
        """Every request line logged so far."""
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def bot_api_methods(self) -> list[str]:
        """The Bot API methods of the requests forwarded so far, in order."""
        methods = []
        for line in self.lines():
            _verb, _, target = line.partition(" ")
            path = urlsplit(target).path
            if path.startswith(f"/bot{TOKEN}/"):
                methods.append(path.rsplit("/", 1)[1])
        return methods


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[ForwardingProxy]:
    """The forwarding proxy, a process of its own on a free loopback port."""
    log = tmp_path / "proxy.log"
    process = subprocess.Popen(
        [sys.executable, str(PROXY_SCRIPT), "--log", str(log)], stdout=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        assert line.startswith("listening "), line
        yield ForwardingProxy(f"http://127.0.0.1:{line.split()[1]}", log)
    finally:
        process.terminate()
        process.wait(10)


@dataclass
class Installation:
    """A synced SQLite database with one linked head, the local server, the processes' env."""

    server: LocalTelegramServer
    env: dict[str, str]
    workdir: Path
    stderr: str = ""

    async def command(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        """Run `python bot.py ARGS` to the end; return its exit code and stdout."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env or self.env,
            cwd=self.workdir,
        )
        async with asyncio.timeout(WAIT):
            out, err = await process.communicate()
        self.stderr = err.decode()
        return process.returncode or 0, out.decode()

    def methods_seen(self) -> list[str]:
        """The Bot API methods the server received so far, in order."""
        return [record.method for record in self.server.request_log]


@pytest.fixture
async def installation(
    tmp_path: Path, sqlite_template: Path, proxy: ForwardingProxy
) -> AsyncIterator[Installation]:
    """The bundled configuration synced, a head of xã Tài Văn linked, env pointing at the proxy."""
    database = tmp_path / "cchc.db"
    shutil.copyfile(sqlite_template, database)
    url = f"sqlite+aiosqlite:///{database}"
    clock = MovableClock(DUE, frozen=True)
    engine = create_engine(url)
    try:
        session_factory = create_session_factory(engine)
        config = load_configuration(bundled_config_dir())
        await sync_configuration(session_factory, config, clock, DUE.date())
        accounts = AccountService(session_factory, clock)
        invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
        await accounts.link(TelegramIdentity(HEAD_ID, "Chủ tịch Tài Văn"), invite.token)
    finally:
        await engine.dispose()
    (tmp_path / "files").mkdir()
    async with LocalTelegramServer(token=TOKEN, bot_username="cchc_proxy_bot") as server:
        server.add_user(HEAD_ID, "Chủ tịch Tài Văn")
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("CCHC_") and key.upper() not in PROXY_VARIABLES
        }
        env.update(
            CCHC_DATABASE_URL=url,
            CCHC_BOT_TOKEN=TOKEN,
            CCHC_TELEGRAM_API_URL=server.base_url,
            CCHC_TELEGRAM_FILE_URL=server.file_base_url,
            CCHC_FILES_DIR=str(tmp_path / "files"),
            CCHC_PROXY_URL=proxy.url,
        )
        yield Installation(server, env, tmp_path)
        assert not server.internal_errors, server.internal_errors


def assert_all_through_proxy(installation: Installation, proxy: ForwardingProxy) -> list[str]:
    """Every call the server received was forwarded by the proxy; return those methods."""
    seen = installation.methods_seen()
    assert seen, "the command made no Telegram call"
    assert sorted(proxy.bot_api_methods()) == sorted(seen)
    return seen


async def test_doctor_asks_getme_through_the_proxy(
    installation: Installation, proxy: ForwardingProxy
) -> None:
    code, out = await installation.command("doctor", "--json")
    checks = {check["name"]: check for check in json.loads(out)}
    assert checks["token"]["status"] == "ok", checks["token"]
    assert "getMe" in assert_all_through_proxy(installation, proxy)
    assert code in (0, 1)  # other checks (reminders ahead of today's date) may fail; not ours


async def test_invite_asks_the_username_through_the_proxy(
    installation: Installation, proxy: ForwardingProxy
) -> None:
    code, out = await installation.command(
        "invite", "--unit", "xa_dai_an_2", "--role", "head", "--json"
    )
    assert code == 0, out
    assert json.loads(out)["link"].startswith("https://t.me/cchc_proxy_bot?start=")
    assert "getMe" in assert_all_through_proxy(installation, proxy)


async def test_remind_sends_through_the_proxy(
    installation: Installation, proxy: ForwardingProxy
) -> None:
    code, out = await installation.command("remind", "--at", DUE.isoformat(), "--json")
    assert code == 0, installation.stderr
    report = json.loads(out)
    assert [item["telegram_user_id"] for item in report["sent"]] == [HEAD_ID]
    assert "sendMessage" in assert_all_through_proxy(installation, proxy)
    assert installation.server.bot_messages(HEAD_ID)


async def test_revoke_resets_the_menu_through_the_proxy(
    installation: Installation, proxy: ForwardingProxy
) -> None:
    code, out = await installation.command("revoke", str(HEAD_ID))
    assert code == 0, out
    assert "could not reset" not in out
    assert "deleteMyCommands" in assert_all_through_proxy(installation, proxy)


async def test_run_polls_and_replies_through_the_proxy(
    installation: Installation, proxy: ForwardingProxy
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "run",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=installation.env,
        cwd=installation.workdir,
    )
    try:
        installation.server.send_text(HEAD_ID, "/help")  # waits for the bot's first poll
        await installation.server.wait_for_bot_messages(HEAD_ID, timeout=WAIT)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        async with asyncio.timeout(WAIT):
            _, err = await process.communicate()
    seen = assert_all_through_proxy(installation, proxy)
    assert {"getMe", "getUpdates", "sendMessage"} <= set(seen), err.decode()


async def test_the_standard_https_proxy_variable_is_honoured(
    installation: Installation, proxy: ForwardingProxy
) -> None:
    env = {key: value for key, value in installation.env.items() if key != "CCHC_PROXY_URL"}
    # An https Bot API that only the proxy could reach: the proxy sees the CONNECT.
    env.update(CCHC_TELEGRAM_API_URL="https://api.telegram.invalid/bot", HTTPS_PROXY=proxy.url)
    _code, out = await installation.command("doctor", "--json", env=env)
    checks = {check["name"]: check for check in json.loads(out)}
    assert checks["token"]["status"] == "fail"
    assert "CONNECT api.telegram.invalid:443" in proxy.lines()


def test_a_proxy_url_must_be_an_http_url() -> None:
    assert Settings(_env_file=None, proxy_url=" http://10.0.0.1:3128 ").proxy_url == (
        "http://10.0.0.1:3128"
    )
    assert Settings(_env_file=None, proxy_url="").proxy_url is None
    with pytest.raises(ValueError, match="proxy"):
        Settings(_env_file=None, proxy_url="proxy.local:3128")


async def test_the_sandbox_reaches_its_local_server_without_the_office_proxy() -> None:
    office = Settings(_env_file=None, proxy_url="http://10.0.0.1:3128")
    async with LocalTelegramServer(token=TOKEN) as server:
        assert server_settings(server, office).proxy_url is None
