"""Per-chat ordering: one chat's updates in order, other chats meanwhile."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import Chat, Message, Update, User

from handlers.ordering import PerChatUpdateProcessor, ordering_key


def text_update(update_id: int, chat_id: int) -> Update:
    """A private text message from user `chat_id`."""
    user = User(chat_id, "Người dùng", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, dt.datetime.now(dt.UTC), chat, from_user=user, text="1")
    return Update(update_id, message=message)


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
    await asyncio.sleep(0)
    for _ in range(5):
        await asyncio.sleep(0)
    # b1 (another chat) finished while a1 still waits; a2 has not started.
    assert "end b1" in log
    assert "start a2" not in log
    release_first.set()
    await asyncio.gather(*tasks)
    assert log.index("end a1") < log.index("start a2")
    assert not processor._locks  # queues are dropped once empty


def test_updates_without_chat_share_one_queue() -> None:
    assert ordering_key(object()) == ("other", None)
    assert ordering_key(text_update(1, 5)) == ("chat", 5)
