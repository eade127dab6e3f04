"""The update inbox: admit once, replay pending, close applied updates, prune to a mark."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

from sqlalchemy import select

from cchc_bot.clock import MovableClock
from cchc_bot.inbox import (
    APPLIED,
    DONE,
    DONE_DELAY,
    PENDING,
    RETENTION,
    UpdateInbox,
    bot_id_of,
    handling,
)
from db.models import InboxUpdate, UpdateMark
from db.session import SessionFactory

BOT = bot_id_of("7000000004:AAH-cchc-bot-inbox-token-0123456789abcd")


def payload(update_id: int, chat_id: int) -> dict[str, object]:
    """A minimal message update."""
    return {"update_id": update_id, "message": {"chat": {"id": chat_id}, "text": "x"}}


async def test_an_update_is_admitted_once(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    inbox = UpdateInbox(session_factory, BOT, clock)
    assert await inbox.admit(10, 501, payload(10, 501))
    assert not await inbox.admit(10, 501, payload(10, 501))
    # Another bot on the same database has its own numbering.
    assert await UpdateInbox(session_factory, BOT + 1, clock).admit(10, 501, payload(10, 501))


async def test_start_up_replays_pending_and_closes_applied_updates(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    inbox = UpdateInbox(session_factory, BOT, clock)
    for update_id, chat in ((1, 501), (2, 502), (3, 503), (4, 501)):
        assert await inbox.admit(update_id, chat, payload(update_id, chat))
    await inbox.mark_done(1)
    await inbox.mark_applied(2)  # died after its commit, before its reply
    await inbox.mark_applied(4)
    await inbox.mark_done(4)  # applied, then finished: nothing to do
    await inbox.flush()

    recovery = await inbox.recover()

    assert [data["update_id"] for data in recovery.replay] == [3]
    assert recovery.interrupted_chats == [502]
    assert recovery.interrupted == 1
    assert (await inbox.recover()).interrupted_chats == [502]  # until its chat was told
    await inbox.close(recovery.interrupted_ids)
    again = await inbox.recover()
    assert [data["update_id"] for data in again.replay] == [3]  # still pending until handled
    assert again.interrupted == 0


async def test_done_marks_are_written_together_soon_after(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    inbox = UpdateInbox(session_factory, BOT, clock)
    for update_id in (1, 2, 3):
        assert await inbox.admit(update_id, 501, payload(update_id, 501))
        await inbox.mark_done(update_id)
    await asyncio.sleep(DONE_DELAY * 4)
    async with session_factory() as session:
        states = (await session.scalars(select(InboxUpdate.state))).all()
    assert states == [DONE, DONE, DONE]


async def test_old_rows_fold_into_the_high_water_mark(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    # Issue 11 item 18: the record of handled updates survives pruning as a per-bot mark.
    inbox = UpdateInbox(session_factory, BOT, clock)
    for update_id in (5, 6, 7):
        assert await inbox.admit(update_id, 501, payload(update_id, 501))
    await inbox.mark_done(5)
    await inbox.mark_done(6)
    await inbox.flush()
    clock.advance(RETENTION + dt.timedelta(minutes=1))
    assert await inbox.admit(8, 501, payload(8, 501))

    await inbox.recover()

    async with session_factory() as session:
        kept = (await session.scalars(select(InboxUpdate.update_id))).all()
        mark = await session.get(UpdateMark, BOT)
    assert sorted(kept) == [7, 8]  # 7 is old but was never handled: kept
    assert mark is not None
    assert mark.handled_through == 6
    assert not await inbox.admit(5, 501, payload(5, 501))
    assert not await inbox.admit(6, 501, payload(6, 501))
    assert not await inbox.admit(7, 501, payload(7, 501))


async def state_of(session_factory: SessionFactory, update_id: int) -> str:
    """The stored state of one update of BOT."""
    async with session_factory() as session:
        row = await session.get(InboxUpdate, (BOT, update_id))
    assert row is not None
    return row.state


async def test_a_handlers_commit_marks_its_update_applied_in_the_same_transaction(
    session_factory: SessionFactory, clock: MovableClock
) -> None:
    inbox = UpdateInbox(session_factory, BOT, clock)
    for update_id in (1, 2, 3):
        assert await inbox.admit(update_id, 501, payload(update_id, 501))

    with handling(inbox, 1) as in_flight:  # reads only: nothing to protect
        async with session_factory() as session:
            await session.scalar(select(UpdateMark).limit(1))
        async with session_factory.begin() as session:
            await session.scalar(select(UpdateMark).limit(1))
    assert not in_flight.applied
    assert await state_of(session_factory, 1) == PENDING

    with handling(inbox, 2), contextlib.suppress(RuntimeError):  # a write rolled back
        async with session_factory.begin() as session:
            session.add(UpdateMark(bot_id=BOT + 7, handled_through=1))
            await session.flush()
            raise RuntimeError
    assert await state_of(session_factory, 2) == PENDING

    with handling(inbox, 3) as in_flight:  # a committed write
        async with session_factory.begin() as session:
            session.add(UpdateMark(bot_id=BOT + 7, handled_through=1))
    assert in_flight.applied
    assert await state_of(session_factory, 3) == APPLIED
    assert (await inbox.recover()).interrupted_chats == [501]
