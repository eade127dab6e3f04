"""Flood limits are off by default and, switched on, answer 429 like Telegram's flood control."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from telegram.error import RetryAfter

from cchc_bot.telegram_server import LocalTelegramServer, RateLimits
from cchc_bot.telegram_server.polling import BotRunner

from .raw_http import RawBotApi


class FakeMonotonic:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> FakeMonotonic:
    """The rate limiter's clock."""
    return FakeMonotonic()


@pytest.fixture
async def limited_api(monotonic: FakeMonotonic) -> AsyncIterator[RawBotApi]:
    """Raw HTTP access to a server whose rate limiter runs on the fake clock."""
    async with (
        LocalTelegramServer(monotonic=monotonic) as server,
        httpx.AsyncClient() as client,
    ):
        server.set_rate_limits(True)
        yield RawBotApi(server, client)


async def _send(api: RawBotApi, chat_id: int) -> int:
    return (await api("sendMessage", {"chat_id": chat_id, "text": "x"})).status


async def test_rate_limits_are_off_by_default(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    statuses = {await _send(raw_api, user.id) for _ in range(40)}
    assert statuses == {200}
    assert telegram_server.too_many_requests == 0


async def test_one_chat_gets_a_small_burst_then_one_message_a_second(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    user = server.add_user()

    assert [await _send(limited_api, user.id) for _ in range(4)] == [200, 200, 200, 429]
    answer = await limited_api("sendMessage", {"chat_id": user.id, "text": "x"})
    assert answer.body["parameters"] == {"retry_after": 1}
    monotonic.now += 1.0
    assert await _send(limited_api, user.id) == 200
    assert server.too_many_requests == 2
    assert len(server.bot_messages(user.id)) == 4


async def test_about_thirty_messages_a_second_overall(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    users = [server.add_user() for _ in range(31)]

    statuses = [await _send(limited_api, user.id) for user in users]

    assert statuses == [200] * 30 + [429]
    monotonic.now += 0.1
    assert await _send(limited_api, users[-1].id) == 200


async def test_groups_get_twenty_messages_a_minute(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    server.set_rate_limits(True, RateLimits(per_chat_burst=100))
    group = server.add_chat("supergroup")

    statuses = [await _send(limited_api, group.id) for _ in range(21)]

    assert statuses == [200] * 20 + [429]
    answer = await limited_api("sendMessage", {"chat_id": group.id, "text": "x"})
    assert answer.body["parameters"] == {"retry_after": 3}


async def test_switching_limits_off_lets_everything_through(limited_api: RawBotApi) -> None:
    server = limited_api.server
    user = server.add_user()
    server.set_rate_limits(False)
    assert {await _send(limited_api, user.id) for _ in range(10)} == {200}


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_sees_rate_limiting_as_retry_after(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    telegram_server.set_rate_limits(True, RateLimits(per_chat_burst=1, per_chat_per_second=0.2))

    await bot.send_message(user.id, "một")
    with pytest.raises(RetryAfter, match=r"Retry in \d+ seconds"):
        await bot.send_message(user.id, "hai")
    assert telegram_server.rate_limiter.limited == 1
