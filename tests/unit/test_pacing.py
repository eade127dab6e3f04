"""In-process pacing: replies counted and never delayed, bulk sends kept inside the window."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.ext import BaseRateLimiter

from cchc_bot.pacing import BULK_SPACING, TELEGRAM_PER_SECOND, WINDOW, SendPacer
from handlers.telegram.send_pacing import PacedRateLimiter, bulk_sends


class FakeTime:
    """A monotonic clock whose sleeps move it, so waits are exact and instant."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pacer(clock: FakeTime, **kwargs: Any) -> SendPacer:
    """A pacer on the fake clock."""
    return SendPacer(monotonic=clock, sleep=clock.sleep, **kwargs)


async def test_bulk_sends_are_spaced_and_never_burst() -> None:
    clock = FakeTime()
    paced = pacer(clock)
    times = []
    for chat in range(60):
        await paced.bulk_turn(chat)
        times.append(clock.now)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(BULK_SPACING)
    # 30 go out BULK_SPACING apart (0.48 s); the 31st waits for the 1st to leave the window
    # (1.02 s), and so on: never a burst, never 31 within a second.
    assert times[29] - times[0] == pytest.approx(29 * BULK_SPACING)
    assert times[30] - times[0] == pytest.approx(WINDOW)
    assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) == TELEGRAM_PER_SECOND


async def test_one_chat_gets_one_bulk_message_a_second() -> None:
    clock = FakeTime()
    paced = pacer(clock)
    await paced.bulk_turn("A")
    start = clock.now
    await paced.bulk_turn("B")  # another chat: only the spacing
    assert clock.now - start == pytest.approx(BULK_SPACING)
    await paced.bulk_turn("A")
    assert clock.now - start == pytest.approx(1.0)


async def test_replies_are_counted_but_never_delayed() -> None:
    clock = FakeTime()
    paced = pacer(clock)
    for chat in range(45):  # a busy moment: 45 replies at once
        paced.record(chat)
    assert clock.slept == []
    assert paced.in_window() == 45
    # A bulk send now waits until the window holds fewer than 30: the replies leave it one
    # window after they went out.
    await paced.bulk_turn("reminder")
    assert clock.now == pytest.approx(100.0 + WINDOW)
    assert paced.in_window() == 1


async def test_a_reply_to_the_chat_delays_its_bulk_message_by_a_second() -> None:
    clock = FakeTime()
    paced = pacer(clock)
    paced.record("A")
    clock.now += 0.25
    await paced.bulk_turn("A")
    assert clock.now == pytest.approx(101.0)


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.booleans(), st.integers(0, 5), st.integers(0, 120)),
        min_size=1,
        max_size=150,
    )
)
def test_bulk_sends_never_fill_a_window_replies_did_not_fill(
    steps: list[tuple[bool, int, int]],
) -> None:
    clock = FakeTime()
    paced = pacer(clock)
    log: list[tuple[float, bool, int]] = []

    async def play() -> None:
        for bulk, chat, gap_ms in steps:
            clock.now += gap_ms / 1000
            if bulk:
                await paced.bulk_turn(chat)
            else:
                paced.record(chat)
            log.append((clock.now, bulk, chat))

    asyncio.run(play())
    for index, (t, bulk, chat) in enumerate(log):
        if not bulk:
            continue
        before = [(u, b, c) for u, b, c in log[:index] if u > t - WINDOW]
        # A bulk message went out only into a window holding fewer than 30 messages, at least
        # a second after the last message to its chat, BULK_SPACING after the last bulk one.
        assert len(before) < TELEGRAM_PER_SECOND
        assert all(c != chat for u, _, c in log[:index] if u > t - 1.0 + 1e-9)
        assert all(t - u >= BULK_SPACING - 1e-9 for u, b, _ in before if b)


class RecordingLimiter(BaseRateLimiter[Any]):
    """The wrapped limiter: records what it was asked to send."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        self.calls.append(endpoint)
        return await callback(*args, **kwargs)


async def test_the_rate_limiter_paces_bulk_sends_and_counts_replies() -> None:
    clock = FakeTime()
    inner = RecordingLimiter()
    limiter = PacedRateLimiter(inner, pacer(clock))

    async def call() -> bool:
        return True

    async def request(endpoint: str, chat_id: int) -> None:
        await limiter.process_request(call, (), {}, endpoint, {"chat_id": chat_id}, None)

    await request("sendMessage", 7)  # a reply
    await request("answerCallbackQuery", 7)  # not a message: not counted
    with bulk_sends():
        await request("sendMessage", 7)  # a reminder to the same chat: a second later
    await request("editMessageText", 8)  # a reply again: no wait
    assert inner.calls == ["sendMessage", "answerCallbackQuery", "sendMessage", "editMessageText"]
    assert clock.slept == [pytest.approx(1.0)]
    assert limiter.pacer.in_window() == 3  # both replies and the reminder
