"""Queries shared by several services; they never commit (the service owns the transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Answer, Member, Period, QuestionnaireVersion, Submission, Unit


async def get_or_create_period(session: AsyncSession, code: str, kind: str, year: int) -> Period:
    """The row of a period, created on first use (dates always come from the calendar)."""
    period = await session.scalar(select(Period).where(Period.code == code))
    if period is None:
        period = Period(code=code, kind=kind, year=year)
        session.add(period)
        await session.flush()
    return period


async def find_period(session: AsyncSession, code: str) -> Period | None:
    """The row of a period if it exists."""
    return await session.scalar(select(Period).where(Period.code == code))


async def questionnaire_version_by_hash(
    session: AsyncSession, content_hash: str
) -> QuestionnaireVersion | None:
    """The stored questionnaire version with this content hash."""
    return await session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == content_hash)
    )


async def active_units(session: AsyncSession) -> list[Unit]:
    """Every active unit, by kind then code."""
    return list(
        (
            await session.scalars(
                select(Unit).where(Unit.active.is_(True)).order_by(Unit.kind, Unit.code)
            )
        ).all()
    )


async def submissions_of_period(session: AsyncSession, period_id: int) -> dict[int, Submission]:
    """The submissions of a period, by unit id."""
    rows = await session.scalars(select(Submission).where(Submission.period_id == period_id))
    return {row.unit_id: row for row in rows}


async def answer_counts(session: AsyncSession, period_id: int) -> dict[int, int]:
    """How many answers each submission of a period has, by submission id."""
    rows = await session.execute(
        select(Answer.submission_id, func.count())
        .join(Submission, Submission.id == Answer.submission_id)
        .where(Submission.period_id == period_id)
        .group_by(Answer.submission_id)
    )
    return {submission_id: count for submission_id, count in rows}


async def reachability_by_unit(session: AsyncSession) -> dict[int, tuple[int, int]]:
    """For each unit with linked members: (members, reachable members)."""
    rows = await session.execute(
        select(Member.unit_id, func.count(), func.count().filter(Member.reachable.is_(True)))
        .where(Member.revoked_at.is_(None), Member.unit_id.is_not(None))
        .group_by(Member.unit_id)
    )
    return {
        unit_id: (total, reachable) for unit_id, total, reachable in rows if unit_id is not None
    }


async def upsert_answer(
    session: AsyncSession, submission_id: int, indicator_id: str, columns: dict[str, Any]
) -> None:
    """Insert an answer row or overwrite the one the draft has for that question."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(Answer).values(
        submission_id=submission_id, indicator_id=indicator_id, **columns
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Answer.submission_id, Answer.indicator_id], set_=columns
        )
    )
