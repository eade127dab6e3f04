"""Telegram's flood limits: about 30 messages a second overall, 1 a second per chat."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

# Methods that send or edit messages: the calls Telegram's flood control counts.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendAudio",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendPaidMedia",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendChecklist",
        "sendDice",
        "sendSticker",
        "sendInvoice",
        "sendGame",
        "forwardMessage",
        "forwardMessages",
        "copyMessage",
        "copyMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "editMessageLiveLocation",
    }
)


@dataclass(frozen=True)
class RateLimits:
    """Rates and bursts; the defaults follow Telegram's published guidance."""

    per_second: float = 30.0
    burst: int = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: float = 20.0
    group_burst: int = 20


class _Bucket:
    """A token bucket: `capacity` calls at once, refilled at `rate` per second."""

    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = float(capacity)
        self.tokens = float(capacity)
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 if it is now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        """Spend one token."""
        self.tokens -= 1.0


class RateLimiter:
    """Answers "retry after N seconds" once a limit is exceeded; off until enabled."""

    def __init__(
        self,
        limits: RateLimits | None = None,
        *,
        enabled: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or RateLimits()
        self.enabled = enabled
        self.limited = 0
        self._monotonic = monotonic
        self._overall: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Bucket] = {}

    def configure(self, limits: RateLimits | None = None, *, enabled: bool = True) -> None:
        """Switch the limits on or off (and optionally change them); the buckets start full."""
        self.limits = limits or self.limits
        self.enabled = enabled
        self._overall = None
        self._chats.clear()
        self._groups.clear()

    def acquire(self, chat_id: int | None, *, group: bool) -> int | None:
        """Count one message to `chat_id`; return `retry_after` seconds when over a limit."""
        if not self.enabled:
            return None
        now = self._monotonic()
        limits = self.limits
        if self._overall is None:
            self._overall = _Bucket(limits.per_second, limits.burst, now)
        buckets = [self._overall]
        if chat_id is not None:
            if chat_id not in self._chats:
                self._chats[chat_id] = _Bucket(
                    limits.per_chat_per_second, limits.per_chat_burst, now
                )
            buckets.append(self._chats[chat_id])
            if group:
                if chat_id not in self._groups:
                    self._groups[chat_id] = _Bucket(
                        limits.per_group_per_minute / 60.0, limits.group_burst, now
                    )
                buckets.append(self._groups[chat_id])
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            self.limited += 1
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take()
        return None
