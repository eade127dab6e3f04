"""Reminders go out exactly once: two bot processes and a cron `remind` on one database.

Every process here is a real OS process (`tests/e2e/reminder_process.py` runs the bot's
Application with its scheduled tick; `bot.py remind` is the operator's cron command), all
talking to one local Telegram server, and every message is counted at that server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from telegram.ext import AIORateLimiter, ExtBot

from cchc_bot.access import Role
from cchc_bot.cli.reminders import remind_json
from cchc_bot.clock import MovableClock
from cchc_bot.config.base import UnitKind
from cchc_bot.config.loading import load_configuration
from cchc_bot.local_bot_api import FaultKind, LocalTelegramServer
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reminders import DeliveryResult, ReminderMessage, ReminderService
from db.models import ReminderLog
from db.session import SessionFactory, create_engine, create_session_factory
from handlers.telegram.reminder_delivery import deliver

# One PostgreSQL, as in production; SQLite's concurrent claims are pinned in tests/db (each
# process start here costs seconds, so the file runs once, not once per database).
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

TOKEN = "7000000003:AAH-cchc-bot-e2e-token-0123456789abcdef"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# 08:05 on Monday 4 March 2024: Quý I's "5 working days before the deadline" reminder is
# due for every unit; its "opened" reminder of 26 February is past the grace window.
DUE = dt.datetime(2024, 3, 4, 8, 5, tzinfo=HANOI)
KIND = "before_5"
ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("reminder_process.py")
FIRST_USER_ID = 810_000_000
UNITS = 10
WAIT = 60.0


@dataclass
class District:
    """Ten communes with a head and a staff member each, and the server they talk to."""

    server: LocalTelegramServer
    members: list[int]
    session_factory: SessionFactory
    env: dict[str, str]
    workdir: Path

    def messages(self, user_id: int) -> int:
        """How many messages the bot's account put in this person's chat, at the server."""
        return len(self.server.bot_messages(user_id, include_deleted=True))


@pytest.fixture
async def district(database_url: str, tmp_path: Path) -> AsyncIterator[District]:
    """Twenty linked people in ten units, a local Telegram server, and the processes' env."""
    clock = MovableClock(DUE, frozen=True)
    config = load_configuration(bundled_config_dir())
    engine = create_engine(database_url)
    session_factory = create_session_factory(engine)
    await sync_configuration(session_factory, config, clock, DUE.date())
    communes = [unit.code for unit in config.units.units if unit.kind is UnitKind.XA][:UNITS]
    accounts = AccountService(session_factory, clock)
    members: list[int] = []
    for code in communes:
        for role in (Role.HEAD, Role.STAFF):
            user_id = FIRST_USER_ID + len(members)
            invite = await accounts.create_invite(role, code)
            await accounts.link(TelegramIdentity(user_id, f"Cán bộ {user_id}"), invite.token)
            members.append(user_id)
    try:
        async with LocalTelegramServer(token=TOKEN, clock=clock) as server:
            for user_id in members:
                server.add_user(user_id, f"Cán bộ {user_id}")
            env = {key: value for key, value in os.environ.items() if not key.startswith("CCHC_")}
            env.update(
                CCHC_DATABASE_URL=database_url,
                CCHC_BOT_TOKEN=TOKEN,
                CCHC_TELEGRAM_API_URL=server.base_url,
                CCHC_TELEGRAM_FILE_URL=server.file_base_url,
                CCHC_TIMEZONE="Asia/Ho_Chi_Minh",
            )
            yield District(server, members, session_factory, env, tmp_path)
            assert not server.internal_errors, server.internal_errors
    finally:
        await engine.dispose()


