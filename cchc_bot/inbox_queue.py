"""The inbox's Telegram side: the update queue that stores before accepting, and replay on start."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application

from cchc_bot import inbox

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is stored in the inbox before `put` returns.

    PTB's Updater acknowledges a batch (the next `getUpdates` offset) only after `put` returned
    for each of its updates, and the webhook answers 200 after `put`: so nothing acknowledged
    is ever only in memory. A redelivered update is dropped here.
    """

    def __init__(self, updates: inbox.UpdateInbox) -> None:
        super().__init__()
        self.inbox = updates

    async def put(self, item: object) -> None:
        """Store an update (ignoring one seen before), then queue it; other items pass through."""
        if isinstance(item, Update):
            chat = item.effective_chat
            fresh = await self.inbox.admit(
                item.update_id, chat.id if chat is not None else None, item.to_dict()
            )
            if not fresh:
                logger.info("redelivered update ignored", extra={"update_id": item.update_id})
                return
        await super().put(item)

    async def put_stored(self, item: Update) -> None:
        """Queue an update that is already in the inbox (replayed on start)."""
        await super().put(item)


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
    for chat_id in recovery.interrupted_chats:
        try:
            await application.bot.send_message(chat_id, notice)
        except TelegramError as exc:
            logger.warning(
                "could not tell a chat its update was interrupted",
                extra={"error": type(exc).__name__},
            )
    for data in recovery.replay:
        await queue.put_stored(Update.de_json(data, application.bot))
    if recovery.replay or recovery.interrupted:
        logger.info(
            "inbox recovered",
            extra={"replayed": len(recovery.replay), "interrupted": recovery.interrupted},
        )
    return recovery
