"""Per-chat ordering: one chat's updates in order, other chats meanwhile, never stalled."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Chat, Message, Update, User
from telegram.ext import BaseUpdateProcessor

from handlers.telegram.observability import TimedUpdateProcessor
from handlers.telegram.ordering import MAX_CONCURRENT_UPDATES, PerChatUpdateProcessor, ordering_key

# A test that fails waits this long for an event that never comes; passing ones never wait.
NEVER = 5.0


def text_update(update_id: int, chat_id: int) -> Update:
    """A private text message from user `chat_id`."""
    user = User(chat_id, "Người dùng", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, dt.datetime.now(dt.UTC), chat, from_user=user, text="1")
    return Update(update_id, message=message)


async def settle() -> None:
    """Let every runnable task run until it blocks."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_one_chat_is_handled_in_order_while_other_chats_run() -> None:
    processor = PerChatUpdateProcessor(16)
    log: list[str] = []
    release_first = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if wait is not None:
            await wait.wait()
        log.append(f"end {name}")

    tasks = [
        asyncio.create_task(
            processor.process_update(text_update(1, 10), handle("a1", release_first))
        ),
        asyncio.create_task(processor.process_update(text_update(2, 10), handle("a2"))),
        asyncio.create_task(processor.process_update(text_update(3, 20), handle("b1"))),
    ]
    await settle()
    # b1 (another chat) finished while a1 still waits; a2 has not started.
    assert "end b1" in log
    assert "start a2" not in log
    release_first.set()
    await asyncio.gather(*tasks)
    assert log.index("end a1") < log.index("start a2")
    assert not processor._locks  # queues are dropped once empty


@pytest.mark.parametrize("wrapped", [False, True], ids=["bare", "wrapped-as-in-bot.py"])
async def test_a_chat_flooding_every_slot_does_not_stall_another_chat(wrapped: bool) -> None:
    ordered = PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES)
    # bot.py wraps the processor in the timing one; PTB calls the outer `process_update`.
    processor: BaseUpdateProcessor = TimedUpdateProcessor(ordered) if wrapped else ordered
    release_a = asyncio.Event()
    b_handled = asyncio.Event()
    a_done: list[int] = []

    async def slow_a(number: int) -> None:
        await release_a.wait()
        a_done.append(number)

    async def quick_b() -> None:
        b_handled.set()

    flood = 40  # more than the 16 slots: one person tapping fast, a forwarded album
    tasks = [
        asyncio.create_task(processor.process_update(text_update(n, 10), slow_a(n)))
        for n in range(flood)
    ]
    await settle()
    assert ordered.busy_slots == 1  # chat A holds one slot however many updates it queued
    tasks.append(asyncio.create_task(processor.process_update(text_update(99, 20), quick_b())))

    await asyncio.wait_for(b_handled.wait(), NEVER)

    assert a_done == []  # B was handled while every one of A's updates still waited
    release_a.set()
    await asyncio.gather(*tasks)
    assert a_done == list(range(flood))
    assert ordered.busy_slots == 0
    assert not ordered._locks


async def test_slots_are_shared_out_across_chats_up_to_the_limit() -> None:
    processor = PerChatUpdateProcessor(3)
    release = asyncio.Event()
    running: list[int] = []

    async def handle(chat_id: int) -> None:
        running.append(chat_id)
        await release.wait()

    tasks = [
        asyncio.create_task(processor.process_update(text_update(n, chat_id), handle(chat_id)))
        for n, chat_id in enumerate([1, 1, 2, 3, 4, 5])
    ]
    await settle()
    assert running == [1, 2, 3]  # three slots, one chat each; 4 and 5 wait for a slot
    assert processor.busy_slots == 3
    release.set()
    await asyncio.gather(*tasks)
    assert sorted(running) == [1, 1, 2, 3, 4, 5]


async def test_each_chat_keeps_its_order_when_chats_interleave() -> None:
    processor = TimedUpdateProcessor(PerChatUpdateProcessor(4))
    seen: dict[int, list[int]] = {}

    async def handle(chat_id: int, number: int) -> None:
        # Yield a varying number of times so handlers of different chats overlap and finish
        # out of arrival order across chats.
        for _ in range(number % 3):
            await asyncio.sleep(0)
        seen.setdefault(chat_id, []).append(number)

    arrivals = [(n, 100 + n % 7) for n in range(200)]
    await asyncio.gather(
        *(
            processor.process_update(text_update(n, chat_id), handle(chat_id, n))
            for n, chat_id in arrivals
        )
    )
    for chat_id, numbers in seen.items():
        assert numbers == [n for n, c in arrivals if c == chat_id]


async def test_a_failing_update_releases_its_chat_and_slot() -> None:
    processor = PerChatUpdateProcessor(1)
    done: list[str] = []

    async def fail() -> None:
        raise RuntimeError("handler bug")

    async def ok() -> None:
        done.append("next")

    first = asyncio.create_task(processor.process_update(text_update(1, 10), fail()))
    second = asyncio.create_task(processor.process_update(text_update(2, 10), ok()))
    with pytest.raises(RuntimeError):
        await first
    await second
    assert done == ["next"]
    assert processor.busy_slots == 0


def test_updates_without_chat_share_one_queue() -> None:
    assert ordering_key(object()) == ("other", None)
    assert ordering_key(text_update(1, 5)) == ("chat", 5)


def test_a_non_positive_slot_count_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        PerChatUpdateProcessor(0)
