"""Task rates per lead agency and for the district: due, on time, late, overdue, on-time rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cchc_bot.config.tasks import TasksFile
from cchc_bot.config.units import UnitConfig
from cchc_bot.periods import ReportingPeriod
from cchc_bot.tasks.assignment import assignments
from cchc_bot.tasks.progress import TaskReport, TaskStanding, TaskStatus, standing


@dataclass(frozen=True)
class TaskRates:
    """Counts of the tasks that count at a day, and the share done on time."""

    due: int = 0
    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0

    @property
    def done(self) -> int:
        """Tasks done, on time or late."""
        return self.done_on_time + self.done_late

    @property
    def on_time_rate(self) -> float | None:
        """ "Tỷ lệ hoàn thành nhiệm vụ đúng hạn" in percent; None when no task is due."""
        return None if self.due == 0 else 100 * self.done_on_time / self.due

    def __add__(self, other: TaskRates) -> TaskRates:
        """Add two sets of counts (the district is the sum of its agencies)."""
        return TaskRates(
            due=self.due + other.due,
            done_on_time=self.done_on_time + other.done_on_time,
            done_late=self.done_late + other.done_late,
            in_progress=self.in_progress + other.in_progress,
            not_started=self.not_started + other.not_started,
            overdue=self.overdue + other.overdue,
        )


def standings(
    tasks: TasksFile,
    units: Sequence[UnitConfig],
    periods: Sequence[ReportingPeriod],
    period: ReportingPeriod,
    reports: Sequence[TaskReport],
    as_of: dt.date,
) -> list[TaskStanding]:
    """Every lead agency's standing on every task at a period, in annex order."""
    return [
        standing(pair.task, pair.unit, tasks.year, periods, period, reports, as_of)
        for pair in assignments(tasks, units)
        if pair.lead
    ]


def count(rows: Iterable[TaskStanding]) -> TaskRates:
    """The rates of a set of standings (only those that count at their day)."""
    total = TaskRates()
    for row in rows:
        if not row.counted:
            continue
        done = row.status is TaskStatus.DONE
        total += TaskRates(
            due=1,
            done_on_time=int(done and not row.late),
            done_late=int(done and bool(row.late)),
            in_progress=int(row.status is TaskStatus.IN_PROGRESS),
            not_started=int(row.status is TaskStatus.NOT_STARTED),
            overdue=int(row.overdue),
        )
    return total


def agency_rates(rows: Iterable[TaskStanding]) -> dict[str, TaskRates]:
    """The rates of each lead agency, in the order agencies first appear."""
    by_unit: dict[str, list[TaskStanding]] = {}
    for row in rows:
        by_unit.setdefault(row.unit, []).append(row)
    return {unit: count(own) for unit, own in by_unit.items()}


def district_rates(rows: Iterable[TaskStanding]) -> TaskRates:
    """The district's rates: the sum of every lead agency's counts."""
    return count(rows)


def computed_cddh_01(rows: Iterable[TaskStanding], unit: str) -> tuple[int, int] | None:
    """`cddh_01` from the task list: (tasks done so far, tasks of the year); None without tasks."""
    own = [row for row in rows if row.unit == unit]
    if not own:
        return None
    return sum(row.status is TaskStatus.DONE for row in own), len(own)


def overdue_first(rows: Iterable[TaskStanding]) -> list[TaskStanding]:
    """Standings with the overdue ones first (earliest due first), then by status and due day."""
    order = {TaskStatus.NOT_STARTED: 0, TaskStatus.IN_PROGRESS: 1, TaskStatus.DONE: 2}
    return sorted(rows, key=lambda row: (not row.overdue, order[row.status], row.due))


@dataclass(frozen=True)
class TaskSummary:
    """The standings and rates an export or a list shows for a period, judged on `as_of`."""

    as_of: dt.date
    rows: tuple[TaskStanding, ...]
    agencies: dict[str, TaskRates]
    district: TaskRates
    unit_names: dict[str, str]


def summarise(
    rows: Sequence[TaskStanding], as_of: dt.date, unit_names: dict[str, str]
) -> TaskSummary:
    """The rows overdue first, with each agency's rates and the district's."""
    return TaskSummary(
        as_of=as_of,
        rows=tuple(overdue_first(rows)),
        agencies=agency_rates(rows),
        district=district_rates(rows),
        unit_names=unit_names,
    )
