"""The bulk-send timetable in the database: processes interleave, one message per slot."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.bulk_pacing import BulkPacing, SlotSupply
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reminders import (
    DeliveryOutcome,
    DeliveryResult,
    ReminderMessage,
    ReminderService,
)
from db.models import BulkSendSlot
from db.session import SessionFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class FixedWall:
    """A wall clock that stands still unless moved."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_slots_are_taken_in_turn_after_the_latest_one(
    session_factory: SessionFactory,
) -> None:
    wall = FixedWall(1_700_000_000.0)
    bot = BulkPacing(per_second=29, wall_clock=wall)
    cron = BulkPacing(per_second=29, wall_clock=wall)
    first = 1_700_000_000 * 29  # the slot starting now
    taken: list[int] = []
    for pacing, count in ((bot, 1), (cron, 3), (bot, 2)):
        async with session_factory.begin() as session:
            taken += await pacing.reserve(session, count)
    assert taken == [first + n for n in range(6)]

    wall.now += 10.0  # ten seconds later the timetable starts again from now
    async with session_factory.begin() as session:
        assert await cron.reserve(session) == [first + 290]


async def test_a_slot_that_started_over_half_a_slot_ago_is_not_taken(
    session_factory: SessionFactory,
) -> None:
    per_second = 20  # slots of 50 ms
    wall = FixedWall(1_700_000_000.0 + 0.02)  # 20 ms into a slot: still taken
    pacing = BulkPacing(per_second=per_second, wall_clock=wall)
    async with session_factory.begin() as session:
        assert await pacing.reserve(session) == [1_700_000_000 * per_second]
    wall.now = 1_700_000_100.0 + 0.03  # 30 ms into a slot: the next one
    async with session_factory.begin() as session:
        assert await pacing.reserve(session) == [1_700_000_100 * per_second + 1]


async def test_a_sender_takes_slots_ahead_and_skips_the_ones_it_was_late_for(
    session_factory: SessionFactory,
) -> None:
    wall = FixedWall(1_700_000_000.0)
    first = 1_700_000_000 * 29
    bot = SlotSupply(BulkPacing(per_second=29, wall_clock=wall), session_factory, ahead=4)
    cron = SlotSupply(BulkPacing(per_second=29, wall_clock=wall), session_factory, ahead=4)
    assert [await bot.next() for _ in range(2)] == [first, first + 1]
    # The bot took four at its first send and still holds first+2 and first+3: the cron run
    # takes the four after them.
    assert await cron.next() == first + 4
    wall.now += 5 / 29  # the bot was busy for five slots: first+2 and first+3 went by unused
    # Down to none usable, it takes four after the latest anyone holds (cron's first+7).
    assert await bot.next() == first + 8
    await bot.close()
    await cron.close()


async def test_old_slots_are_dropped(session_factory: SessionFactory) -> None:
    wall = FixedWall(1_700_000_000.0)
    pacing = BulkPacing(per_second=32, wall_clock=wall)  # 1.7e9 × 32 is a multiple of 256
    async with session_factory.begin() as session:
        session.add_all(BulkSendSlot(slot=n) for n in (1, 2, 3))
    async with session_factory.begin() as session:
        (slot,) = await pacing.reserve(session)
    assert slot % 256 == 0
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(BulkSendSlot)) == 1


async def test_two_senders_share_one_timetable_and_send_each_reminder_once(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    clock.set(dt.datetime(2024, 2, 20, 9, 0, tzinfo=TZ))
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    units = [unit.code for unit in bundled_config.units.units][:12]
    for number, unit in enumerate(units):
        invite = await accounts.create_invite(Role.HEAD, unit)
        await accounts.link(TelegramIdentity(2000 + number, f"Người {number}"), invite.token)

    per_second = 200  # 5 ms slots keep the test short; the rule is the same at 29
    sends: list[tuple[str, int, float]] = []

    def sender(name: str) -> ReminderService:
        pacing = BulkPacing(per_second=per_second)
        reminders = ReminderService(session_factory, bundled_config, clock, TZ, pacing=pacing)
        wait_for = pacing.wait_for

        async def timed_wait(slot: int) -> float:
            slept = await wait_for(slot)
            sends.append((name, slot, time.time()))
            return slept

        pacing.wait_for = timed_wait  # type: ignore[method-assign]
        return reminders

    delivered: list[int] = []

    async def deliver(message: ReminderMessage) -> DeliveryResult:
        delivered.append(message.telegram_user_id)
        await asyncio.sleep(0.002)  # a round trip to Telegram
        return DeliveryResult(DeliveryOutcome.SENT, message_id=len(delivered))

    due = dt.datetime(2024, 3, 4, 8, 5, tzinfo=TZ)
    bot, cron = sender("bot"), sender("cron")
    expected = sorted(
        item.telegram_user_id for item in (await bot.run(None, at=due, dry_run=True)).due
    )
    assert len(expected) >= 6
    reports = await asyncio.gather(bot.run(deliver, at=due), cron.run(deliver, at=due))

    assert sorted(delivered) == expected  # each once
    assert sum(len(report.sent) for report in reports) == len(expected)
    slots = [slot for _, slot, _ in sends]
    assert len(set(slots)) == len(slots)  # one message per slot, whichever sender
    for _, slot, sent_at in sends:  # and none before its slot started
        assert sent_at >= slot / per_second
