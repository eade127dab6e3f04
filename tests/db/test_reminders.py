"""Reminder service on a real database: claimed once, retried, unreachable, skipped, digests."""

from __future__ import annotations

import asyncio
import dataclasses
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
from db import repositories
from db.models import Member, QuestionnaireVersion, ReminderLog, Submission, Unit
from db.session import SessionFactory, create_engine, create_session_factory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> dt.datetime:
    """An instant in Hanoi time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


class Outbox:
    """A fake Telegram: records each delivery and answers with scripted outcomes."""

    def __init__(self, outcomes: list[DeliveryOutcome] | None = None) -> None:
        self.messages: list[ReminderMessage] = []
        self._outcomes = list(outcomes or [])

    async def __call__(self, message: ReminderMessage) -> DeliveryResult:
        """Deliver one message."""
        self.messages.append(message)
        outcome = self._outcomes.pop(0) if self._outcomes else DeliveryOutcome.SENT
        if outcome is DeliveryOutcome.SENT:
            return DeliveryResult(outcome, message_id=len(self.messages))
        return DeliveryResult(outcome, error="scripted")


@pytest.fixture
async def linked(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> dict[str, int]:
    """The bundled units with a head of Xã Tài Văn, staff of Phòng Tư pháp and a coordinator."""
    clock.set(at("2024-02-20T09:00"))
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    people = {"head": 101, "staff": 102, "coordinator": 103}
    for role, unit, user_id in (
        (Role.HEAD, "xa_tai_van", people["head"]),
        (Role.STAFF, "p_tu_phap", people["staff"]),
        (Role.COORDINATOR, None, people["coordinator"]),
    ):
        invite = await accounts.create_invite(role, unit)
        await accounts.link(TelegramIdentity(user_id, f"Người {user_id}"), invite.token)
    return people


def service(
    session_factory: SessionFactory, config: Configuration, clock: MovableClock
) -> ReminderService:
    """A reminder service for the test database."""
    return ReminderService(session_factory, config, clock, TZ)


async def submit(
    session_factory: SessionFactory, unit_code: str, period_code: str, state: str
) -> None:
    """Put a unit's report for a period in a state."""
    async with session_factory.begin() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        version = await session.scalar(select(QuestionnaireVersion))
        assert unit is not None
        assert version is not None
        period = await repositories.get_or_create_period(
            session, period_code, period_code[5:], 2024
        )
        existing = await session.scalar(
            select(Submission).where(
                Submission.unit_id == unit.id, Submission.period_id == period.id
            )
        )
        now = dt.datetime.now(dt.UTC)
        if existing is None:
            session.add(
                Submission(
                    unit_id=unit.id,
                    period_id=period.id,
                    questionnaire_version_id=version.id,
                    state=state,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            existing.state = state


async def test_due_reminders_go_out_once_and_old_ones_are_skipped(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    reminders = service(session_factory, bundled_config, clock)
    outbox = Outbox()
    first = await reminders.run(outbox, at=at("2024-03-04T08:05"))
    assert sorted((item.telegram_user_id, item.kind) for item in first.sent) == [
        (linked["head"], "before_5"),
        (linked["staff"], "before_5"),
    ]
    # The "opened" reminder of 26/2 is a week old: recorded as skipped, never sent.
    assert sorted(item.kind for item in first.skipped) == ["opened", "opened"]
    assert all(message.period.code == "2024-Q1" for message in outbox.messages)

    again = await reminders.run(outbox, at=at("2024-03-04T08:06"))
    assert again.sent == again.skipped == []
    assert len(outbox.messages) == 2
    dry = await reminders.run(None, at=at("2024-03-04T08:06"), dry_run=True)
    assert dry.due == []


async def test_concurrent_runs_from_two_processes_send_each_reminder_once(
    database_url: str,
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    other_engine = create_engine(database_url)
    try:
        other = service(create_session_factory(other_engine), bundled_config, clock)
        mine = service(session_factory, bundled_config, clock)
        outbox = Outbox()
        reports = await asyncio.gather(
            *(svc.run(outbox, at=at("2024-03-07T08:01")) for svc in (mine, other, mine, other))
        )
    finally:
        await other_engine.dispose()
    sent = [item for report in reports for item in report.sent]
    assert len(sent) == 2
    assert len(outbox.messages) == 2
    assert {item.kind for item in sent} == {"before_2"}


async def test_a_failed_reminder_is_retried_with_backoff_and_delivered_once(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    reminders = service(session_factory, bundled_config, clock)
    outbox = Outbox([DeliveryOutcome.FAILED, DeliveryOutcome.FAILED])
    clock.set(at("2024-03-08T08:00"))
    first = await reminders.run(outbox)
    assert len(first.failed) == 2
    assert first.sent == []
    soon = await reminders.run(outbox)  # backoff not over yet
    assert soon.sent == []
    clock.advance(dt.timedelta(minutes=2))
    later = await reminders.run(outbox)
    assert len(later.sent) == 2
    assert len(outbox.messages) == 4
    async with session_factory() as session:
        rows = (
            await session.scalars(select(ReminderLog).where(ReminderLog.kind == "before_1"))
        ).all()
    assert [(row.status, row.attempts) for row in rows] == [("sent", 2), ("sent", 2)]


async def test_blocked_member_is_marked_unreachable_and_not_retried(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    reminders = service(session_factory, bundled_config, clock)
    outbox = Outbox([DeliveryOutcome.UNREACHABLE, DeliveryOutcome.SENT])
    clock.set(at("2024-03-11T07:31"))
    report = await reminders.run(outbox)
    assert len(report.unreachable) == 1
    assert len(report.sent) == 1
    clock.advance(dt.timedelta(hours=2))
    assert (await reminders.run(outbox)).sent == []
    async with session_factory() as session:
        member = await session.scalar(
            select(Member).where(Member.telegram_user_id == report.unreachable[0].telegram_user_id)
        )
    assert member is not None
    assert member.reachable is False
    assert member.unreachable_since is not None


async def test_a_crash_between_claim_and_send_never_sends_twice(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    reminders = service(session_factory, bundled_config, clock)
    calls = 0

    async def crash(message: ReminderMessage) -> DeliveryResult:
        nonlocal calls
        calls += 1
        raise asyncio.CancelledError  # the process dies mid-send

    with pytest.raises(asyncio.CancelledError):
        await reminders.run(crash, at=at("2024-03-04T08:05"))
    outbox = Outbox()
    await reminders.run(outbox, at=at("2024-03-04T08:10"))
    assert calls == 1
    assert len(outbox.messages) == 1  # the other member's claim was never reached: sent now
    async with session_factory() as session:
        statuses = sorted(
            (
                await session.scalars(
                    select(ReminderLog.status).where(ReminderLog.kind == "before_5")
                )
            ).all()
        )
    assert statuses == ["claimed", "sent"]


async def test_submitting_stops_reminders_and_returning_brings_them_back(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    reminders = service(session_factory, bundled_config, clock)
    await submit(session_factory, "xa_tai_van", "2024-Q1", "submitted")
    outbox = Outbox()
    report = await reminders.run(outbox, at=at("2024-03-07T08:01"))
    assert [item.unit for item in report.sent] == ["p_tu_phap"]
    await submit(session_factory, "xa_tai_van", "2024-Q1", "returned")
    report = await reminders.run(outbox, at=at("2024-03-08T08:01"))
    assert sorted(item.unit or "" for item in report.sent) == ["p_tu_phap", "xa_tai_van"]


async def test_coordinators_get_one_digest_of_overdue_units_per_day(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    reminders = service(session_factory, bundled_config, clock)
    await submit(session_factory, "p_tu_phap", "2024-Q1", "submitted")
    outbox = Outbox()
    report = await reminders.run(outbox, at=at("2024-03-12T08:31"))
    digests = [m for m in outbox.messages if m.overdue_units]
    assert len(digests) == 1
    assert digests[0].telegram_user_id == linked["coordinator"]
    codes = [unit.code for unit in digests[0].overdue_units]
    assert "xa_tai_van" in codes
    assert "p_tu_phap" not in codes
    unreachable = {unit.code for unit in digests[0].overdue_units if not unit.reachable}
    assert "xa_tai_van" not in unreachable
    assert "xa_vien_an" in unreachable  # nobody linked there: someone must phone them
    assert any(item.kind == "overdue_1" for item in report.sent)
    await reminders.run(outbox, at=at("2024-03-12T10:00"))
    assert len([m for m in outbox.messages if m.overdue_units]) == 1


async def test_the_digest_puts_units_reminded_apart_from_units_without_an_account(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    linked: dict[str, int],
) -> None:
    # Xã Viên An has no account but a phone in units.yaml; Phòng Tư pháp's only member
    # blocked the bot; Xã Tài Văn's head was reminded on 4 March and has not submitted.
    units = [
        unit.model_copy(update={"phone": "0299 3851 234"}) if unit.code == "xa_vien_an" else unit
        for unit in bundled_config.units.units
    ]
    config = dataclasses.replace(
        bundled_config, units=bundled_config.units.model_copy(update={"units": units})
    )
    reminders = service(session_factory, config, clock)
    await reminders.run(Outbox(), at=at("2024-03-04T08:05"))
    async with session_factory.begin() as session:
        staff = await session.scalar(
            select(Member).where(Member.telegram_user_id == linked["staff"])
        )
        assert staff is not None
        staff.reachable = False

    outbox = Outbox()
    await reminders.run(outbox, at=at("2024-03-12T08:31"))

    (digest,) = [m for m in outbox.messages if m.overdue_units]
    by_code = {unit.code: unit for unit in digest.overdue_units}
    assert (by_code["xa_tai_van"].has_account, by_code["xa_tai_van"].reminded) == (True, True)
    assert by_code["xa_tai_van"].reachable
    assert (by_code["p_tu_phap"].has_account, by_code["p_tu_phap"].reachable) == (True, False)
    assert (by_code["xa_vien_an"].has_account, by_code["xa_vien_an"].reachable) == (False, False)
    assert by_code["xa_vien_an"].phone == "0299 3851 234"
    assert by_code["xa_tai_van"].phone is None
    # Every other unit of the district has no account either.
    assert {code for code, unit in by_code.items() if not unit.has_account} == set(by_code) - {
        "xa_tai_van",
        "p_tu_phap",
    }
