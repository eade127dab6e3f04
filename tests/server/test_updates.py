"""getUpdates, update shapes and ids, and dates from the injectable clock."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Bot, Update

from cchc_bot.clock import MovableClock
from cchc_bot.local_bot_api import LocalTelegramServer

from .raw_http import RawBotApi

HANOI = dt.timezone(dt.timedelta(hours=7))


async def test_long_poll_answers_as_soon_as_an_update_arrives(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    poll = asyncio.create_task(raw_api("getUpdates", {"timeout": 30}))
    await telegram_server.wait_for(
        lambda: telegram_server.call_counts["getUpdates"] == 1, what="the long poll to arrive"
    )
    assert not poll.done()

    telegram_server.send_text(user.id, "Chào")
    answer = await asyncio.wait_for(poll, timeout=5)

    assert [update["message"]["text"] for update in answer.result] == ["Chào"]


async def test_offset_confirms_updates_and_limit_caps_the_batch(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    for text in ("một", "hai", "ba"):
        telegram_server.send_text(user.id, text)

    first = (await raw_api("getUpdates", {"limit": 2})).result
    assert [u["update_id"] for u in first] == [1, 2]
    again = (await raw_api("getUpdates", {"offset": 2})).result
    assert [u["message"]["text"] for u in again] == ["hai", "ba"]
    last = (await raw_api("getUpdates", {"offset": -1})).result
    assert [u["update_id"] for u in last] == [3]
    assert (await raw_api("getUpdates", {"offset": 4})).result == []
    assert telegram_server.is_idle()


async def test_a_second_poller_terminates_the_first_with_conflict(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    first = asyncio.create_task(raw_api("getUpdates", {"timeout": 30}))
    await telegram_server.wait_for(lambda: telegram_server.call_counts["getUpdates"] == 1)

    second = await raw_api("getUpdates")
    terminated = await asyncio.wait_for(first, timeout=5)

    assert second.result == []
    assert (terminated.status, terminated.description) == (
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )


async def test_allowed_updates_filter_what_the_bot_receives(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    telegram_server.send_text(user.id, "bị lọc")
    assert (await raw_api("getUpdates", {"allowed_updates": ["callback_query"]})).result == []
    telegram_server.send_text(user.id, "cũng bị lọc")
    assert telegram_server.state.updates == []

    await raw_api("getUpdates", {"allowed_updates": []})  # back to Telegram's default set
    telegram_server.send_text(user.id, "đến")
    assert [u["message"]["text"] for u in (await raw_api("getUpdates")).result] == ["đến"]


async def test_every_kind_of_user_message_parses_as_a_ptb_update(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user(first_name="Tâm", last_name="Nguyễn", username="tam_ng")
    other = telegram_server.add_user()
    group = telegram_server.add_chat("group", members=[user.id])
    text = telegram_server.send_text(user.id, "/report@cchc_test_bot 2024-Q1 /help")
    telegram_server.edit_text(user.id, text.message_id, "/report 2024-Q2")
    telegram_server.send_sticker(user.id)
    telegram_server.send_voice(user.id)
    telegram_server.send_location(user.id, 9.53, 106.2)
    telegram_server.send_contact(user.id, "+84901234567", "Tâm", contact_user_id=user.id)
    telegram_server.forward_message(user.id, "chuyển tiếp", origin_user_id=other.id)
    telegram_server.forward_message(user.id, "ẩn danh", origin_name="Ai đó")
    telegram_server.send_text(user.id, "/status@cchc_test_bot trong nhóm", chat_id=group.id)
    telegram_server.send_text(user.id, "trả lời", reply_to=text.message_id)

    raw_updates = (await raw_api("getUpdates")).result
    async with Bot(telegram_server.token, base_url=telegram_server.base_url) as bot:
        updates = [Update.de_json(raw, bot) for raw in raw_updates]

    first = updates[0].message
    assert first is not None
    assert first.parse_entities() == {
        first.entities[0]: "/report@cchc_test_bot",
        first.entities[1]: "/help",
    }
    assert updates[1].edited_message is not None
    assert updates[1].edited_message.text == "/report 2024-Q2"
    kinds = [update.effective_message.effective_attachment for update in updates[2:6]]  # type: ignore[union-attr]
    assert [type(kind).__name__ for kind in kinds] == ["Sticker", "Voice", "Location", "Contact"]
    assert updates[6].message is not None
    assert updates[6].message.forward_origin is not None
    assert updates[6].message.forward_origin.type == "user"
    assert updates[8].effective_chat is not None
    assert updates[8].effective_chat.type == "group"
    assert updates[9].message is not None
    assert updates[9].message.reply_to_message is not None
    assert [u.update_id for u in updates] == list(range(1, 11))


async def test_message_ids_increase_per_chat_and_dates_follow_the_clock(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    clock = MovableClock(dt.datetime(2024, 3, 11, 23, 59, 59, tzinfo=HANOI), frozen=True)
    telegram_server.clock = clock
    first, second = telegram_server.add_user(), telegram_server.add_user()

    a1 = telegram_server.send_text(first.id, "a")
    b1 = telegram_server.send_text(second.id, "b")
    clock.advance(dt.timedelta(minutes=1))
    reply = (await raw_api("sendMessage", {"chat_id": first.id, "text": "c"})).result

    assert (a1.message_id, b1.message_id, reply["message_id"]) == (1, 1, 2)
    assert a1.date == int(dt.datetime(2024, 3, 11, 23, 59, 59, tzinfo=HANOI).timestamp())
    assert reply["date"] == a1.date + 60


async def test_privacy_mode_hides_group_chatter_but_not_what_is_meant_for_the_bot(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    group = telegram_server.add_chat("supergroup", members=[user.id])
    bot_message = (await raw_api("sendMessage", {"chat_id": group.id, "text": "Nhắc"})).result

    for text in ("chuyện phiếm", "/help@other_bot", "/help", "hỏi @cchc_test_bot"):
        telegram_server.send_text(user.id, text, chat_id=group.id)
    telegram_server.send_text(user.id, "ừ", chat_id=group.id, reply_to=bot_message["message_id"])

    texts = [u["message"]["text"] for u in (await raw_api("getUpdates")).result]
    assert texts == ["/help", "hỏi @cchc_test_bot", "ừ"]
    assert (await raw_api("getMe")).result["can_read_all_group_messages"] is False

    group.bot_status = "left"
    telegram_server.send_text(user.id, "/help", chat_id=group.id)
    assert telegram_server.state.updates[-1].payload["text"] == "ừ"
