"""Reminder value types: messages, delivery results, run reports, claim keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from cchc_bot.config.organisation import Organisation, bundled_organisation
from cchc_bot.periods import ReportingPeriod
from cchc_bot.reminder_plan import (
    ReminderKey,
)

RETRY_BASE = dt.timedelta(minutes=1)
# Reminders go out one at a time, claimed just before sending (a killed process leaves at
# most the one in flight claimed and unsent); each outcome is recorded in the transaction
# that claims the next, so one reminder costs one transaction.
RETRY_CAP = dt.timedelta(hours=1)


class DeliveryOutcome(StrEnum):
    """What Telegram did with a reminder."""

    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one send, with Telegram's message id or the error."""

    outcome: DeliveryOutcome
    message_id: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class OverdueUnit:
    """A unit listed in a coordinator's digest.

    `has_account`: someone of the unit linked a Telegram account; `reachable`: a reminder can
    reach one of them; `reminded`: one was sent a reminder of this period and the unit still
    has not submitted; `phone` from `units.yaml`, for the ones to call.
    """

    code: str
    name: str
    head_names: tuple[str, ...]
    days_late: int
    reachable: bool
    has_account: bool = True
    reminded: bool = False
    phone: str | None = None


@dataclass(frozen=True)
class TaskNotice:
    """A task of the plan annex soon due, for its lead agency's head."""

    task_id: str
    title: str
    product: str
    due: dt.date
    days_left: int


@dataclass(frozen=True)
class OverdueTask:
    """A task past its due day and not done, for the coordinators' digest."""

    title: str
    lead: str
    due: dt.date


@dataclass(frozen=True)
class ReminderMessage:
    """Everything the renderer needs to word one reminder or digest."""

    kind: str
    telegram_user_id: int
    period: ReportingPeriod
    overdue: bool
    unit_code: str | None = None
    unit_name: str | None = None
    days_left_or_late: int = 0
    answered: int = 0
    total: int = 0
    manual: bool = False
    overdue_units: tuple[OverdueUnit, ...] = ()
    # A task reminder (kind `task-<id>`), and the overdue tasks a digest lists.
    task: TaskNotice | None = None
    overdue_tasks: tuple[OverdueTask, ...] = ()
    # Who sends it (the office and organisation the text names); the service sets its own.
    organisation: Organisation = field(default_factory=bundled_organisation)


Deliver = Callable[[ReminderMessage], Awaitable[DeliveryResult]]


@dataclass(frozen=True)
class ReminderItem:
    """One reminder in a run report (the contract's `remind --json` items)."""

    unit: str | None
    telegram_user_id: int
    period: str
    kind: str


@dataclass
class RunReport:
    """What one run sent, failed, found unreachable or skipped (or, dry, would send)."""

    at: dt.datetime
    sent: list[ReminderItem] = field(default_factory=list)
    failed: list[ReminderItem] = field(default_factory=list)
    unreachable: list[ReminderItem] = field(default_factory=list)
    skipped: list[ReminderItem] = field(default_factory=list)
    due: list[ReminderItem] = field(default_factory=list)


def dedup_key(key: ReminderKey) -> str:
    """The unique claim key stored in the database."""
    unit, member, period, kind = key
    return f"{unit or '-'}|{member}|{period}|{kind}"


def parse_dedup_key(text: str) -> ReminderKey:
    """The claim key a stored `dedup_key` stands for."""
    unit, member, period, kind = text.split("|", 3)
    return (None if unit == "-" else unit, int(member), period, kind)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after a failed send, capped at an hour."""
    delay: dt.timedelta = RETRY_BASE * (2 ** max(0, attempts - 1))
    return min(delay, RETRY_CAP)


@dataclass(frozen=True)
class NudgePlan:
    """Who a coordinator's /remind would reach, before it is confirmed."""

    period: ReportingPeriod
    units: tuple[str, ...]
    people: int
    recently_nudged: tuple[str, ...]
    without_members: tuple[str, ...]
