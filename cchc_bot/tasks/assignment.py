"""Who leads and cooperates on which task, when each is due, and what a period asks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cchc_bot.config.tasks import TaskConfig, TasksFile
from cchc_bot.config.units import UnitConfig
from cchc_bot.periods import ReportingPeriod


@dataclass(frozen=True)
class Assignment:
    """One task as one unit carries it: as lead agency or as a cooperating one."""

    task: TaskConfig
    unit: str
    lead: bool


def resolve_codes(codes: Iterable[str], units: Sequence[UnitConfig]) -> list[str]:
    """Unit codes for a list of unit or group codes (a group: its active units, in file order)."""
    return _resolve(codes, _groups(units))


def _groups(units: Sequence[UnitConfig]) -> list[tuple[str, str | None]]:
    """Each unit's code with its group (None for an inactive unit: groups name active ones)."""
    return [(unit.code, unit.group_code if unit.active else None) for unit in units]


def _resolve(codes: Iterable[str], groups: Sequence[tuple[str, str | None]]) -> list[str]:
    chosen: list[str] = []
    seen: set[str] = set()  # a set: at 2,000 units a list lookup made this quadratic
    for code in codes:
        for unit_code, group in groups:
            if (unit_code == code or group == code) and unit_code not in seen:
                seen.add(unit_code)
                chosen.append(unit_code)
    return chosen


def assignments(tasks: TasksFile, units: Sequence[UnitConfig]) -> list[Assignment]:
    """Every (task, unit) pair of the annex, leads first within a task, in file order."""
    pairs: list[Assignment] = []
    groups = _groups(units)  # once, not per task: group_code is not free at 2,000 units
    for task in tasks.tasks:
        leads = _resolve(task.lead, groups)
        pairs.extend(Assignment(task, code, lead=True) for code in leads)
        leading = set(leads)
        pairs.extend(
            Assignment(task, code, lead=False)
            for code in _resolve(task.cooperate, groups)
            if code not in leading
        )
    return pairs


def led_by(tasks: TasksFile, units: Sequence[UnitConfig], unit: str) -> list[TaskConfig]:
    """The tasks a unit leads, in file order."""
    return [pair.task for pair in assignments(tasks, units) if pair.lead and pair.unit == unit]


def due_day(
    task: TaskConfig, year: int, periods: Sequence[ReportingPeriod], current: ReportingPeriod
) -> dt.date:
    """The day a task is due: its date, the data-window end of its period, or each period's."""
    if task.due_day is not None:
        return task.due_day
    kind = task.due_kind
    if kind is not None:
        for period in periods:
            if period.kind == kind and period.year == year:
                return period.window_end
    return current.window_end


def is_due_by(
    task: TaskConfig, year: int, periods: Sequence[ReportingPeriod], period: ReportingPeriod
) -> bool:
    """Whether a task is due in or before a period (recurring tasks: every period)."""
    if period.year != year:
        return False
    if task.recurring is not None:
        return True
    return due_day(task, year, periods, period) <= period.window_end


def asked_in(
    tasks: TasksFile,
    units: Sequence[UnitConfig],
    unit: str,
    periods: Sequence[ReportingPeriod],
    period: ReportingPeriod,
    done_before: Iterable[str] = (),
) -> list[TaskConfig]:
    """The tasks a lead agency reports on in a period: due by then and not done earlier."""
    done = set(done_before)
    return [
        task
        for task in led_by(tasks, units, unit)
        if is_due_by(task, tasks.year, periods, period)
        and (task.recurring is not None or task.id not in done)
    ]


def cooperating_in(
    tasks: TasksFile,
    units: Sequence[UnitConfig],
    unit: str,
    periods: Sequence[ReportingPeriod],
    period: ReportingPeriod,
) -> list[TaskConfig]:
    """The tasks a unit cooperates on that are due by a period (for a one-line contribution)."""
    return [
        pair.task
        for pair in assignments(tasks, units)
        if not pair.lead and pair.unit == unit and is_due_by(pair.task, tasks.year, periods, period)
    ]
