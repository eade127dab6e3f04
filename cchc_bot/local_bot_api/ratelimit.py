"""Telegram's flood limits as sliding windows: 30 messages a second overall, about 1 per chat."""

from __future__ import annotations

import math
import time
from collections import deque
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
    """Telegram's flood limits, each a sliding window: never more than N in any W seconds.

    Overall: `per_second` messages in any 1-second window, all chats together. One chat:
    `per_chat_burst` messages in any `per_chat_burst / per_chat_per_second` seconds (the
    default, 3 in any 3 seconds: Telegram lets a reply of a few messages through at once but
    not a sustained flood into one chat). One group: `group_burst` in any
    `group_burst / per_group_per_minute` minutes (20 in any minute).
    """

    per_second: int = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: float = 20.0
    group_burst: int = 20


class SlidingWindow:
    """At most `limit` events in any window of `seconds`; a refused event is not counted."""

    def __init__(self, limit: int, seconds: float) -> None:
        if limit < 1 or seconds <= 0:
            raise ValueError("a sliding window needs a positive limit and length")
        self.limit = limit
        self.seconds = seconds
        self._times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 if it does now)."""
        times = self._times
        # An event at t counts in every window (now - seconds, now] that contains it.
        while times and times[0] <= now - self.seconds:
            times.popleft()
        if len(times) < self.limit:
            return 0.0
        return times[len(times) - self.limit] + self.seconds - now

    def add(self, now: float) -> None:
        """Count one event at `now`."""
        self._times.append(now)

    @property
    def idle(self) -> bool:
        """True once no counted event is left in the window (the last `wait` purged them)."""
        return not self._times


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
        self._overall: SlidingWindow | None = None
        self._chats: dict[int, SlidingWindow] = {}
        self._groups: dict[int, SlidingWindow] = {}

    def configure(self, limits: RateLimits | None = None, *, enabled: bool = True) -> None:
        """Switch the limits on or off (and optionally change them); the windows start empty."""
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
            self._overall = SlidingWindow(limits.per_second, 1.0)
        windows = [self._overall]
        if chat_id is not None:
            windows.append(
                _window_of(
                    self._chats,
                    chat_id,
                    limits.per_chat_burst,
                    limits.per_chat_burst / limits.per_chat_per_second,
                )
            )
            if group:
                windows.append(
                    _window_of(
                        self._groups,
                        chat_id,
                        limits.group_burst,
                        60.0 * limits.group_burst / limits.per_group_per_minute,
                    )
                )
        wait = max(window.wait(now) for window in windows)
        if wait > 0:
            self.limited += 1
            return max(1, math.ceil(wait))
        for window in windows:
            window.add(now)
        if len(self._chats) > 4096:  # forget chats whose windows are empty
            for key in [k for k, window in self._chats.items() if not window.wait(now)]:
                if self._chats[key].idle:
                    del self._chats[key]
        return None


def _window_of(
    windows: dict[int, SlidingWindow], key: int, limit: int, seconds: float
) -> SlidingWindow:
    window = windows.get(key)
    if window is None:
        window = windows[key] = SlidingWindow(limit, seconds)
    return window
