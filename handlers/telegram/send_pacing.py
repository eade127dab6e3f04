"""PTB's rate limiter with Telegram's sliding-window pacing: replies counted, bulk sends paced."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from telegram.ext import BaseRateLimiter

from cchc_bot.pacing import SendPacer

# The Bot API methods that put or change a message in a chat: what Telegram's flood
# control counts (sendChatAction, answerCallbackQuery and reads are not messages).
MESSAGE_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendAudio",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "forwardMessage",
        "forwardMessages",
        "copyMessage",
        "copyMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
    }
)

_BULK: contextvars.ContextVar[bool] = contextvars.ContextVar("cchc_bulk_send", default=False)


@contextlib.contextmanager
def bulk_sends() -> Iterator[None]:
    """Mark the Bot API calls made inside as bulk: they wait for a place in the window."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


class PacedRateLimiter(BaseRateLimiter[Any]):
    """Counts every message this process sends in one sliding window, paces bulk ones, then
    hands the call to `inner` (PTB's AIORateLimiter or a subclass: group limits, 429 retries).

    Replies are never delayed (people typing come first); bulk sends yield to them.
    """

    __slots__ = ("_inner", "pacer")

    def __init__(self, inner: BaseRateLimiter[Any], pacer: SendPacer | None = None) -> None:
        self._inner = inner
        self.pacer = pacer or SendPacer()

    async def initialize(self) -> None:
        """Initialize the wrapped limiter."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped limiter down."""
        await self._inner.shutdown()

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        """Count (and, for bulk sends, pace) a message, then let the wrapped limiter send it."""
        if endpoint in MESSAGE_ENDPOINTS:
            chat_id = data.get("chat_id")
            key = str(chat_id) if chat_id is not None else None
            if _BULK.get():
                await self.pacer.bulk_turn(key)
            else:
                self.pacer.record(key)
        return await self._inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
