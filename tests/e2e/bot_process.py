"""`cchc-bot run` as a real process against the local Telegram server (start-up, crash tests)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import bot
from cchc_bot.access import Role
from cchc_bot.clock import system_clock
from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.services.accounts import AccountService
from cchc_bot.services.config_sync import sync_configuration
from handlers.telegram.webhook import secret_path

REPO = Path(bot.__file__).resolve().parent
TOKEN = "7000000003:AAH-cchc-bot-process-token-0123456789ab"
SECRET = "process-webhook-secret_0123456789"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def prepared_runtime(
    database_url: str, tmp_path: Path, config_dir: Path | None = None
) -> Runtime:
    """A runtime on a migrated database, synced with a configuration (bundled by default)."""
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        config_dir=config_dir or bundled_config_dir(),
        files_dir=tmp_path / "files",
    )
    runtime = open_runtime(settings, system_clock)
    today = dt.datetime.now(settings.tz).date()
    await sync_configuration(runtime.session_factory, runtime.config, system_clock, today)
    return runtime


async def head_invite(runtime: Runtime, unit: str = "xa_tai_van") -> str:
    """A fresh head invite by the real clock (the process runs on it)."""
    invite = await AccountService(runtime.session_factory, system_clock).create_invite(
        Role.HEAD, unit
    )
    return invite.token


def bot_env(server: LocalTelegramServer, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `cchc-bot run` process talking to the local server."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("CCHC_")},
        "CCHC_BOT_TOKEN": server.token,
        "CCHC_TELEGRAM_API_URL": server.base_url,
        "CCHC_TELEGRAM_FILE_URL": server.file_base_url,
        "CCHC_DATABASE_URL": database_url,
        "CCHC_BOT_USERNAME": server.bot.username or "cchc_process_bot",
        "CCHC_WEBHOOK_SECRET": SECRET,
        "CCHC_LOG_FORMAT": "json",
        **extra,
    }


@dataclass
class BotProcess:
    """A running `cchc-bot run` and how to reach it."""

    process: asyncio.subprocess.Process
    webhook_port: int | None

    async def stop(self, *, timeout: float = 30) -> tuple[int, str]:  # noqa: ASYNC109
        """SIGTERM (if still running), then its exit code and stderr."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(self.process.communicate(), timeout=timeout)
        assert self.process.returncode is not None
        return self.process.returncode, stderr.decode(errors="replace")

    async def exited(self, *, timeout: float = 60) -> tuple[int, str]:  # noqa: ASYNC109
        """Wait for the process to end by itself: its exit code and stderr."""
        _, stderr = await asyncio.wait_for(self.process.communicate(), timeout=timeout)
        assert self.process.returncode is not None
        return self.process.returncode, stderr.decode(errors="replace")

    async def kill(self) -> str:
        """`kill -9`: no cleanup of any kind; returns what it had logged."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        _, stderr = await asyncio.wait_for(self.process.communicate(), timeout=30)
        return stderr.decode(errors="replace")


async def start_bot_process(env: dict[str, str], cwd: Path, *, webhook: bool = False) -> BotProcess:
    """Start `python bot.py run` (long polling, or a webhook on a free loopback port)."""
    arguments = [sys.executable, str(REPO / "bot.py"), "run"]
    port = None
    if webhook:
        port = free_port()
        arguments += ["--webhook-url", f"http://127.0.0.1:{port}/", "--port", str(port)]
    process = await asyncio.create_subprocess_exec(
        *arguments,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    return BotProcess(process, port)


def webhook_path(token: str = TOKEN) -> str:
    """The path a process started by `start_bot_process(webhook=True)` answers on."""
    return f"/{secret_path(token)}"
