"""Task answers between the database and the task domain: read a unit's, store a report's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.answers import Answer
from cchc_bot.config.tasks import TasksFile
from cchc_bot.config.units import UnitConfig
from cchc_bot.periods import ReportingPeriod
from cchc_bot.tasks.answers import task_answers
from cchc_bot.tasks.assignment import assignments
from cchc_bot.tasks.progress import TaskReport, TaskStatus
from cchc_bot.tasks.rates import TaskSummary, standings, summarise
from db import task_progress
from db.task_progress import ProgressRow


def involved(tasks: TasksFile | None, units: list[UnitConfig], unit: str) -> bool:
    """Whether a unit leads or cooperates on any task (only then are its task rows read)."""
    return tasks is not None and any(pair.unit == unit for pair in assignments(tasks, units))


def to_report(row: ProgressRow, period: ReportingPeriod) -> TaskReport:
    """A stored row as the domain's task report."""
    return TaskReport(
        task_id=row.task_id,
        unit=row.unit,
        period=row.period,
        period_end=period.window_end,
        status=TaskStatus(row.status),
        completed_on=row.completed_on,
        document_number=row.document_number,
        document_date=row.document_date,
        percent=float(row.percent) if row.percent is not None else None,
        explanation=row.explanation,
        contribution=row.contribution,
        reopened=row.reopened,
    )


async def year_reports(
    session: AsyncSession,
    year: int,
    period_of: Callable[[str], ReportingPeriod],
    unit: str | None = None,
) -> list[TaskReport]:
    """The task reports of a year's handed-in reports (of one unit, or of all)."""
    rows = await task_progress.reported_progress(session, year)
    return [
        to_report(row, period_of(row.period))
        for row in rows
        if (unit is None or row.unit == unit) and row.status in TaskStatus.__members__.values()
    ]


async def summary_at(
    session: AsyncSession,
    tasks: TasksFile | None,
    units: list[UnitConfig],
    periods: Sequence[ReportingPeriod],
    period: ReportingPeriod,
    today: dt.date,
    allowed: Collection[str] | None = None,
) -> TaskSummary | None:
    """Every lead agency's standing at a period (those allowed), judged on the earlier of
    today and the period's due day; None without a tasks file."""
    if tasks is None:
        return None
    period_of = {item.code: item for item in periods}
    reports = [
        to_report(row, period_of[row.period])
        for row in await task_progress.reported_progress(session, tasks.year)
        if row.period in period_of
    ]
    as_of = min(today, period.due_date)
    rows = standings(tasks, units, periods, period, reports, as_of)
    if allowed is not None:
        rows = [row for row in rows if row.unit in allowed]
    return summarise(rows, as_of, {unit.code: unit.name for unit in units})


async def store_answers(
    session: AsyncSession,
    tasks: TasksFile | None,
    submission_id: int,
    snapshot: Mapping[str, Any],
    member_id: int | None,
    now: dt.datetime,
) -> None:
    """Store what a submitted report says of its tasks (replacing its earlier version's)."""
    if tasks is None:
        return
    answers = {ident: Answer.from_json(data) for ident, data in snapshot.items()}
    rows = [
        ProgressRow(
            task_id=item.task_id,
            unit="",
            period="",
            status=(item.status or TaskStatus.NOT_STARTED).value,
            completed_on=item.completed_on,
            document_number=item.document_number,
            document_date=item.document_date,
            percent=item.percent,
            explanation=item.explanation,
            contribution=item.contribution,
        )
        for item in task_answers(answers, tasks)
    ]
    await task_progress.replace_progress(session, submission_id, rows, member_id, now)
