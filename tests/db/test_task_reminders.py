"""Task reminders: once per task and head, before the due day, on working days in office
hours, never for a task reported done; overdue tasks in the coordinators' digest."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reminders import (
    DeliveryOutcome,
    DeliveryResult,
    ReminderMessage,
    ReminderService,
)
from db import repositories, task_progress
from db.models import QuestionnaireVersion, Submission, Unit
from db.session import SessionFactory, create_engine, create_session_factory
from db.task_progress import ProgressRow
from handlers.telegram.reminder_delivery import render_reminder

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOI_VU_HEAD, TU_PHAP_HEAD, COORDINATOR = 201, 202, 203


def at(text: str) -> dt.datetime:
    """An instant in Hanoi time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


class Outbox:
    """A fake Telegram that records every delivery."""

    def __init__(self) -> None:
        self.messages: list[ReminderMessage] = []

    async def __call__(self, message: ReminderMessage) -> DeliveryResult:
        """Deliver one message."""
        self.messages.append(message)
        return DeliveryResult(DeliveryOutcome.SENT, message_id=len(self.messages))

    def tasks(self) -> list[tuple[int, str]]:
        """(Telegram id, kind) of the task reminders delivered."""
        return sorted((m.telegram_user_id, m.kind) for m in self.messages if m.task is not None)


@pytest.fixture
async def linked(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    """Heads of Phòng Nội vụ and Phòng Tư pháp, and a coordinator."""
    clock.set(at("2024-02-20T09:00"))
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    for user, role, unit in (
        (NOI_VU_HEAD, Role.HEAD, "p_noi_vu"),
        (TU_PHAP_HEAD, Role.HEAD, "p_tu_phap"),
        (COORDINATOR, Role.COORDINATOR, None),
    ):
        invite = await accounts.create_invite(role, unit)
        await accounts.link(TelegramIdentity(user, "Người dùng"), invite.token)


# The Q1 tasks are due on 10/3/2024 (Quý I's data window ends): Phòng Nội vụ's two plans,
# Phòng Tư pháp's law-monitoring plan. Monday 4/3 08:05 is 6 days before, in office hours.
EXPECTED = [
    (NOI_VU_HEAD, "task-kh_kiem_tra"),
    (NOI_VU_HEAD, "task-kh_tuyen_truyen"),
    (TU_PHAP_HEAD, "task-kh_theo_doi_thi_hanh_pl"),
]


async def test_a_task_due_within_seven_days_earns_its_head_one_reminder(
    session_factory: SessionFactory, bundled_config: Configuration, linked: None
) -> None:
    reminders = ReminderService(
        session_factory, bundled_config, MovableClock(at("2024-03-04T08:05")), TZ
    )
    early = Outbox()
    await reminders.run(early, at=at("2024-03-02T09:00"))  # a Saturday, 8 days before
    assert early.tasks() == []
    outbox = Outbox()
    report = await reminders.run(outbox, at=at("2024-03-04T08:05"))
    assert outbox.tasks() == EXPECTED
    assert sorted(item.kind for item in report.sent if item.kind.startswith("task-")) == [
        kind for _, kind in sorted(EXPECTED, key=lambda pair: pair[1])
    ]
    assert {item.period for item in report.sent if item.kind.startswith("task-")} == {"2024-NV"}
    again = Outbox()
    await reminders.run(again, at=at("2024-03-05T10:00"))
    assert again.tasks() == []
    text = render_reminder(next(m for m in outbox.messages if m.kind == "task-kh_kiem_tra"))
    assert text.startswith("⏰ Nhiệm vụ «Ban hành Kế hoạch kiểm tra cải cách hành chính năm 2024»")
    assert "10/3/2024" in text
    assert "còn 6 ngày" in text


async def test_no_task_reminder_outside_office_hours_or_for_a_task_reported_done(
    session_factory: SessionFactory, bundled_config: Configuration, linked: None
) -> None:
    reminders = ReminderService(
        session_factory, bundled_config, MovableClock(at("2024-03-04T08:05")), TZ
    )
    night = Outbox()
    await reminders.run(night, at=at("2024-03-04T20:00"))
    assert night.tasks() == []
    async with session_factory.begin() as session:
        unit = await session.scalar(select(Unit.id).where(Unit.code == "p_noi_vu"))
        version = await session.scalar(select(QuestionnaireVersion.id))
        assert unit is not None
        assert version is not None
        period = await repositories.get_or_create_period(session, "2024-Q1", "Q1", 2024)
        now = at("2024-03-01T09:00")
        submission = Submission(
            unit_id=unit,
            period_id=period.id,
            questionnaire_version_id=version,
            state="submitted",
            created_at=now,
            updated_at=now,
        )
        session.add(submission)
        await session.flush()
        done = ProgressRow("kh_tuyen_truyen", "", "", "done", completed_on=dt.date(2024, 3, 1))
        await task_progress.replace_progress(session, submission.id, [done], None, now)
    outbox = Outbox()
    await reminders.run(outbox, at=at("2024-03-04T08:05"))
    assert outbox.tasks() == [pair for pair in EXPECTED if pair[1] != "task-kh_tuyen_truyen"]


async def test_two_processes_send_each_task_reminder_once(
    database_url: str,
    session_factory: SessionFactory,
    bundled_config: Configuration,
    linked: None,
) -> None:
    clock = MovableClock(at("2024-03-04T08:05"))
    other_engine = create_engine(database_url)
    try:
        other = ReminderService(create_session_factory(other_engine), bundled_config, clock, TZ)
        mine = ReminderService(session_factory, bundled_config, clock, TZ)
        outbox = Outbox()
        reports = await asyncio.gather(
            *(svc.run(outbox, at=at("2024-03-04T08:05")) for svc in (mine, other, mine, other))
        )
    finally:
        await other_engine.dispose()
    sent = [item for report in reports for item in report.sent if item.kind.startswith("task-")]
    assert len(sent) == 3
    assert outbox.tasks() == EXPECTED


async def test_overdue_tasks_are_listed_in_the_coordinators_digest(
    session_factory: SessionFactory, bundled_config: Configuration, linked: None
) -> None:
    reminders = ReminderService(
        session_factory, bundled_config, MovableClock(at("2024-03-13T08:35")), TZ
    )
    outbox = Outbox()
    await reminders.run(outbox, at=at("2024-03-13T08:35"))  # after Quý I's deadline
    digests = [m for m in outbox.messages if m.telegram_user_id == COORDINATOR]
    assert digests, [m.kind for m in outbox.messages]
    titles = [task.title for task in digests[0].overdue_tasks]
    assert titles[:3] == [
        "Ban hành Kế hoạch kiểm tra cải cách hành chính năm 2024",
        "Ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2024",
        "Xây dựng Kế hoạch theo dõi tình hình thi hành pháp luật các lĩnh vực trọng tâm năm 2024",
    ]
    text = render_reminder(digests[0])
    assert "Nhiệm vụ của Kế hoạch quá hạn: 3" in text
    assert len(text) <= 4096
