"""Sign-in attempts per client address in a sliding window (per process)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

SIGN_IN_ATTEMPTS = 30  # per address: people behind one office NAT share it
SIGN_IN_WINDOW = 60.0  # seconds


class SignInLimiter:
    """Allows `limit` attempts per address in any `window` seconds; then says how long to wait."""

    def __init__(
        self,
        limit: int = SIGN_IN_ATTEMPTS,
        window: float = SIGN_IN_WINDOW,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window
        self._monotonic = monotonic
        self._attempts: dict[str, deque[float]] = {}

    def attempt(self, address: str) -> float:
        """Record an attempt; 0 when allowed, else the seconds until the next one is."""
        now = self._monotonic()
        recent = self._attempts.setdefault(address, deque())
        while recent and recent[0] <= now - self._window:
            recent.popleft()
        if len(recent) >= self._limit:
            return recent[0] + self._window - now
        recent.append(now)
        if len(self._attempts) > 10_000:  # forget idle addresses so memory stays bounded
            for key in [
                k for k, v in self._attempts.items() if not v or v[-1] <= now - self._window
            ]:
                del self._attempts[key]
        return 0.0
