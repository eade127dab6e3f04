"""Chat turns across processes (PostgreSQL advisory locks) and the shared instance lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.chat_turns import ChatTurns, lock_key
from cchc_bot.clock import MovableClock
from cchc_bot.inbox import UpdateInbox, bot_id_of
from cchc_bot.ops.instance_lock import InstanceLock, InstanceLockError
from db.session import SessionFactory

BOT = bot_id_of("7000000005:AAH-cchc-bot-turns-token-0123456789abcd")
CHAT = 601
# Chat turns are PostgreSQL's: CCHC_INSTANCES=many refuses SQLite (pinned below).
ON_POSTGRES = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def payload(update_id: int, chat_id: int) -> dict[str, object]:
    """A minimal message update."""
    return {"update_id": update_id, "message": {"chat": {"id": chat_id}, "text": str(update_id)}}


@pytest.fixture
async def turns_pair(
    database_url: str, clock: MovableClock
) -> AsyncIterator[tuple[ChatTurns, ChatTurns]]:
    """Two processes' chat turns on one PostgreSQL database (each with its own pool)."""
    first = ChatTurns(database_url, BOT, clock, slots=2)
    second = ChatTurns(database_url, BOT, clock, slots=2)
    yield first, second
    await first.close()
    await second.close()


@given(st.integers(min_value=-(2**52), max_value=2**52))
def test_a_chat_id_folds_into_a_signed_32_bit_key(chat_id: int) -> None:
    key = lock_key(chat_id)
    assert -(2**31) <= key < 2**31
    assert (key - chat_id) % 2**32 == 0


@pytest.mark.parametrize(
    ("chat_id", "key"), [(0, 0), (5001, 5001), (2**31, -(2**31)), (-1, -1), (2**32 + 7, 7)]
)
def test_lock_keys_of_known_chats(chat_id: int, key: int) -> None:
    assert lock_key(chat_id) == key


@ON_POSTGRES
async def test_a_chat_turn_is_held_by_one_process_at_a_time(
    turns_pair: tuple[ChatTurns, ChatTurns],
) -> None:
    first, second = turns_pair
    async with first.take(CHAT) as held:
        assert held is not None
        async with second.take(CHAT) as refused:
            assert refused is None
        async with second.take(CHAT + 1) as other_chat:
            assert other_chat is not None  # other chats go on meanwhile
    async with second.take(CHAT) as later:
        assert later is not None  # given back when the block ended


@ON_POSTGRES
async def test_the_holder_sees_every_process_pending_updates_in_order_and_finishes_them(
    session_factory: SessionFactory,
    clock: MovableClock,
    turns_pair: tuple[ChatTurns, ChatTurns],
) -> None:
    first, second = turns_pair
    # Stored by two processes' inboxes, interleaved, one of them for another chat.
    one, two = UpdateInbox(session_factory, BOT, clock), UpdateInbox(session_factory, BOT, clock)
    await two.admit(12, CHAT, payload(12, CHAT))
    await one.admit(11, CHAT, payload(11, CHAT))
    await one.admit(13, CHAT + 1, payload(13, CHAT + 1))
    await two.admit(14, CHAT, payload(14, CHAT))
    await one.mark_applied(11)  # being handled (or cut short): not pending any more

    assert await first.waiting(CHAT)
    async with first.take(CHAT) as turn:
        assert turn is not None
        assert [stored.update_id for stored in await turn.pending()] == [12, 14]
        assert (await turn.pending())[0].payload == payload(12, CHAT)
        assert await turn.interrupted() == [11]
        await turn.finish([11, 12, 14])
        assert await turn.pending() == []
    assert not await second.waiting(CHAT)
    assert await second.waiting(CHAT + 1)


@ON_POSTGRES
async def test_stale_chats_are_those_with_old_unfinished_updates(
    session_factory: SessionFactory,
    clock: MovableClock,
    turns_pair: tuple[ChatTurns, ChatTurns],
) -> None:
    first, _ = turns_pair
    inbox = UpdateInbox(session_factory, BOT, clock)
    await inbox.admit(21, CHAT, payload(21, CHAT))
    await inbox.admit(22, CHAT + 1, payload(22, CHAT + 1))
    await inbox.mark_applied(22)
    await inbox.admit(23, None, {"update_id": 23})  # no chat: nobody's turn to take over
    clock.advance(dt.timedelta(seconds=3))
    await inbox.admit(24, CHAT + 2, payload(24, CHAT + 2))  # young: its process has it in hand

    stale = await first.stale_chats(dt.timedelta(seconds=2))

    assert sorted(stale) == [CHAT, CHAT + 1]


async def test_many_mode_processes_share_the_instance_lock_and_keep_a_single_one_out(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        with pytest.raises(InstanceLockError, match="CCHC_INSTANCES=many needs PostgreSQL"):
            await InstanceLock(database_url, shared=True).acquire()
        return
    first, second = InstanceLock(database_url, shared=True), InstanceLock(database_url, shared=True)
    single = InstanceLock(database_url)
    await first.acquire()
    await second.acquire()
    try:
        with pytest.raises(InstanceLockError, match="another `cchc-bot run` is already using"):
            await single.acquire()
    finally:
        await first.release()
        await second.release()
    await single.acquire()
    try:
        with pytest.raises(InstanceLockError, match=r"CCHC_INSTANCES=one\) is already using"):
            await InstanceLock(database_url, shared=True).acquire()
    finally:
        await single.release()
