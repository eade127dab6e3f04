"""What the control API drives beyond the simulation: the clock, faults, limits and the call log.

`LocalTelegramServer` is one; `control.py` speaks to this base, so it needs nothing of the
server module (which registers the control routes).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from cchc_bot.local_bot_api.clock import Clock
from cchc_bot.local_bot_api.faults import FaultKind, FaultPlan, FaultRule
from cchc_bot.local_bot_api.model.chats import User
from cchc_bot.local_bot_api.ratelimit import RateLimiter, RateLimits
from cchc_bot.local_bot_api.simulation import Simulation


@dataclass
class CallRecord:
    """One Bot API request and the answer it got (status 0: no answer was given)."""

    seq: int
    method: str
    params: dict[str, Any]
    chat_id: int | str | None
    status: int = 0
    response: dict[str, Any] | str | None = None
    fault: FaultKind | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form for the control API."""
        return {
            "seq": self.seq,
            "method": self.method,
            "params": self.params,
            "chat_id": self.chat_id,
            "status": self.status,
            "response": self.response,
            "fault": self.fault.value if self.fault else None,
        }


class ControlledServer(Simulation):
    """A simulated Telegram whose clock, faults, flood limits and request log can be driven."""

    faults: FaultPlan
    rate_limiter: RateLimiter
    call_counts: Counter[str]
    unsimulated_calls: Counter[str]
    request_log: list[CallRecord]
    too_many_requests: int

    @property
    def clock(self) -> Clock:
        """Where message dates come from; assign another clock to move the server in time."""
        return self.state.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.state.clock = clock

    @property
    def bot(self) -> User:
        """The bot's own account."""
        return self.state.bot

    def inject_fault(
        self,
        kind: FaultKind | str,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int = 1,
        retry_after: int = 1,
        delay: float = 0.0,
        execute: bool = False,
    ) -> FaultRule:
        """Make the next `times` calls of `method` to `chat_id` (None: any) fail as `kind`.

        `retry_after` is the 429's wait; `delay` is how late a DELAY answers, or how long a
        TIMEOUT hangs (default: until the client gives up); `execute` makes a TIMEOUT carry
        the call out before hanging, as when Telegram acts but the answer is lost.
        """
        return self.faults.add(
            kind,
            method=method,
            chat_id=chat_id,
            times=times,
            retry_after=retry_after,
            delay=delay,
            execute=execute,
        )

    def set_rate_limits(self, enabled: bool = True, limits: RateLimits | None = None) -> None:
        """Switch Telegram-like flood limits on (optionally with other numbers) or off."""
        self.rate_limiter.configure(limits, enabled=enabled)

    def calls(
        self,
        method: str | None = None,
        *,
        chat_id: int | str | None = None,
        ok: bool | None = None,
    ) -> list[CallRecord]:
        """Logged requests, filtered by method, chat and success."""
        return [
            record
            for record in self.request_log
            if (method is None or record.method == method)
            and (chat_id is None or str(record.chat_id) == str(chat_id))
            and (ok is None or record.ok == ok)
        ]
