"""Queries of the task progress rows (`task_progress`); they never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Period, Submission, TaskProgress, Unit

# A report counts once it was handed in, also while it is being revised or was returned.
REPORTED_STATES = ("submitted", "revising", "returned")


@dataclass(frozen=True)
class ProgressRow:
    """One stored task answer with the unit and period of its report."""

    task_id: str
    unit: str
    period: str
    status: str
    completed_on: dt.date | None = None
    document_number: str | None = None
    document_date: dt.date | None = None
    percent: Decimal | None = None
    explanation: str | None = None
    contribution: str | None = None
    attachment_id: int | None = None
    reopened: bool = False


async def replace_progress(
    session: AsyncSession,
    submission_id: int,
    rows: list[ProgressRow],
    member_id: int | None,
    at: dt.datetime,
) -> None:
    """Store a report's task answers, replacing what the report said before."""
    await session.execute(delete(TaskProgress).where(TaskProgress.submission_id == submission_id))
    session.add_all(
        TaskProgress(
            submission_id=submission_id,
            task_id=row.task_id,
            status=row.status,
            completed_on=row.completed_on,
            document_number=row.document_number,
            document_date=row.document_date,
            attachment_id=row.attachment_id,
            percent=row.percent,
            explanation=row.explanation,
            contribution=row.contribution,
            reported_at=at,
            reported_by_member_id=member_id,
        )
        for row in rows
    )
    await session.flush()


async def reported_progress(session: AsyncSession, year: int) -> list[ProgressRow]:
    """Every task answer of the reports of a year that were handed in."""
    result = await session.execute(
        select(TaskProgress, Unit.code, Period.code)
        .join(Submission, Submission.id == TaskProgress.submission_id)
        .join(Unit, Unit.id == Submission.unit_id)
        .join(Period, Period.id == Submission.period_id)
        .where(Period.year == year, Submission.state.in_(REPORTED_STATES))
        .order_by(Period.code, Unit.code, TaskProgress.task_id)
    )
    return [
        ProgressRow(
            task_id=row.task_id,
            unit=unit,
            period=period,
            status=row.status,
            completed_on=row.completed_on,
            document_number=row.document_number,
            document_date=row.document_date,
            percent=row.percent,
            explanation=row.explanation,
            contribution=row.contribution,
            attachment_id=row.attachment_id,
            reopened=row.reopened_at is not None,
        )
        for row, unit, period in result.all()
    ]


async def reopen(
    session: AsyncSession, unit_code: str, task_id: str, member_id: int | None, at: dt.datetime
) -> int:
    """Mark a unit's "done" answers of a task reopened; return how many rows changed."""
    unit_id = select(Unit.id).where(Unit.code == unit_code).scalar_subquery()
    submissions = select(Submission.id).where(Submission.unit_id == unit_id)
    result = await session.execute(
        update(TaskProgress)
        .where(
            TaskProgress.task_id == task_id,
            TaskProgress.status == "done",
            TaskProgress.reopened_at.is_(None),
            TaskProgress.submission_id.in_(submissions),
        )
        .values(reopened_at=at, reopened_by_member_id=member_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)
