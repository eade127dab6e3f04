"""Message pacing in one process: every send counted in a sliding window, bulk sends wait.

Telegram counts a bot's messages in a sliding window: about 30 in any one second overall and
one a second in a chat. Replies to people typing are counted here but never delayed; a bulk
send (reminder, digest, nudge) waits until the last `WINDOW` holds fewer than 30 messages of
any kind, its chat has had nothing for a second, and the previous bulk send left
`BULK_SPACING` ago (no bursts). `WINDOW` is a second plus a guard against network jitter (a
message stamped here reaches Telegram a little later, by a varying amount). The reminder
service also spaces bulk sends at `BULK_PER_SECOND` through the timetable it shares with
other processes (`services/bulk_pacing.py`): one a second under the limit, so this window
binds only when replies fill it or a late send would bunch with the next.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

TELEGRAM_PER_SECOND = 30
BULK_PER_SECOND = 29
CHAT_INTERVAL = 1.0
WINDOW = 1.02
BULK_SPACING = 1 / 60


class SendPacer:
    """Counts messages in the last `WINDOW`; `bulk_turn` waits for a place, `record` never does."""

    def __init__(
        self,
        per_window: int = TELEGRAM_PER_SECOND,
        *,
        chat_interval: float = CHAT_INTERVAL,
        bulk_spacing: float = BULK_SPACING,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if per_window < 1:
            raise ValueError("per_window must be at least 1")
        self.per_window = per_window
        self.chat_interval = chat_interval
        self.bulk_spacing = bulk_spacing
        self._last_bulk: float | None = None
        self._monotonic = monotonic
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._last_in_chat: dict[Hashable, float] = {}

    def record(self, chat_id: Hashable | None) -> None:
        """Count a message sent now (a reply: it is not delayed)."""
        self._add(self._monotonic(), chat_id)

    def wait(self, chat_id: Hashable | None) -> float:
        """Seconds until a bulk message to `chat_id` may go (0 if it may now)."""
        now = self._monotonic()
        sent = self._purge(now)
        wait = 0.0
        if len(sent) >= self.per_window:
            wait = sent[len(sent) - self.per_window] + WINDOW - now
        last = self._last_in_chat.get(chat_id) if chat_id is not None else None
        if last is not None:
            wait = max(wait, last + self.chat_interval - now)
        if self._last_bulk is not None:
            wait = max(wait, self._last_bulk + self.bulk_spacing - now)
        return max(0.0, wait)

    async def bulk_turn(self, chat_id: Hashable | None) -> float:
        """Wait until a bulk message to `chat_id` fits, count it, and return the seconds waited."""
        waited = 0.0
        while (wait := self.wait(chat_id)) > 0:
            await self._sleep(wait)
            waited += wait
        now = self._monotonic()
        self._last_bulk = now
        self._add(now, chat_id)
        return waited

    def in_window(self) -> int:
        """How many messages the last `WINDOW` holds."""
        now = self._monotonic()
        return sum(1 for t in self._sent if t > now - WINDOW)

    def _purge(self, now: float) -> deque[float]:
        sent = self._sent
        # A message at t counts in every window (now - WINDOW, now] that contains it.
        while sent and sent[0] <= now - WINDOW:
            sent.popleft()
        return sent

    def _add(self, now: float, chat_id: Hashable | None) -> None:
        self._purge(now).append(now)
        if chat_id is None:
            return
        self._last_in_chat[chat_id] = now
        if len(self._last_in_chat) > 4096:
            horizon = now - self.chat_interval
            for key in [k for k, t in self._last_in_chat.items() if t <= horizon]:
                del self._last_in_chat[key]
