"""Injected faults reach python-telegram-bot as the exceptions real outages raise."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ChatMemberHandler, ContextTypes

from cchc_bot.local_bot_api import FaultKind, LocalTelegramServer
from cchc_bot.sandbox.local_bot import BotRunner

from .raw_http import RawBotApi


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_fault_raises_retry_after_then_lets_calls_through(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    rule = telegram_server.inject_fault(
        FaultKind.RETRY_AFTER, method="sendMessage", chat_id=user.id, times=2, retry_after=3
    )

    for _ in range(2):
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(user.id, "Nhắc hạn báo cáo")
    await bot.send_message(user.id, "Nhắc hạn báo cáo")

    assert rule.fired == 2
    assert rule.remaining == 0
    assert telegram_server.too_many_requests == 2
    assert [m.text for m in telegram_server.bot_messages(user.id)] == ["Nhắc hạn báo cáo"]


async def test_retry_after_envelope_carries_parameters(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    telegram_server.inject_fault("retry_after", retry_after=7)
    answer = await raw_api("sendMessage", {"chat_id": user.id, "text": "x"})
    assert (answer.status, answer.body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )


@pytest.mark.parametrize(
    ("kind", "status"), [(FaultKind.SERVER_ERROR, 500), (FaultKind.BAD_GATEWAY, 502)]
)
async def test_server_side_failures_raise_network_error_and_deliver_nothing(
    telegram_server: LocalTelegramServer,
    ptb_app_factory: BotRunner,
    kind: FaultKind,
    status: int,
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    telegram_server.inject_fault(kind, method="sendMessage")

    with pytest.raises(NetworkError) as raised:
        await bot.send_message(user.id, "x")

    assert not isinstance(raised.value, TimedOut)
    assert telegram_server.calls("sendMessage")[-1].status == status
    assert telegram_server.bot_messages(user.id) == []


async def test_timeout_fault_raises_timed_out_and_loses_the_call(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    telegram_server.inject_fault(FaultKind.TIMEOUT, method="sendMessage")

    with pytest.raises(TimedOut):
        await bot.send_message(user.id, "x", read_timeout=0.2)

    assert telegram_server.bot_messages(user.id) == []
    await bot.send_message(user.id, "lần hai")
    assert [m.text for m in telegram_server.bot_messages(user.id)] == ["lần hai"]


async def test_timeout_after_execution_delivers_although_the_client_saw_a_timeout(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    telegram_server.inject_fault(FaultKind.TIMEOUT, method="sendMessage", execute=True)

    with pytest.raises(TimedOut):
        await bot.send_message(user.id, "đã gửi", read_timeout=0.2)

    assert [m.text for m in telegram_server.bot_messages(user.id)] == ["đã gửi"]
    await telegram_server.wait_until_idle()  # a hung answer does not keep the bot busy


async def test_delay_fault_answers_late_but_succeeds(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    telegram_server.inject_fault(FaultKind.DELAY, method="sendMessage", delay=0.2)
    loop = asyncio.get_running_loop()

    started = loop.time()
    message = await bot.send_message(user.id, "chậm")

    assert loop.time() - started >= 0.19  # timers may fire a hair early
    assert message.text == "chậm"


async def test_faults_are_consumed_in_order_and_only_for_their_chat(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    first, second = telegram_server.add_user(), telegram_server.add_user()
    telegram_server.inject_fault("retry_after", chat_id=first.id)
    telegram_server.inject_fault("server_error", chat_id=first.id)

    statuses = [
        (await raw_api("sendMessage", {"chat_id": chat, "text": "x"})).status
        for chat in (second.id, first.id, first.id, first.id)
    ]

    assert statuses == [200, 429, 500, 200]
    assert [(f.kind, f.chat_id) for f in telegram_server.faults.fired] == [
        (FaultKind.RETRY_AFTER, first.id),
        (FaultKind.SERVER_ERROR, first.id),
    ]
    assert telegram_server.faults.count() == 2
    assert telegram_server.faults.pending() == 0


async def test_blocked_and_never_started_users_raise_forbidden(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    blocker = telegram_server.add_user()
    stranger = telegram_server.add_user(started=False)
    telegram_server.block_bot(blocker.id)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(blocker.id, "x")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(stranger.id, "x")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(1234, "x")


async def test_blocking_reaches_the_bot_as_my_chat_member(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    statuses: list[str] = []

    async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member is not None
        statuses.append(update.my_chat_member.new_chat_member.status)

    await ptb_app_factory(
        configure=lambda app: app.add_handler(
            ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER)
        )
    )
    user = telegram_server.add_user()
    telegram_server.block_bot(user.id)
    await telegram_server.wait_until_idle()
    telegram_server.unblock_bot(user.id)
    await telegram_server.wait_until_idle()

    assert statuses == ["kicked", "member"]
