"""The control API does over HTTP what the Python control methods do."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.sandbox.local_bot import BotRunner

from .raw_http import RawBotApi


async def _control(server: LocalTelegramServer, action: str, **arguments: Any) -> Any:
    async with httpx.AsyncClient(timeout=10.0) as client:
        response = await client.post(f"{server.control_url}/{action}", json=arguments)
    body = response.json()
    assert response.status_code == 200, body
    return body["result"]


async def _reply_with_length(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(f"{len(message.text or message.caption or '')} ký tự")


async def test_a_conversation_driven_entirely_over_http(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    await ptb_app_factory(
        configure=lambda app: app.add_handler(MessageHandler(filters.ALL, _reply_with_length))
    )
    user = await _control(telegram_server, "add_user", first_name="Bình", user_id=555)
    assert user == {
        "id": 555,
        "is_bot": False,
        "first_name": "Bình",
        "language_code": "vi",
        "started": True,
        "blocked": False,
        "deactivated": False,
    }

    await _control(telegram_server, "send_text", user_id=555, text="Xin chào")
    replies = await _control(telegram_server, "wait_for_bot_messages", chat_id=555, count=1)
    assert [reply["text"] for reply in replies] == ["8 ký tự"]

    document = base64.b64encode(b"1,2,3").decode()
    await _control(
        telegram_server,
        "send_document",
        user_id=555,
        file_name="so_lieu.csv",
        content_base64=document,
        caption="Quý I",
    )
    await _control(telegram_server, "wait_for_bot_messages", chat_id=555, count=1)
    assert await _control(telegram_server, "wait_until_idle") is True

    transcript = await _control(telegram_server, "transcript", chat_id=555)
    assert [(m["from_bot"], m["kind"], m["text"]) for m in transcript] == [
        (False, "text", "Xin chào"),
        (True, "text", "8 ký tự"),
        (False, "document", None),
        (True, "text", "5 ký tự"),
    ]
    counters = await _control(telegram_server, "counters")
    assert counters["calls"]["sendMessage"] == 2
    assert counters["pending_updates"] == 0


async def test_faults_rate_limits_and_clock_over_http(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    rule = await _control(
        telegram_server, "inject_fault", kind="retry_after", method="sendMessage", retry_after=2
    )
    assert (rule["kind"], rule["times"], rule["fired"]) == ("retry_after", 1, 0)
    assert (await raw_api("sendMessage", {"chat_id": user.id, "text": "x"})).status == 429
    limits = await _control(telegram_server, "rate_limits", enabled=True, per_chat_burst=5)
    assert (limits["enabled"], limits["per_chat_burst"]) == (True, 5)
    assert telegram_server.rate_limiter.enabled

    now = await _control(telegram_server, "clock", at="2024-06-10T08:00:00+07:00", frozen=True)
    assert now == {"now": "2024-06-10T08:00:00+07:00"}
    sent = await raw_api("sendMessage", {"chat_id": user.id, "text": "y"})
    assert sent.result["date"] == 1717981200


async def test_control_errors_are_clear(telegram_server: LocalTelegramServer) -> None:
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{telegram_server.control_url}/teleport", json={})
        impossible = await client.post(
            f"{telegram_server.control_url}/press_button",
            json={"user_id": 1, "message_id": 1, "text": "A"},
        )
        timeout = await client.post(
            f"{telegram_server.control_url}/wait_for_bot_messages",
            json={"chat_id": 1, "timeout": 0.01},
        )

    assert unknown.status_code == 404
    assert impossible.status_code == 400
    assert "no user 1" in impossible.json()["error"]
    assert timeout.status_code == 408


async def test_state_and_commands_can_be_read_over_http(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    await raw_api("setMyCommands", {"commands": [{"command": "help", "description": "Trợ giúp"}]})
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{telegram_server.control_url}/commands", params={"user_id": user.id}
        )
        state = await client.get(f"{telegram_server.control_url}/state")

    assert response.json()["result"] == [{"command": "help", "description": "Trợ giúp"}]
    assert state.json()["result"]["bot"]["username"] == "cchc_test_bot"
