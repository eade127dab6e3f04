"""A task's progress as reported, and its standing at a period once the reports are merged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from cchc_bot.config.tasks import TaskConfig
from cchc_bot.periods import ReportingPeriod
from cchc_bot.tasks.assignment import due_day


class TaskStatus(StrEnum):
    """What a lead agency says of a task in a report."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class TaskReport:
    """One unit's answer about one task in one period's report."""

    task_id: str
    unit: str
    period: str
    period_end: dt.date
    status: TaskStatus
    completed_on: dt.date | None = None
    document_number: str | None = None
    document_date: dt.date | None = None
    percent: float | None = None
    explanation: str | None = None
    contribution: str | None = None
    file_id: str | None = None
    # A coordinator reopened the task: this "done" no longer closes it.
    reopened: bool = False

    @property
    def closes(self) -> bool:
        """Whether this report settles the task for later periods."""
        return self.status is TaskStatus.DONE and not self.reopened


@dataclass(frozen=True)
class TaskStanding:
    """Where one lead agency stands on one task as of a period."""

    task: TaskConfig
    unit: str
    due: dt.date
    status: TaskStatus
    report: TaskReport | None
    # Due by the day the standing is taken (or already done), so it counts in the rates.
    counted: bool
    overdue: bool

    @property
    def completed_on(self) -> dt.date | None:
        """The day the task was done, when it was."""
        return self.report.completed_on if self.status is TaskStatus.DONE and self.report else None

    @property
    def late(self) -> bool | None:
        """Whether a done task was done after its due day (None: not done or no date)."""
        done = self.completed_on
        return None if done is None else done > self.due


def current_report(
    task: TaskConfig, unit: str, period: ReportingPeriod, reports: Iterable[TaskReport]
) -> TaskReport | None:
    """The report that says where a task stands at a period.

    A recurring task is judged on this period's report alone; any other task on the earliest
    closing "done" up to this period, else on the latest report up to it.
    """
    own = [
        report
        for report in reports
        if report.task_id == task.id
        and report.unit == unit
        and report.period_end <= period.window_end
    ]
    if task.recurring is not None:
        return next((report for report in own if report.period == period.code), None)
    own.sort(key=lambda report: report.period_end)
    closing = next((report for report in own if report.closes), None)
    if closing is not None:
        return closing
    return own[-1] if own else None


def done_ids(unit: str, before: ReportingPeriod, reports: Iterable[TaskReport]) -> set[str]:
    """The tasks a unit closed in reports of periods before this one (not reopened)."""
    return {
        report.task_id
        for report in reports
        if report.unit == unit and report.closes and report.period_end < before.window_end
    }


def standing(
    task: TaskConfig,
    unit: str,
    year: int,
    periods: Sequence[ReportingPeriod],
    period: ReportingPeriod,
    reports: Iterable[TaskReport],
    as_of: dt.date,
) -> TaskStanding:
    """A lead agency's standing on a task at a period, judged on the day `as_of`."""
    report = current_report(task, unit, period, reports)
    status = TaskStatus.NOT_STARTED if report is None else report.status
    if status is TaskStatus.DONE and report is not None and report.reopened:
        status = TaskStatus.IN_PROGRESS
    due = due_day(task, year, periods, period)
    done = status is TaskStatus.DONE
    return TaskStanding(
        task=task,
        unit=unit,
        due=due,
        status=status,
        report=report,
        counted=done or due <= as_of,
        overdue=not done and due < as_of,
    )
