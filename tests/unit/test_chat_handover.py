"""Cross-process turns of a chat, with the database lock played by a fake (the real one:
tests/db/test_chat_turns.py; all of it with nginx and two processes: tests/e2e)."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Sequence
from typing import Any

from telegram import Bot, Update

from cchc_bot import inbox
from cchc_bot.chat_turns import ChatTurn, ChatTurns, StoredUpdate
from handlers.telegram.ordering import CrossProcessTurns

CHAT = 900
NOTICE = "notice"


def payload(update_id: int) -> dict[str, Any]:
    """A text message of the chat, as the inbox stores it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1709604000,
            "chat": {"id": CHAT, "type": "private", "first_name": "A"},
            "text": str(update_id),
        },
    }


class FakeTurn(ChatTurn):
    """A held lock over a list of stored rows."""

    def __init__(self, turns: FakeTurns) -> None:
        self._turns = turns
        self.chat_id = CHAT

    async def pending(self) -> list[StoredUpdate]:
        """The rows still pending, oldest first."""
        return [StoredUpdate(uid, payload(uid)) for uid in sorted(self._turns.pending_rows)]

    async def interrupted(self) -> list[int]:
        """The rows a dead holder left applied."""
        return sorted(self._turns.applied_rows)

    async def finish(self, update_ids: Sequence[int]) -> None:
        """Close the rows."""
        self._turns.finished.append(list(update_ids))
        self._turns.pending_rows.difference_update(update_ids)
        self._turns.applied_rows.difference_update(update_ids)


class FakeTurns(ChatTurns):
    """The chat lock of another process (`busy`) or ours, over rows kept in memory."""

    def __init__(self, pending: Sequence[int] = (), applied: Sequence[int] = ()) -> None:
        self.pending_rows = set(pending)
        self.applied_rows = set(applied)
        self.busy = False
        self.finished: list[list[int]] = []
        self.arrive_after_unlock: list[int] = []

    @contextlib.asynccontextmanager
    async def take(self, chat_id: int) -> AsyncIterator[ChatTurn | None]:
        """Yield the turn, or None while another process holds it."""
        yield None if self.busy else FakeTurn(self)
        # Another process stored an update and found the lock taken, just before we let go.
        self.pending_rows.update(self.arrive_after_unlock)
        self.arrive_after_unlock = []

    async def waiting(self, chat_id: int) -> bool:
        """Whether pending rows are left."""
        return bool(self.pending_rows)

    async def close(self) -> None:
        """Nothing to close."""


class RecordingBot(Bot):
    """A bot that records what it would send."""

    _sent: list[tuple[int, str, bool]]

    def __init__(self) -> None:
        super().__init__("123456:AAH-chat-handover-test-token")
        object.__setattr__(self, "_sent", [])

    @property
    def sent(self) -> list[tuple[int, str, bool]]:
        """(chat, text, whether an update was in flight with an inbox) per message."""
        return self._sent

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        """Record the message and whether it counted as an update's side effect."""
        in_flight = inbox.current()
        self.sent.append((args[0], args[1], in_flight is not None and in_flight.inbox is not None))


def handover(fake: FakeTurns) -> tuple[CrossProcessTurns, RecordingBot, list[int]]:
    """The handover over a fake lock, recording which updates it handled, in order."""
    turns = CrossProcessTurns(fake, NOTICE)
    bot = RecordingBot()
    handled: list[int] = []

    async def handle_now(update: Update) -> None:
        handled.append(update.update_id)

    turns.bind(bot, handle_now)
    return turns, bot, handled


async def ours(update_id: int, handled: list[int]) -> None:
    """Our own update's handler."""
    handled.append(update_id)


def own_update(update_id: int) -> Update:
    """The update this process received."""
    return Update.de_json(payload(update_id), None)


async def test_the_holder_handles_earlier_updates_first_then_ours_then_later_ones() -> None:
    fake = FakeTurns(pending=[5, 6, 7])
    turns, _, handled = handover(fake)
    dummy = inbox.UpdateInbox.__new__(inbox.UpdateInbox)
    with inbox.handling(dummy, 6) as in_flight:
        await turns.handle(own_update(6), ours(6, handled))
    assert handled == [5, 6, 7]
    assert fake.finished == [[5, 6, 7]]
    assert not in_flight.handed_over


async def test_an_update_is_handed_over_while_another_process_holds_its_chat() -> None:
    fake = FakeTurns(pending=[8])
    fake.busy = True
    turns, _, handled = handover(fake)
    coroutine = ours(8, handled)
    dummy = inbox.UpdateInbox.__new__(inbox.UpdateInbox)
    with inbox.handling(dummy, 8) as in_flight:
        await turns.handle(own_update(8), coroutine)
    assert handled == []
    assert in_flight.handed_over  # so it is not marked done here: the holder does it
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED  # never run


async def test_an_update_another_process_already_handled_is_not_handled_again() -> None:
    fake = FakeTurns(pending=[])
    turns, _, handled = handover(fake)
    dummy = inbox.UpdateInbox.__new__(inbox.UpdateInbox)
    with inbox.handling(dummy, 9) as in_flight:
        await turns.handle(own_update(9), ours(9, handled))
    assert handled == []
    assert in_flight.handed_over


async def test_an_update_left_while_the_lock_was_going_is_handled_in_another_turn() -> None:
    fake = FakeTurns(pending=[10])
    fake.arrive_after_unlock = [11]
    turns, _, handled = handover(fake)
    dummy = inbox.UpdateInbox.__new__(inbox.UpdateInbox)
    with inbox.handling(dummy, 10):
        await turns.handle(own_update(10), ours(10, handled))
    assert handled == [10, 11]
    assert fake.finished == [[10], [11]]


async def test_a_chat_cut_short_by_a_dead_process_is_told_once_outside_any_update() -> None:
    fake = FakeTurns(pending=[13], applied=[12])
    turns, bot, handled = handover(fake)
    await turns.take_over(CHAT)
    assert bot.sent == [(CHAT, NOTICE, False)]  # not recorded as update 13's side effect
    assert handled == [13]
    assert fake.finished == [[12], [13]]
