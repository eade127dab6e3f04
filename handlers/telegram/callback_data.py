"""The coordinator's button payloads: typed, encoded in at most 64 bytes, malformed ones refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Telegram refuses callback_data over 64 bytes.
MAX_BYTES = 64
MAX_PAGE = 999
_UNIT = re.compile(r"[a-z0-9_]{1,40}")
_PERIOD = re.compile(r"[0-9]{4}-[A-Z][A-Z0-9]{0,3}")
_PAGE = re.compile(r"(?:0|[1-9][0-9]{0,2})")
_TASK = re.compile(r"[a-z][a-z0-9_]{0,33}")
_NONE = "-"
SEPARATOR = "|"


@dataclass(frozen=True)
class StatusPage:
    """⬅️ ➡️ through the pages of `/status` for a period."""

    period: str
    page: int


@dataclass(frozen=True)
class ReturnStart:
    """↩️ Trả lại: ask the coordinator for the reason to return a unit's report."""

    unit: str
    period: str


@dataclass(frozen=True)
class ReturnCancel:
    """✖️ Thôi under the return prompt: nothing is returned."""


@dataclass(frozen=True)
class RemindConfirm:
    """✅ Gửi nhắc: nudge the units of a period (one unit, or every one that has not submitted)."""

    period: str
    unit: str | None = None


@dataclass(frozen=True)
class RemindCancel:
    """✖️ Thôi under the nudge plan."""


@dataclass(frozen=True)
class TasksPage:
    """⬅️ ➡️ through the pages of `/tasks` for a period (coordinators and lead agencies)."""

    period: str
    page: int


@dataclass(frozen=True)
class TaskHistoryOpen:
    """A task's line under `/tasks`: its history across the periods."""

    task: str


@dataclass(frozen=True)
class TaskReopen:
    """🔓 under a task's history: a coordinator reopens a lead agency's "done" report of it."""

    task: str
    unit: str


Payload = (
    StatusPage
    | ReturnStart
    | ReturnCancel
    | RemindConfirm
    | RemindCancel
    | TasksPage
    | TaskHistoryOpen
    | TaskReopen
)

# Each payload's prefix; a CallbackQueryHandler pattern built from them routes the presses.
PREFIXES = ("st", "rt", "rx", "rm")
PATTERN = rf"^(?:{'|'.join(PREFIXES)})(?:\|.*)?$"
TASK_PREFIXES = ("tk", "th", "to")
TASK_PATTERN = rf"^(?:{'|'.join(TASK_PREFIXES)})(?:\|.*)?$"
"""The task buttons, routed apart: lead agencies press them too, not only coordinators."""


class InvalidPayload(ValueError):
    """A payload whose fields cannot be encoded (bad code, page, or too long)."""


def _check(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.fullmatch(value):
        raise InvalidPayload(f"invalid {what}: {value!r}")
    return value


def encode(payload: Payload) -> str:
    """The callback_data of a payload; InvalidPayload if a field is malformed."""
    match payload:
        case StatusPage(period, page):
            if not 0 <= page <= MAX_PAGE:
                raise InvalidPayload(f"invalid page: {page}")
            parts = ["st", _check(period, _PERIOD, "period"), str(page)]
        case ReturnStart(unit, period):
            parts = ["rt", _check(unit, _UNIT, "unit"), _check(period, _PERIOD, "period")]
        case ReturnCancel():
            parts = ["rx"]
        case RemindConfirm(period, unit):
            target = _NONE if unit is None else _check(unit, _UNIT, "unit")
            parts = ["rm", _check(period, _PERIOD, "period"), target]
        case RemindCancel():
            parts = ["rm", _NONE, _NONE]
        case TasksPage(period, page):
            if not 0 <= page <= MAX_PAGE:
                raise InvalidPayload(f"invalid page: {page}")
            parts = ["tk", _check(period, _PERIOD, "period"), str(page)]
        case TaskHistoryOpen(task):
            parts = ["th", _check(task, _TASK, "task")]
        case TaskReopen(task, unit):
            parts = ["to", _check(task, _TASK, "task"), _check(unit, _UNIT, "unit")]
    data = SEPARATOR.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise InvalidPayload(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Payload | None:
    """The payload of a button press, or None for anything malformed or forged."""
    if data is None or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(SEPARATOR)
    match parts:
        case ["st", period, page] if _PERIOD.fullmatch(period) and _PAGE.fullmatch(page):
            return StatusPage(period, int(page))
        case ["rt", unit, period] if _UNIT.fullmatch(unit) and _PERIOD.fullmatch(period):
            return ReturnStart(unit, period)
        case ["rx"]:
            return ReturnCancel()
        case ["rm", "-", "-"]:
            return RemindCancel()
        case ["rm", period, "-"] if _PERIOD.fullmatch(period):
            return RemindConfirm(period)
        case ["rm", period, unit] if _PERIOD.fullmatch(period) and _UNIT.fullmatch(unit):
            return RemindConfirm(period, unit)
        case ["tk", period, page] if _PERIOD.fullmatch(period) and _PAGE.fullmatch(page):
            return TasksPage(period, int(page))
        case ["th", task] if _TASK.fullmatch(task):
            return TaskHistoryOpen(task)
        case ["to", task, unit] if _TASK.fullmatch(task) and _UNIT.fullmatch(unit):
            return TaskReopen(task, unit)
        case _:
            return None
