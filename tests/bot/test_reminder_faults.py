"""Reminders through the real bot when Telegram misbehaves: 429, 5xx, timeouts, 403."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from cchc_bot.access import Role
from cchc_bot.local_bot_api import CallRecord, FaultKind, MessageRecord
from cchc_bot.services.accounts import TelegramIdentity
from cchc_bot.services.reminders import (
    DeliveryResult,
    ReminderItem,
    ReminderMessage,
    RunReport,
)
from cchc_bot.texts import chat_reminders
from db.models import Member, ReminderLog
from handlers.telegram.reminder_delivery import deliver

from .conftest import HANOI, Harness

HEAD = 3001
COORDINATOR = 3003
OTHER_HEADS = 3100
UNIT = "xa_tai_van"
UNIT_NAME = "Xã Tài Văn"
# 08:01 on Thursday 7 March 2024: Quý I's "2 working days before the deadline" reminder.
BEFORE_2 = dt.datetime(2024, 3, 7, 8, 1, tzinfo=HANOI)


class Watch:
    """What the bot asked the server, and what reached each chat, from now on."""

    def __init__(self, harness: Harness) -> None:
        self.server = harness.server
        self.since_call = len(self.server.request_log)
        self.since_message = {
            user_id: max((m.message_id for m in self.server.transcript(user_id)), default=0)
            for user_id in self.server.state.users
        }

    def sends(self, user_id: int) -> list[CallRecord]:
        """The sendMessage calls to this chat, answered or not."""
        return [
            call
            for call in self.server.calls("sendMessage", chat_id=user_id)
            if call.seq > self.since_call
        ]

    def messages(self, user_id: int) -> list[MessageRecord]:
        """The bot's messages that reached this chat."""
        since = self.since_message.get(user_id, 0)
        return [m for m in self.server.bot_messages(user_id) if m.message_id > since]


async def remind(harness: Harness, at: dt.datetime) -> RunReport:
    """One reminder run at `at`, sent by the running bot's own `Bot` (with its rate limiter)."""
    application = harness.application
    assert application is not None

    async def send(message: ReminderMessage) -> DeliveryResult:
        return await deliver(application.bot, message)

    return await harness.runtime.reminders.run(send, at=at)


def people(items: Sequence[ReminderItem]) -> list[int]:
    """The Telegram ids of a run report's items."""
    return [item.telegram_user_id for item in items]


async def claim_of(harness: Harness, kind: str) -> tuple[str, int]:
    """The (status, attempts) of the head's claim row of a reminder kind."""
    async with harness.runtime.session_factory() as session:
        rows = (
            await session.scalars(
                select(ReminderLog)
                .join(Member, Member.id == ReminderLog.member_id)
                .where(ReminderLog.kind == kind, Member.telegram_user_id == HEAD)
            )
        ).all()
    assert len(rows) == 1, rows
    return rows[0].status, rows[0].attempts


async def link_heads_of_every_other_unit(harness: Harness) -> list[int]:
    """A reachable head in every other unit (linked directly: their /start is not the point)."""
    heads = []
    for number, unit in enumerate(harness.runtime.config.units.units):
        if unit.code == UNIT or not unit.active:
            continue
        user_id = OTHER_HEADS + number
        invite = await harness.runtime.accounts.create_invite(Role.HEAD, unit.code)
        await harness.runtime.accounts.link(
            TelegramIdentity(user_id, f"Thủ trưởng {number}"), invite.token
        )
        harness.user(user_id, f"Thủ trưởng {number}")
        heads.append(user_id)
    return heads