class BotProcess:
    """A running bot process; the test fires its reminder tick and reads what it did."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @classmethod
    async def start(cls, district: District, name: str, *, poll: bool) -> BotProcess:
        """Spawn the process and wait until its Application is up."""
        log = district.workdir / f"{name}.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(RUNNER),
                "--at",
                DUE.isoformat(),
                *(["--poll"] if poll else []),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                env=district.env,
                cwd=district.workdir,
            )
        bot = cls(process, log)
        await bot.expect("ready")
        return bot

    async def expect(self, event: str) -> dict[str, Any]:
        """The process's next line, which must announce `event`."""
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), WAIT)
        except TimeoutError:
            line = b""
        assert line, f"no {event!r} from the bot process:\n{self.log.read_text()}"
        message: dict[str, Any] = json.loads(line)
        assert message["event"] == event, message
        return message

    async def say(self, line: str) -> None:
        """Send the process one command line."""
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()

    async def tick(self, at: dt.datetime) -> dict[str, Any]:
        """Fire the scheduled reminder job at `at`; return the run's report."""
        await self.say(f"tick {at.isoformat()}")
        return await self.expect("ran")

    async def stop(self) -> None:
        """Stop the bot as an operator would, and check it exited cleanly."""
        if self.process.returncode is None:
            await self.say("stop")
        code = await asyncio.wait_for(self.process.wait(), WAIT)
        assert code == 0, self.log.read_text()

    def kill(self) -> None:
        """Cleanup after a failed test."""
        if self.process.returncode is None:
            self.process.kill()


@pytest.fixture
async def bots(district: District) -> AsyncIterator[list[BotProcess]]:
    """Two bot processes on the database: one polling for updates, one not (one may poll)."""
    started = await asyncio.gather(
        BotProcess.start(district, "bot-1", poll=True),
        BotProcess.start(district, "bot-2", poll=False),
        return_exceptions=True,
    )
    running = [bot for bot in started if isinstance(bot, BotProcess)]
    try:
        for outcome in started:
            if isinstance(outcome, BaseException):
                raise outcome
        yield running
        await asyncio.gather(*(bot.stop() for bot in running))
    finally:
        for bot in running:
            bot.kill()
            await bot.process.wait()


async def start_remind(district: District, at: dt.datetime) -> asyncio.subprocess.Process:
    """Start `python bot.py remind --at AT --json`, as cron would run it."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "remind",
        "--at",
        at.isoformat(),
        "--json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=district.env,
        cwd=district.workdir,
    )


async def finish_remind(process: asyncio.subprocess.Process) -> dict[str, Any]:
    """Wait for a `remind` run and return its `--json` report."""
    out, err = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode == 0, err.decode()
    report: dict[str, Any] = json.loads(out)
    return report


async def remind_here(district: District, at: dt.datetime) -> dict[str, Any]:
    """What `remind --at AT` does, in this process (the cron run after a crash, say)."""
    clock = MovableClock(at, frozen=True)
    service = ReminderService(
        district.session_factory, load_configuration(bundled_config_dir()), clock, HANOI
    )
    server = district.server
    async with ExtBot(
        TOKEN,
        base_url=server.base_url,
        base_file_url=server.file_base_url,
        rate_limiter=AIORateLimiter(max_retries=5),
    ) as bot:

        async def send(message: ReminderMessage) -> DeliveryResult:
            return await deliver(bot, message)

        report = await service.run(send, at=at)
    return remind_json(report, HANOI, dry_run=False)


def people(reports: list[dict[str, Any]], outcome: str) -> list[int]:
    """Everyone the runs list under an outcome, once per listing (so duplicates show)."""
    return sorted(item["telegram_user_id"] for report in reports for item in report[outcome])


async def statuses(district: District) -> dict[int, tuple[str, int]]:
    """Each member's claim row of the due reminder: (status, attempts)."""
    async with district.session_factory() as session:
        rows = (await session.scalars(select(ReminderLog).where(ReminderLog.kind == KIND))).all()
    by_member = {row.member_id: (row.status, row.attempts) for row in rows}
    assert len(by_member) == len(rows)
    return by_member


