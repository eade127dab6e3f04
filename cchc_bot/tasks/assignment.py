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
    chosen: list[str] = []
    for code in codes:
        matches = [
            unit.code
            for unit in units
            if unit.code == code or (unit.group_code == code and unit.active)
        ]
        chosen.extend(match for match in matches if match not in chosen)
    return chosen


def assignments(tasks: TasksFile, units: Sequence[UnitConfig]) -> list[Assignment]:
    """Every (task, unit) pair of the annex, leads first within a task, in file order."""
    pairs: list[Assignment] = []
    for task in tasks.tasks:
        leads = resolve_codes(task.lead, units)
        pairs.extend(Assignment(task, code, lead=True) for code in leads)
        pairs.extend(
            Assignment(task, code, lead=False)
            for code in resolve_codes(task.cooperate, units)
            if code not in leads
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
