"""The bulk-send lease: one process sends bulk messages at a time, the others wait."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.bulk_pacing import LEASE_SECONDS, BulkSendLeaseHolder
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reminders import (
    Deliver,
    DeliveryOutcome,
    DeliveryResult,
    ReminderMessage,
    ReminderService,
)
from db.models import BulkSendLease
from db.session import SessionFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Wall:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2024, 3, 4, 1, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


async def test_one_holder_at_a_time_until_released(session_factory: SessionFactory) -> None:
    wall = Wall()
    bot = BulkSendLeaseHolder(session_factory, holder="bot", wall_clock=wall)
    cron = BulkSendLeaseHolder(session_factory, holder="cron", wall_clock=wall)
    assert await bot.try_take()
    assert not await cron.try_take()
    assert await bot.try_take()  # renewing is taking again
    await bot.release()
    assert await cron.try_take()
    assert not await bot.try_take()


async def test_a_dead_holders_lease_expires(session_factory: SessionFactory) -> None:
    wall = Wall()
    dead = BulkSendLeaseHolder(session_factory, holder="killed", wall_clock=wall)
    cron = BulkSendLeaseHolder(session_factory, holder="cron", wall_clock=wall)
    assert await dead.try_take()
    wall.now += dt.timedelta(seconds=LEASE_SECONDS - 0.5)
    assert not await cron.try_take()
    wall.now += dt.timedelta(seconds=1)
    assert await cron.try_take()
    async with session_factory() as session:
        assert await session.scalar(select(BulkSendLease.holder)) == "cron"


async def test_the_lease_is_shared_within_a_process(session_factory: SessionFactory) -> None:
    wall = Wall()
    bot = BulkSendLeaseHolder(session_factory, holder="bot", wall_clock=wall)
    cron = BulkSendLeaseHolder(session_factory, holder="cron", wall_clock=wall)
    async with bot.held():
        async with bot.held():  # a /remind nudge while the tick sends
            assert not await cron.try_take()
        assert not await cron.try_take()  # the tick still sends
    assert await cron.try_take()


async def test_a_waiting_sender_gets_the_lease_when_the_other_is_done(
    session_factory: SessionFactory,
) -> None:
    wall = Wall()
    slept: list[float] = []
    bot = BulkSendLeaseHolder(session_factory, holder="bot", wall_clock=wall)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            await bot.release()

    cron = BulkSendLeaseHolder(session_factory, holder="cron", wall_clock=wall, sleep=sleep)
    assert await bot.try_take()
    await cron.take()
    assert len(slept) == 3
    assert not await bot.try_take()


async def test_two_senders_never_send_at_once_and_send_each_reminder_once(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    clock.set(dt.datetime(2024, 2, 20, 9, 0, tzinfo=TZ))
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    units = [unit.code for unit in bundled_config.units.units][:12]
    for number, unit in enumerate(units):
        invite = await accounts.create_invite(Role.HEAD, unit)
        await accounts.link(TelegramIdentity(2000 + number, f"Người {number}"), invite.token)

    delivered: list[int] = []
    overlaps: list[str] = []

    def sender(name: str) -> tuple[ReminderService, Deliver]:
        lease = BulkSendLeaseHolder(session_factory, holder=name)
        reminders = ReminderService(session_factory, bundled_config, clock, TZ, lease=lease)

        async def deliver(message: ReminderMessage) -> DeliveryResult:
            async with session_factory() as session:
                holder = await session.scalar(select(BulkSendLease.holder))
            if holder != name:
                overlaps.append(name)
            delivered.append(message.telegram_user_id)
            await asyncio.sleep(0.002)  # a round trip to Telegram
            return DeliveryResult(DeliveryOutcome.SENT, message_id=len(delivered))

        return reminders, deliver

    due = dt.datetime(2024, 3, 4, 8, 5, tzinfo=TZ)
    (bot, bot_deliver), (cron, cron_deliver) = sender("bot"), sender("cron")
    expected = sorted(
        item.telegram_user_id for item in (await bot.run(None, at=due, dry_run=True)).due
    )
    assert len(expected) >= 6
    reports = await asyncio.gather(bot.run(bot_deliver, at=due), cron.run(cron_deliver, at=due))

    assert sorted(delivered) == expected  # each once
    assert sum(len(report.sent) for report in reports) == len(expected)
    assert overlaps == []  # whoever sent held the lease
