"""The inbox's Telegram side: the update queue that stores before accepting, and replay on start."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ExtBot

from cchc_bot import inbox

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is stored in the inbox before `put` returns.

    In polling, InboxBot stored the whole batch before PTB's Updater saw it (the Updater
    acknowledges it with its next `getUpdates` offset); a webhook update is stored here, and
    the endpoint answers 200 after `put`: nothing acknowledged is ever only in memory. A
    redelivered update is dropped here.
    """

    def __init__(self, updates: inbox.UpdateInbox) -> None:
        super().__init__()
        self.inbox = updates

    async def put(self, item: object) -> None:
        """Store an update (ignoring one seen before), then queue it; other items pass through."""
        if isinstance(item, Update):
            fresh = self.inbox.verdict(item.update_id)  # stored with its batch by InboxBot
            if fresh is None:
                fresh = await self.inbox.admit(item.update_id, chat_of(item), item.to_dict())
            if not fresh:
                logger.info("redelivered update ignored", extra={"update_id": item.update_id})
                return
        await super().put(item)

    async def put_stored(self, item: Update) -> None:
        """Queue an update that is already in the inbox (replayed on start)."""
        await super().put(item)


def chat_of(update: Update) -> int | None:
    """The chat an update belongs to, if any."""
    chat = update.effective_chat
    return chat.id if chat is not None else None


class InboxBot(ExtBot[Any]):
    """The bot whose `getUpdates` stores each batch in the inbox, in one transaction, before
    returning it: the Updater acknowledges a batch only with its next `getUpdates`."""

    __slots__ = ("_cchc_inbox",)

    def __init__(self, updates: inbox.UpdateInbox, *args: Any, **kwargs: Any) -> None:
        self._cchc_inbox = updates
        super().__init__(*args, **kwargs)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """Fetch updates, then store them before anyone can acknowledge them."""
        updates = await super().get_updates(*args, **kwargs)
        if updates:
            fresh = await self._cchc_inbox.admit_many(
                [(u.update_id, chat_of(u), u.to_dict()) for u in updates]
            )
            self._cchc_inbox.note_batch(fresh, (u.update_id for u in updates))
        return updates


class SideEffectAwareRateLimiter(AIORateLimiter):
    """PTB's rate limiter that first marks the update being handled `applied` (see inbox.py)."""

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        """Record the side effect to come unless the call only reads, then send it."""
        if not endpoint.startswith("get"):
            await inbox.before_side_effect()
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


async def replay_pending(
    application: AnyApplication,
    queue: InboxQueue,
    notice: str,
    *,
    older_than: dt.timedelta | None = None,
) -> inbox.Recovery:
    """Queue the updates a previous process stored but did not handle; tell interrupted chats."""
    recovery = await queue.inbox.recover(older_than=older_than)
    if recovery.replay or recovery.interrupted:
        logger.info(
            "inbox recovered",
            extra={"replayed": len(recovery.replay), "interrupted": recovery.interrupted},
        )
    for chat_id in recovery.interrupted_chats:
        try:
            await application.bot.send_message(chat_id, notice)
        except TelegramError as exc:
            logger.warning(
                "could not tell a chat its update was interrupted",
                extra={"error": type(exc).__name__},
            )
    await queue.inbox.close(recovery.interrupted_ids)
    for data in recovery.replay:
        await queue.put_stored(Update.de_json(data, application.bot))
    return recovery
