"""Injected failures: the next N matching calls answer 429, 500, 502, hang, or come late."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    """What an injected fault does to a call."""

    RETRY_AFTER = "retry_after"  # 429 Too Many Requests with parameters.retry_after
    SERVER_ERROR = "server_error"  # 500 Internal Server Error
    BAD_GATEWAY = "bad_gateway"  # 502 from the front proxy, an HTML page
    TIMEOUT = "timeout"  # no answer until the client gives up (optionally after executing)
    DELAY = "delay"  # executed and answered normally, `delay` seconds late


@dataclass
class FaultRule:
    """Apply `kind` to the next `times` calls of `method` (any if None) to `chat_id` (any)."""

    kind: FaultKind
    method: str | None = None
    chat_id: int | str | None = None
    times: int = 1
    retry_after: int = 1
    delay: float = 0.0
    execute: bool = False
    fired: int = 0

    @property
    def remaining(self) -> int:
        """How many more calls this rule will hit."""
        return self.times - self.fired

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        """Whether a call of `method` to `chat_id` is one this rule targets."""
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)


@dataclass(frozen=True)
class FiredFault:
    """A fault that hit a call."""

    kind: FaultKind
    method: str
    chat_id: int | str | None


class FaultPlan:
    """Rules in the order they were added; each call takes the first matching rule left."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.fired: list[FiredFault] = []

    def add(
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
        """Queue a fault rule and return it (its `fired` counts the hits)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        if retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        if delay < 0:
            raise ValueError("delay must not be negative")
        rule = FaultRule(
            kind=FaultKind(kind),
            method=method,
            chat_id=chat_id,
            times=times,
            retry_after=retry_after,
            delay=delay,
            execute=execute,
        )
        self.rules.append(rule)
        return rule

    def take(self, method: str, chat_id: int | str | None) -> FaultRule | None:
        """The rule that hits this call, if any; it is counted and used up in order."""
        for rule in self.rules:
            if rule.remaining > 0 and rule.matches(method, chat_id):
                rule.fired += 1
                self.fired.append(FiredFault(rule.kind, method, chat_id))
                return rule
        return None

    def count(self, kind: FaultKind | str | None = None) -> int:
        """How many calls a fault hit (of one kind, or of any)."""
        if kind is None:
            return len(self.fired)
        return sum(1 for fired in self.fired if fired.kind == FaultKind(kind))

    def pending(self) -> int:
        """How many more calls the rules will hit."""
        return sum(rule.remaining for rule in self.rules)

    def clear(self) -> None:
        """Drop every rule that has not fired yet; the record of fired faults stays."""
        self.rules = []
