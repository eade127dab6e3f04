"""Users can press only the buttons the bot really offered, on that very message."""

from __future__ import annotations

from typing import Any

import pytest

from cchc_bot.local_bot_api import LocalTelegramServer, ScenarioError

from .raw_http import RawBotApi

KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Đồng ý", "callback_data": "ok"}, {"text": "Sửa", "callback_data": "edit"}],
        [{"text": "Hướng dẫn", "url": "https://example.org/huong-dan"}],
    ]
}


async def _offer(raw_api: RawBotApi, chat_id: int, markup: dict[str, Any] = KEYBOARD) -> int:
    sent = await raw_api(
        "sendMessage", {"chat_id": chat_id, "text": "Xác nhận?", "reply_markup": markup}
    )
    return int(sent.result["message_id"])


async def test_pressing_an_offered_button_sends_a_callback_query(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user(first_name="Minh")
    message_id = await _offer(raw_api, user.id)

    by_text = telegram_server.press_button(user.id, message_id, text="Sửa")
    by_data = telegram_server.press_button(user.id, message_id, callback_data="ok")

    updates = (await raw_api("getUpdates")).result
    queries = [update["callback_query"] for update in updates]
    assert [query["data"] for query in queries] == ["edit", "ok"]
    assert [query["id"] for query in queries] == [by_text.id, by_data.id]
    assert queries[0]["from"]["first_name"] == "Minh"
    assert queries[0]["message"]["message_id"] == message_id
    assert queries[0]["message"]["reply_markup"] == KEYBOARD
    assert len(telegram_server.unanswered_callback_queries()) == 2


async def test_a_button_the_message_does_not_offer_cannot_be_pressed(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    offered = await _offer(raw_api, user.id)
    plain = await _offer(raw_api, user.id, markup={"remove_keyboard": True})

    with pytest.raises(ScenarioError, match=r"offers no button 'Hủy'; it offers \['Đồng ý'"):
        telegram_server.press_button(user.id, offered, text="Hủy")
    with pytest.raises(ScenarioError, match="offers no inline buttons"):
        telegram_server.press_button(user.id, plain, text="Đồng ý")
    with pytest.raises(ScenarioError, match="not a callback button"):
        telegram_server.press_button(user.id, offered, text="Hướng dẫn")
    with pytest.raises(ScenarioError, match="does not exist"):
        telegram_server.press_button(user.id, 999, text="Đồng ý")
    assert telegram_server.state.updates == []


async def test_buttons_removed_by_an_edit_or_a_deletion_cannot_be_pressed(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    edited = await _offer(raw_api, user.id)
    deleted = await _offer(raw_api, user.id)

    await raw_api("editMessageText", {"chat_id": user.id, "message_id": edited, "text": "Xong"})
    await raw_api("deleteMessage", {"chat_id": user.id, "message_id": deleted})

    with pytest.raises(ScenarioError, match="offers no button"):
        telegram_server.press_button(user.id, edited, text="Đồng ý")
    with pytest.raises(ScenarioError, match="does not exist"):
        telegram_server.press_button(user.id, deleted, text="Đồng ý")


async def test_reply_keyboard_buttons_are_pressed_as_text_while_shown(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    keyboard = {"keyboard": [[{"text": "Có"}, {"text": "Không"}]], "one_time_keyboard": True}
    sent = await raw_api(
        "sendMessage", {"chat_id": user.id, "text": "Gửi?", "reply_markup": keyboard}
    )
    assert "reply_markup" not in sent.result  # Telegram only echoes inline keyboards
    assert telegram_server.last_bot_message(user.id).reply_markup == keyboard

    with pytest.raises(ScenarioError, match="offers"):
        telegram_server.press_keyboard_button(user.id, "Có lẽ")
    pressed = telegram_server.press_keyboard_button(user.id, "Có")

    assert pressed.text == "Có"
    with pytest.raises(ScenarioError, match="shows no reply keyboard"):
        telegram_server.press_keyboard_button(user.id, "Có")  # one-time: gone after use


async def test_force_reply_and_keyboard_removal_are_recorded(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    await raw_api(
        "sendMessage",
        {"chat_id": user.id, "text": "Nhập số", "reply_markup": {"force_reply": True}},
    )
    assert telegram_server.last_bot_message(user.id).reply_markup == {"force_reply": True}