async def test_a_429_is_waited_out_and_the_reminder_delivered_once(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, UNIT)
    watch = Watch(harness)
    harness.server.inject_fault(
        FaultKind.RETRY_AFTER, method="sendMessage", chat_id=HEAD, retry_after=1
    )
    started = time.monotonic()
    report = await remind(harness, BEFORE_2)
    assert time.monotonic() - started >= 1.0  # the rate limiter slept out retry_after
    assert people(report.sent) == [HEAD]
    assert report.failed == report.unreachable == []
    assert [call.status for call in watch.sends(HEAD)] == [429, 200]
    assert len(watch.messages(HEAD)) == 1
    assert await claim_of(harness, "before_2") == ("sent", 1)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(FaultKind.SERVER_ERROR, id="500"),
        pytest.param(FaultKind.BAD_GATEWAY, id="502"),
        # Telegram never acted and the answer never came: the client gives up (read timeout).
        pytest.param(FaultKind.TIMEOUT, id="timeout"),
    ],
)
async def test_server_errors_and_timeouts_are_retried_after_backoff_then_delivered_once(
    harness: Harness, fault: FaultKind
) -> None:
    await harness.link(HEAD, Role.HEAD, UNIT)
    watch = Watch(harness)
    harness.server.inject_fault(fault, method="sendMessage", chat_id=HEAD)

    first = await remind(harness, BEFORE_2)
    assert people(first.failed) == [HEAD]
    assert first.sent == []
    assert watch.messages(HEAD) == []
    assert await claim_of(harness, "before_2") == ("failed", 1)

    during_backoff = await remind(harness, BEFORE_2 + dt.timedelta(seconds=30))
    assert during_backoff.sent == during_backoff.failed == []
    assert len(watch.sends(HEAD)) == 1

    after_backoff = await remind(harness, BEFORE_2 + dt.timedelta(minutes=2))
    assert people(after_backoff.sent) == [HEAD]
    assert (await remind(harness, BEFORE_2 + dt.timedelta(minutes=10))).sent == []
    assert len(watch.messages(HEAD)) == 1
    assert len(watch.sends(HEAD)) == 2
    assert watch.sends(HEAD)[-1].ok
    assert await claim_of(harness, "before_2") == ("sent", 2)


async def test_the_backoff_doubles_after_each_failure(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, UNIT)
    watch = Watch(harness)
    harness.server.inject_fault(FaultKind.SERVER_ERROR, method="sendMessage", times=2)
    assert people((await remind(harness, BEFORE_2)).failed) == [HEAD]  # next try after 1 min
    second = BEFORE_2 + dt.timedelta(minutes=1, seconds=30)
    assert people((await remind(harness, second)).failed) == [HEAD]  # next after 2 more
    assert (await remind(harness, second + dt.timedelta(minutes=1, seconds=30))).sent == []
    assert people((await remind(harness, second + dt.timedelta(minutes=3))).sent) == [HEAD]
    assert len(watch.sends(HEAD)) == 3
    assert len(watch.messages(HEAD)) == 1
    assert await claim_of(harness, "before_2") == ("sent", 3)


async def test_a_blocked_head_is_unreachable_not_retried_and_listed_for_coordinators(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, UNIT)
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await link_heads_of_every_other_unit(harness)
    harness.server.block_bot(HEAD)
    await harness.server.wait_until_idle(timeout=10)  # the bot hears my_chat_member too
    watch = Watch(harness)

    report = await remind(harness, BEFORE_2)
    assert people(report.unreachable) == [HEAD]
    assert report.failed == []
    assert [call.status for call in watch.sends(HEAD)] == [403]
    assert await claim_of(harness, "before_2") == ("unreachable", 1)

    # Two hours on nothing new is scheduled, and a 403 is never retried.
    later = await remind(harness, BEFORE_2 + dt.timedelta(hours=2))
    assert later.sent == later.failed == later.unreachable == []
    assert len(watch.sends(HEAD)) == 1

    status = await harness.runtime.status.district_status("2024-Q1")
    assert [unit.code for unit in status.units if not unit.reachable] == [UNIT]
    assert status.counts()["unreachable"] == 1

    # After the deadline the coordinators' digest lists the unit among those to phone.
    overdue = await remind(harness, dt.datetime(2024, 3, 12, 8, 31, tzinfo=HANOI))
    assert COORDINATOR in people(overdue.sent)
    assert people(overdue.unreachable) == [HEAD]  # a new reminder is tried: 403 again
    (digest,) = watch.messages(COORDINATOR)
    assert digest.text is not None
    heading = "Không nhắc được qua Telegram"
    assert heading in chat_reminders.DIGEST_UNREACHABLE_TITLE
    _, _, rest = digest.text.partition(heading)
    to_phone, _, _ = rest.partition("\n\n")  # the section ends with a blank line
    phoned = [line for line in to_phone.splitlines() if line.startswith("•")]
    assert len(phoned) == 1
    assert phoned[0].startswith(f"• {UNIT_NAME} — ")
    assert watch.messages(HEAD) == []
