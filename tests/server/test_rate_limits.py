"""Flood limits are off by default and, switched on, answer 429 like Telegram's flood control."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import RetryAfter

from cchc_bot.local_bot_api import LocalTelegramServer, RateLimits
from cchc_bot.local_bot_api.ratelimit import RateLimiter
from cchc_bot.sandbox.local_bot import BotRunner

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


async def test_one_chat_gets_a_short_burst_then_one_message_a_second(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    user = server.add_user()

    # A reply of three messages goes through at once (as Telegram lets it) ...
    for _ in range(3):
        assert await _send(limited_api, user.id) == 200
        monotonic.now += 0.2
    # ... a fourth within the same 3-second window is refused until the first leaves it.
    answer = await limited_api("sendMessage", {"chat_id": user.id, "text": "x"})
    assert answer.status == 429
    assert answer.body["parameters"] == {"retry_after": 3}
    monotonic.now += 2.4  # 3 s after the first message: it has left the window
    assert await _send(limited_api, user.id) == 200
    assert await _send(limited_api, user.id) == 429
    assert server.too_many_requests == 2
    assert len(server.bot_messages(user.id)) == 4


async def test_a_chat_burst_is_a_window_of_burst_messages(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    server.set_rate_limits(True, RateLimits(per_chat_burst=3))  # 3 in any 3 seconds
    user = server.add_user()

    assert [await _send(limited_api, user.id) for _ in range(4)] == [200, 200, 200, 429]
    monotonic.now += 2.5  # a token bucket would have refilled two by now
    answer = await limited_api("sendMessage", {"chat_id": user.id, "text": "x"})
    assert (answer.status, answer.body["parameters"]) == (429, {"retry_after": 1})
    monotonic.now += 0.5
    assert await _send(limited_api, user.id) == 200


async def test_thirty_messages_in_any_second_overall(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    users = [server.add_user() for _ in range(62)]

    assert [await _send(limited_api, user.id) for user in users[:31]] == [200] * 30 + [429]
    # A token bucket refilled at 30/s would let 15 more through half a second later, putting
    # 45 messages into one second; the sliding window lets none through until the second ends.
    monotonic.now += 0.5
    answer = await limited_api("sendMessage", {"chat_id": users[31].id, "text": "x"})
    assert (answer.status, answer.body["parameters"]) == (429, {"retry_after": 1})
    monotonic.now += 0.5
    statuses = [await _send(limited_api, user.id) for user in users[31:]]
    assert statuses == [200] * 30 + [429]  # 30 fit into the new second, not 31
    assert server.too_many_requests == 3


async def test_messages_spread_at_the_limit_are_never_refused(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    users = [server.add_user() for _ in range(90)]
    statuses = []
    for user in users:  # 25 a second, each chat once: under both limits all along
        statuses.append(await _send(limited_api, user.id))
        monotonic.now += 0.04
    assert set(statuses) == {200}


TICKS = 1024  # per second


@settings(max_examples=300, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=80), min_size=1, max_size=120),
    chats=st.lists(st.integers(min_value=1, max_value=6), min_size=120, max_size=120),
)
def test_the_limiter_admits_exactly_what_the_windows_allow(
    gaps: list[int], chats: list[int]
) -> None:
    # Time runs in ticks of 1/1024 s (exact in floating point); the expected answer is
    # computed by brute force over the ticks.
    clock = FakeMonotonic()
    clock.now = 0.0
    limits = RateLimits(per_second=5, per_chat_per_second=2.0, per_chat_burst=2)
    limiter = RateLimiter(limits, enabled=True, monotonic=clock)
    accepted: list[tuple[int, int]] = []
    now_ticks = 0
    for gap, chat in zip(gaps, chats, strict=False):
        now_ticks += gap
        clock.now = now_ticks / TICKS
        overall = sum(1 for t, _ in accepted if t > now_ticks - TICKS)
        in_chat = sum(1 for t, c in accepted if c == chat and t > now_ticks - TICKS)
        fits = overall < limits.per_second and in_chat < limits.per_chat_burst
        retry_after = limiter.acquire(chat, group=False)
        assert (retry_after is None) == fits
        if fits:
            accepted.append((now_ticks, chat))
    for t, _ in accepted:  # no 1-second window anywhere holds more than the limits
        assert sum(1 for u, _ in accepted if t <= u < t + TICKS) <= limits.per_second


async def test_groups_get_twenty_messages_in_any_minute(
    limited_api: RawBotApi, monotonic: FakeMonotonic
) -> None:
    server = limited_api.server
    server.set_rate_limits(True, RateLimits(per_chat_burst=100, per_chat_per_second=100.0))
    group = server.add_chat("supergroup")

    statuses = []
    for _ in range(21):
        statuses.append(await _send(limited_api, group.id))
        monotonic.now += 0.5

    assert statuses == [200] * 20 + [429]
    # The first of the 20 went out 10.5 s ago: the window frees a place in 49.5 s.
    answer = await limited_api("sendMessage", {"chat_id": group.id, "text": "x"})
    assert answer.body["parameters"] == {"retry_after": 50}


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
