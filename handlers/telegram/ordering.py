"""Updates of one chat are handled in order, across processes too; other chats meanwhile."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from cchc_bot import inbox
from cchc_bot.chat_turns import ChatTurn, ChatTurns

logger = logging.getLogger(__name__)

# Enough to overlap Telegram's network round trips (about 16 / 0.15 s = 100 updates a second
# in production); more only adds latency once the process is busy: concurrent updates share
# the CPU, so each waits for all the others (bench/conversation.py: p95 792 ms at 64, 312 ms
# at 16, same throughput).
MAX_CONCURRENT_UPDATES = 16

# What this processor tells PTB (and any processor wrapping it) it can take at once: every
# update may wait for its chat's turn without holding a slot, so the outer semaphore must
# never be the one that blocks; the real limit is the inner one, taken after the chat's turn.
UNBOUNDED = 2**31 - 1


def ordering_key(update: object) -> Hashable:
    """The queue an update waits in: its chat (else its user); unknown updates share one."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("other", None)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Serialise each chat's updates (answers apply to a draft in the order typed, two devices
    included) while other people's updates run meanwhile, so a slow database write for one
    person never holds up everyone else.

    An update first waits for its chat's turn and only then for one of the `update_slots`
    handler slots: a chat with forty queued updates holds one slot, never all of them. PTB's
    own semaphore (taken before `do_process_update`, also by a wrapping processor) is made
    unbounded for that reason.
    """

    __slots__ = ("_locks", "_slots", "_turns", "_update_slots", "_waiting")

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        turns: CrossProcessTurns | None = None,
    ) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        super().__init__(UNBOUNDED)
        self._update_slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}
        self._turns = turns

    @property
    def update_slots(self) -> int:
        """How many updates (each of a different chat) are handled at once."""
        return self._update_slots

    @property
    def busy_slots(self) -> int:
        """How many handler slots are taken right now."""
        return self._update_slots - self._slots._value

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates (FIFO), then for a free slot, then handle it.

        With several processes (`turns`), the chat's database turn is taken last.
        """
        turns = self._turns
        if turns is None:
            await self.in_turn(ordering_key(update), lambda: coroutine)
        else:
            await self.in_turn(ordering_key(update), lambda: turns.handle(update, coroutine))

    async def in_turn(self, key: Hashable, work: Callable[[], Awaitable[Any]]) -> None:
        """Run `work` in the queue `key` (an `ordering_key`) once it is first and a slot is free."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await work()
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


# A chat whose update waited this long unfinished may have lost its process: another looks.
STALE_AFTER = dt.timedelta(seconds=2)
SWEEP_SECONDS = 1.0

HandleNow = Callable[[Update], Awaitable[None]]


class CrossProcessTurns:
    """Several webhook processes on one PostgreSQL (CCHC_INSTANCES=many): a chat's updates,
    whichever process received them, are handled by the process holding the chat's database
    lock, in `update_id` order, each once (cchc_bot/chat_turns.py).

    Inside the processor (after the chat's in-process turn and a slot): take the chat's lock;
    tell the chat about updates a dead holder cut short; handle every pending update of the
    chat, ours among them; mark them done; let go, then look again for updates left to us
    meanwhile. A process that finds the lock taken hands its update over. `sweep` takes over
    chats whose updates wait unfinished with nobody holding their lock (a killed process's).
    """

    def __init__(self, turns: ChatTurns, notice: str) -> None:
        self._turns = turns
        self._notice = notice
        self._bot: Bot | None = None
        self._handle_now: HandleNow | None = None
        self._taking_over: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    def bind(self, bot: Bot, handle_now: HandleNow) -> None:
        """Give the bot (to rebuild stored updates, send notices) and how to handle one now."""
        self._bot = bot
        self._handle_now = handle_now

    async def handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle `update` (and the chat's other pending ones) in the chat's database turn."""
        in_flight = inbox.current()
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or in_flight is None or in_flight.update_id is None:
            await coroutine  # no chat, no order to keep; not from the inbox, nothing to share
            return
        ours: Awaitable[Any] | None = coroutine
        try:
            ours = await self._drain(chat.id, (in_flight.update_id, coroutine))
        finally:
            if ours is not None:  # handled, or being handled, by the chat's turn elsewhere
                in_flight.handed_over = True
                _discard(ours)

    async def take_over(self, chat_id: int) -> None:
        """Handle what waits in a chat nobody is handling (its process died)."""
        try:
            await self._drain(chat_id, None)
        finally:
            self._taking_over.discard(chat_id)

    async def _drain(
        self, chat_id: int, ours: tuple[int, Awaitable[Any]] | None
    ) -> Awaitable[Any] | None:
        """Take turns until nothing waits; return our coroutine if someone else handled it."""
        left = ours[1] if ours is not None else None
        ours_id = ours[0] if ours is not None else None
        while True:
            async with self._turns.take(chat_id) as turn:
                if turn is None:
                    return left  # the holder handles it and looks again after letting go
                interrupted = await self._tell_interrupted(turn)
                handled: list[int] = []
                try:
                    for stored in await turn.pending():
                        if stored.update_id == ours_id and left is not None:
                            work, left = left, None
                            await work
                        else:
                            await self._handle_stored(stored.payload)
                        handled.append(stored.update_id)
                finally:
                    await turn.finish(handled)
                if ours is None and (interrupted or handled):
                    fields = {"interrupted": interrupted, "handled": len(handled)}
                    logger.info("chat taken over", extra=fields)
            if not await self._turns.waiting(chat_id):
                return left

    async def _handle_stored(self, payload: dict[str, Any]) -> None:
        assert self._bot is not None, "bind() first"
        assert self._handle_now is not None, "bind() first"
        await self._handle_now(Update.de_json(payload, self._bot))

    async def _tell_interrupted(self, turn: ChatTurn) -> int:
        """Tell the chat its update was cut short, if one was; how many were."""
        interrupted = await turn.interrupted()
        if not interrupted:
            return 0
        assert self._bot is not None, "bind() first"
        # Outside any update: the notice is nobody's side effect.
        with inbox.handling(None, None):
            try:
                await self._bot.send_message(turn.chat_id, self._notice)
            except TelegramError as exc:
                logger.warning(
                    "could not tell a chat its update was interrupted",
                    extra={"error": type(exc).__name__},
                )
        await turn.finish(interrupted)
        return len(interrupted)

    def start(self, processor: PerChatUpdateProcessor) -> None:
        """Start looking for chats to take over (on the loop the bot runs on)."""
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep(processor))

    async def _sweep(self, processor: PerChatUpdateProcessor) -> None:
        """Forever: every SWEEP_SECONDS, take over chats left unfinished for STALE_AFTER."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                stale = await self._turns.stale_chats(STALE_AFTER)
            except Exception:  # the database is away: look again next time
                logger.warning("could not look for chats to take over", exc_info=True)
                continue
            for chat_id in stale:
                if chat_id in self._taking_over:
                    continue
                self._taking_over.add(chat_id)
                work = functools.partial(self.take_over, chat_id)
                task = asyncio.create_task(processor.in_turn(("chat", chat_id), work))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop looking, stop the take-overs under way (their updates stay stored), close."""
        tasks = [*self._tasks, *([self._sweeper] if self._sweeper is not None else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._sweeper = None
        await self._turns.close()


def _discard(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()  # never awaited: closing it spares the "never awaited" warning
