"""A reminder fan-out through the real bot, beside people's replies, under Telegram's limits."""

from __future__ import annotations

import asyncio

from cchc_bot.access import Role
from cchc_bot.services.reminders.tasks import is_task_kind
from handlers.telegram.send_pacing import PacedRateLimiter

from .conftest import Harness
from .test_reminder_faults import (
    BEFORE_2,
    COORDINATOR,
    HEAD,
    UNIT,
    link_heads_of_every_other_unit,
    people,
    remind,
)


async def test_a_fan_out_beside_replies_gets_no_429_and_reaches_everyone_once(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, UNIT)
    await harness.link(COORDINATOR, Role.COORDINATOR)
    heads = [HEAD, *await link_heads_of_every_other_unit(harness)]
    assert len(heads) > 30  # more than one second's worth at Telegram's 30 a second
    application = harness.application
    assert application is not None
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, PacedRateLimiter)
    server = harness.server
    server.set_rate_limits(True)  # 30 in any second overall, 1 in any second per chat
    before = len(server.bot_messages(COORDINATOR))

    async def coordinator_types() -> None:
        for _ in range(3):  # one command every two seconds: within the chat limit
            server.send_text(COORDINATOR, "/help")
            await asyncio.sleep(2.0)

    typing = asyncio.create_task(coordinator_types())
    report = await remind(harness, BEFORE_2)
    await typing
    await server.wait_for_bot_messages(COORDINATOR, before + 3, after=0, timeout=10)

    assert server.too_many_requests == 0
    period_reminders = [item for item in report.sent if not is_task_kind(item.kind)]
    assert sorted(people(period_reminders)) == sorted(heads)
    assert report.failed == report.unreachable == []
    for head in heads:  # the period's reminder once, the task reminders of its unit, no more
        task_reminders = sum(
            1 for item in report.sent if item.telegram_user_id == head and is_task_kind(item.kind)
        )
        sent = len(server.calls("sendMessage", chat_id=head, ok=True))
        assert sent == 1 + task_reminders + (head == HEAD)  # HEAD also got its /start answer
    assert len(server.bot_messages(COORDINATOR)) >= before + 3  # every /help was answered
