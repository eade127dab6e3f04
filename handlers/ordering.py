"""Updates of one chat are handled in order; different chats are handled concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

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

    __slots__ = ("_locks", "_slots", "_update_slots", "_waiting")

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        super().__init__(UNBOUNDED)
        self._update_slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    @property
    def update_slots(self) -> int:
        """How many updates (each of a different chat) are handled at once."""
        return self._update_slots

    @property
    def busy_slots(self) -> int:
        """How many handler slots are taken right now."""
        return self._update_slots - self._slots._value

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates (FIFO), then for a free slot, then handle it."""
        key = ordering_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
