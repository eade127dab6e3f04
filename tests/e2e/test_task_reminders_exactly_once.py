"""Task reminders go out exactly once: two bot processes and a cron `remind`, one PostgreSQL.

The same real OS processes as `test_reminders_exactly_once.py`, on a copy of the bundled
configuration whose `tasks.yaml` gives the first commune one dated task due four days later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.base import UnitKind
from cchc_bot.config.loading import load_configuration
from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from db.models import ReminderLog
from db.session import create_engine, create_session_factory
from tests.e2e.test_reminders_exactly_once import (
    DUE,
    FIRST_USER_ID,
    TOKEN,
    BotProcess,
    District,
    finish_remind,
    people,
    start_remind,
)

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

TASK_KIND = "task-bc_chuyen_de"


def tasks_file(lead: str) -> str:
    """A task annex with one task led by `lead`, due on Friday 8 March 2024."""
    return (
        "year: 2024\n"
        "tasks:\n"
        "  - id: bc_chuyen_de\n"
        '    title: "Báo cáo chuyên đề về cải cách hành chính"\n'
        "    area: CDDH\n"
        f"    lead: [{lead}]\n"
        "    due: 2024-03-08\n"
        '    product: "Báo cáo"\n'
    )


@pytest.fixture
async def district(database_url: str, tmp_path: Path) -> AsyncIterator[District]:
    """The head and the staff member of the commune that leads the task, and the server."""
    config_dir = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), config_dir)
    bundled = load_configuration(config_dir)
    lead = next(unit.code for unit in bundled.units.units if unit.kind is UnitKind.XA)
    (config_dir / "tasks.yaml").write_text(tasks_file(lead), encoding="utf-8")
    config = load_configuration(config_dir)
    assert config.tasks is not None
    clock = MovableClock(DUE, frozen=True)
    engine = create_engine(database_url)
    session_factory = create_session_factory(engine)
    await sync_configuration(session_factory, config, clock, DUE.date())
    accounts = AccountService(session_factory, clock)
    members: list[int] = []
    for role in (Role.HEAD, Role.STAFF):
        user_id = FIRST_USER_ID + len(members)
        invite = await accounts.create_invite(role, lead)
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
                CCHC_CONFIG_DIR=str(config_dir),
            )
            yield District(server, members, session_factory, env, tmp_path)
            assert not server.internal_errors, server.internal_errors
    finally:
        await engine.dispose()


@pytest.fixture
async def bots(district: District) -> AsyncIterator[list[BotProcess]]:
    """Two bot processes on the database, one of them polling."""
    running = [
        await BotProcess.start(district, "bot-1", poll=True),
        await BotProcess.start(district, "bot-2", poll=False),
    ]
    try:
        yield running
        await asyncio.gather(*(bot.stop() for bot in running))
    finally:
        for bot in running:
            bot.kill()
            await bot.process.wait()


async def test_a_task_reminder_reaches_the_lead_head_once_across_processes(
    district: District, bots: list[BotProcess]
) -> None:
    head, staff = district.members
    cron = await start_remind(district, DUE)
    reports = await asyncio.gather(finish_remind(cron), *(bot.tick(DUE) for bot in bots))

    task_sent = [
        item["telegram_user_id"]
        for report in reports
        for item in report["sent"]
        if item["kind"] == TASK_KIND
    ]
    assert task_sent == [head]  # the head only, once, whichever run claimed it
    # Besides the task: the period's "5 working days before" reminder for both of them.
    assert people(reports, "sent").count(head) == 2
    assert people(reports, "sent").count(staff) == 1
    assert district.messages(head) == 2
    assert district.messages(staff) == 1

    later = DUE + dt.timedelta(hours=1)
    again = await asyncio.gather(*(bot.tick(later) for bot in bots))
    assert people(again, "sent") == []
    async with district.session_factory() as session:
        rows = (
            await session.scalars(select(ReminderLog).where(ReminderLog.kind == TASK_KIND))
        ).all()
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1)]
