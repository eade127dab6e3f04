"""The real bot (PTB Application) against the local Telegram server, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import build_application
from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.local_bot_api import LocalTelegramServer, MessageRecord
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.sandbox.local_bot import BotRunner, server_settings
from cchc_bot.services.config_sync import sync_configuration
from handlers.telegram.context import CchcApplication

TOKEN = "7000000001:AAH-cchc-bot-tests-token-0123456789abc"
HANOI = dt.timezone(dt.timedelta(hours=7))
QUIET = 0.15


class Harness:
    """Acts as Telegram users talking to the real bot, and reads what the bot answered."""

    def __init__(
        self, server: LocalTelegramServer, runtime: Runtime, runner: BotRunner, clock: MovableClock
    ) -> None:
        self.server = server
        self.runtime = runtime
        self.runner = runner
        self.clock = clock
        self.application: CchcApplication | None = None

    async def start_bot(self) -> CchcApplication:
        """Build and start the bot's Application (again, after a stop, for restart tests)."""

        def build(settings: Settings) -> Any:
            return build_application(self.runtime, TOKEN, with_scheduler=False)

        self.application = await self.runner(build)
        return self.application

    async def stop_bot(self) -> None:
        """Stop the running Application, as a process exit would."""
        await self.runner.close()
        self.application = None

    def user(self, user_id: int, name: str = "Người dùng") -> None:
        """Make a Telegram account that has started the bot."""
        self.server.add_user(user_id, name)

    async def replies(
        self, user_id: int, *, after: int | None = None, count: int = 1
    ) -> list[MessageRecord]:
        """Wait for the bot's answer to the last action and everything it sends with it."""
        await self.server.wait_for_bot_messages(user_id, count, after=after, timeout=10)
        await self.server.wait_until_idle(timeout=10, quiet=QUIET)
        since = after
        if since is None:
            mine = [m for m in self.server.transcript(user_id) if not m.from_bot]
            since = mine[-1].message_id if mine else 0
        return [m for m in self.server.transcript(user_id) if m.from_bot and m.message_id > since]

    async def say(self, user_id: int, text: str, *, count: int = 1) -> list[MessageRecord]:
        """The user types a message; returns the bot's answers (at least `count` of them)."""
        self.server.send_text(user_id, text)
        return await self.replies(user_id, count=count)

    async def press(
        self,
        user_id: int,
        button_text: str,
        *,
        message: MessageRecord | None = None,
        count: int = 0,
    ) -> list[MessageRecord]:
        """The user presses a button (on the given message, else the newest with that button);
        returns the bot's new messages, waiting for at least `count` of them (a press may only
        edit a message or show a toast, so none by default)."""
        target = message or self.message_with_button(user_id, button_text)
        last = self.server.transcript(user_id)[-1].message_id
        self.server.press_button(user_id, target.message_id, text=button_text)
        if count:
            await self.server.wait_for_bot_messages(user_id, count, after=last, timeout=10)
        await self.server.wait_until_idle(timeout=10, quiet=QUIET)
        return [m for m in self.server.transcript(user_id) if m.from_bot and m.message_id > last]

    def message_with_button(self, user_id: int, button_text: str) -> MessageRecord:
        """The newest bot message offering a button with that text."""
        for record in reversed(self.server.transcript(user_id)):
            if record.from_bot and not record.deleted and button_text in record.button_texts:
                return record
        raise AssertionError(
            f"no message offers {button_text!r}:\n{self.server.describe_chat(user_id)}"
        )

    async def link(
        self, user_id: int, role: Role, unit: str | None = None, name: str = "Người dùng"
    ) -> None:
        """Invite and link an account, as an operator and the person would."""
        invite = await self.runtime.accounts.create_invite(role, unit)
        self.user(user_id, name)
        answers = await self.say(user_id, f"/start {invite.token}")
        assert "Đã liên kết" in (answers[-1].text or ""), answers[-1].text


@pytest.fixture
def start_instant() -> dt.datetime:
    """When the bot's clock starts: 09:00 on 5 March 2024 (Quý I/2024 open, due 11/3)."""
    return dt.datetime(2024, 3, 5, 9, 0, tzinfo=HANOI)


@pytest.fixture
def config_dir() -> Path:
    """The configuration the bot runs with (a test module may override this fixture)."""
    return bundled_config_dir()


@pytest.fixture
async def harness(
    tmp_path: Path, sqlite_template: Path, start_instant: dt.datetime, config_dir: Path
) -> AsyncIterator[Harness]:
    """A running bot on a fresh SQLite file, talking to a fresh local Telegram server."""
    database = tmp_path / "cchc.db"
    shutil.copyfile(sqlite_template, database)
    clock = MovableClock(start_instant)
    async with LocalTelegramServer(
        token=TOKEN, bot_username="cchc_test_bot", clock=clock
    ) as server:
        base = Settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{database}",
            config_dir=config_dir,
            files_dir=tmp_path / "files",
        )
        runtime = open_runtime(server_settings(server, base), clock)
        await sync_configuration(
            runtime.session_factory, runtime.config, clock, clock().astimezone(HANOI).date()
        )
        async with BotRunner(server, poll_timeout=2.0) as runner:
            harness = Harness(server, runtime, runner, clock)
            await harness.start_bot()
            yield harness
        await runtime.close()
        assert not runner.handler_errors, runner.handler_errors
        assert not server.internal_errors, server.internal_errors
