"""One log line per update handled, with its timing and kind, never its content."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from cchc_bot.inbox import UpdateInbox, handling

logger = logging.getLogger(__name__)

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}")


def update_kind(update: object) -> str:
    """The Bot API field the update carries (message, edited_message, callback_query, ...)."""
    if not isinstance(update, Update):
        return type(update).__name__
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    return "unknown"


def command_of(update: object) -> str | None:
    """The command word a message starts with (`/start`), without its arguments or @bot."""
    if not isinstance(update, Update) or update.message is None:
        return None
    message = update.message
    entities = message.entities or ()
    if not message.text or not entities:
        return None
    first = entities[0]
    if first.type != "bot_command" or first.offset != 0:
        return None
    found = _COMMAND.match(message.text)
    return found.group(0).lower() if found else None


def update_fields(update: object) -> dict[str, Any]:
    """What is logged about an update: its id, kind, chat type and command; no text or data."""
    fields: dict[str, Any] = {"kind": update_kind(update)}
    if isinstance(update, Update):
        fields["update_id"] = update.update_id
        if update.effective_chat is not None:
            fields["chat_type"] = update.effective_chat.type
        command = command_of(update)
        if command is not None:
            fields["command"] = command
    return fields


class TimedUpdateProcessor(BaseUpdateProcessor):
    """Wraps the application's update processor and logs `update handled` after each update.

    PTB runs every update through its processor, whatever happens inside (a guard raising
    ApplicationHandlerStop, a handler failing), so this sees each update exactly once, which
    a pair of TypeHandlers in early and late groups would not. With an inbox it also marks
    the update as being handled (its side effects are recorded against it) and, once the
    handler returned, done.
    """

    __slots__ = ("_inbox", "_inner")

    def __init__(self, inner: BaseUpdateProcessor, updates: UpdateInbox | None = None) -> None:
        super().__init__(inner.max_concurrent_updates)
        self._inner = inner
        self._inbox = updates

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update through the wrapped processor, log its outcome and how long it took."""
        await self._timed(update, self._inner.do_process_update(update, coroutine))

    async def handle_now(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle an update right here, past the wrapped processor (its chat's turn is held)."""
        await self._timed(update, coroutine)

    async def _timed(self, update: object, work: Awaitable[Any]) -> None:
        started = time.perf_counter()
        outcome = "failed"
        error: str | None = None
        try:
            update_id = update.update_id if isinstance(update, Update) else None
            with handling(self._inbox, update_id) as in_flight:
                await work
            error = in_flight.error
            outcome = "ok" if error is None else "failed"
            if in_flight.handed_over:
                outcome = "handed over"  # another process's turn of the chat handles it
            elif self._inbox is not None and update_id is not None:
                await self._mark_done(self._inbox, update_id)
        except Exception as exc:
            error = error or type(exc).__name__
            raise
        finally:
            fields: dict[str, Any] = {**update_fields(update), "outcome": outcome}
            if error is not None:
                fields["error"] = error
            fields["ms"] = round((time.perf_counter() - started) * 1000, 1)
            logger.info("update handled", extra=fields)

    @staticmethod
    async def _mark_done(updates: UpdateInbox, update_id: int) -> None:
        try:
            await updates.mark_done(update_id)
        except Exception:  # the row stays open: a restart closes it (cchc_bot/inbox.py)
            logger.warning(
                "could not mark an update done", extra={"update_id": update_id}, exc_info=True
            )

    async def initialize(self) -> None:
        """Initialize the wrapped processor."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped processor down."""
        await self._inner.shutdown()