async def test_two_bots_and_a_cron_run_send_each_reminder_exactly_once(
    district: District, bots: list[BotProcess]
) -> None:
    server = district.server
    flaky = district.members[5]
    # Rules are taken in order: this person's first send answers 500, then every send is a
    # tenth of a second slow, so the three runs are still sending when the others start.
    server.inject_fault(FaultKind.SERVER_ERROR, method="sendMessage", chat_id=flaky)
    server.inject_fault(FaultKind.DELAY, method="sendMessage", times=1000, delay=0.1)

    cron = await start_remind(district, DUE)
    await server.wait_for(
        lambda: bool(server.calls("sendMessage")), timeout=WAIT, what="the cron run's first send"
    )
    reports = await asyncio.gather(finish_remind(cron), *(bot.tick(DUE) for bot in bots))

    everyone_else = sorted(m for m in district.members if m != flaky)
    assert people(reports, "sent") == everyone_else
    assert people(reports, "failed") == [flaky]
    assert people(reports, "skipped") == sorted(district.members)  # the week-old "opened"
    shares = [len(report["sent"]) for report in reports]
    assert sum(1 for share in shares if share) >= 2, f"the runs did not overlap: {shares}"
    assert {m: district.messages(m) for m in district.members} == {
        m: 0 if m == flaky else 1 for m in district.members
    }
    assert len(server.calls("sendMessage")) == len(district.members)  # nobody tried twice

    # Two minutes on, the backoff is over: both bots tick at once, one of them retries.
    later = DUE + dt.timedelta(minutes=2)
    retries = await asyncio.gather(*(bot.tick(later) for bot in bots))
    assert people(retries, "sent") == [flaky]
    assert people(retries, "failed") == []
    assert {m: district.messages(m) for m in district.members} == dict.fromkeys(district.members, 1)
    recorded = await statuses(district)
    assert sorted(recorded.values()) == [("sent", 1)] * (len(district.members) - 1) + [("sent", 2)]

    # And a run an hour later finds nothing left to send.
    final = await remind_here(district, DUE + dt.timedelta(hours=1))
    assert final["sent"] == final["failed"] == []
    assert len(server.calls("sendMessage", ok=True)) == len(district.members)


@pytest.mark.parametrize(
    "telegram_acted",
    [pytest.param(True, id="delivered-answer-lost"), pytest.param(False, id="never-delivered")],
)
async def test_a_run_killed_between_claim_and_answer_sends_at_most_one(
    district: District, telegram_acted: bool
) -> None:
    server = district.server
    victim = district.members[7]
    # The send to the victim hangs (after Telegram delivered it, or before): kill -9 then.
    server.inject_fault(
        FaultKind.TIMEOUT, method="sendMessage", chat_id=victim, execute=telegram_acted
    )
    cron = await start_remind(district, DUE)
    try:
        await server.wait_for(
            lambda: bool(server.calls("sendMessage", chat_id=victim)),
            timeout=WAIT,
            what="the send to the victim",
        )
        if telegram_acted:
            await server.wait_for_bot_messages(victim, 1, after=0, timeout=WAIT)
    finally:
        cron.kill()
        await cron.wait()
    assert cron.returncode != 0

    restarted = await remind_here(district, DUE + dt.timedelta(minutes=5))
    assert victim not in people([restarted], "sent")
    hour_later = await remind_here(district, DUE + dt.timedelta(hours=1))
    assert hour_later["sent"] == hour_later["failed"] == []

    expected = {m: 1 for m in district.members}
    expected[victim] = 1 if telegram_acted else 0  # at most one: a claim is never re-sent
    assert {m: district.messages(m) for m in district.members} == expected
    assert len(server.calls("sendMessage", chat_id=victim)) == 1
    recorded = await statuses(district)
    assert sorted(recorded.values()) == [("claimed", 1)] + [("sent", 1)] * (
        len(district.members) - 1
    )
