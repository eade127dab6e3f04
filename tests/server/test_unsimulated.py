"""Methods the server does not simulate still answer a valid success, and are counted."""

from __future__ import annotations

from cchc_bot.local_bot_api import LocalTelegramServer

from .raw_http import RawBotApi


async def test_a_stand_in_success_is_counted_while_simulated_calls_are_not(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    sent = await raw_api("sendMessage", {"chat_id": user.id, "text": "ghim"})
    pin = {"chat_id": user.id, "message_id": sent.result["message_id"]}
    assert (await raw_api("pinChatMessage", pin)).result is True
    assert (await raw_api("pinChatMessage", pin)).result is True
    assert telegram_server.unsimulated_calls == {"pinChatMessage": 2}
    assert telegram_server.call_counts["sendMessage"] == 1
