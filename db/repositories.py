"""Queries shared by several services; they never commit (the service owns the transaction)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, TypeVar

from sqlalchemy import Executable, Select, bindparam, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import (
    Answer,
    LinkGuard,
    Member,
    Period,
    QuestionnaireVersion,
    Submission,
    Unit,
)

# Statements run for every answer are built once: SQLAlchemy memoizes a statement's cache
# key on the object, so reusing it skips construction and key generation each time.

T = TypeVar("T")
# Rows per fetch of a streamed read (`streamed`): a few milliseconds of ORM work at a time.
STREAM_ROWS = 100
ACTIVE_MEMBER_WITH_UNIT = (
    select(Member, Unit)
    .outerjoin(Unit, Member.unit_id == Unit.id)
    .where(Member.telegram_user_id == bindparam("telegram_user_id"), Member.revoked_at.is_(None))
)
"""The linked (not revoked) member of a Telegram account, with its unit if any."""

ANSWERS_OF_SUBMISSION = select(
    Answer.indicator_id,
    Answer.value,
    Answer.numerator,
    Answer.denominator,
    Answer.text_value,
    Answer.not_applicable,
    Answer.skipped,
    Answer.explanation,
    Answer.confirmed_warnings,
).where(Answer.submission_id == bindparam("submission_id"))
"""A draft's answers as plain rows (bind `submission_id`)."""


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


async def find_submission(
    session: AsyncSession, unit_id: int | None, period_code: str
) -> Submission | None:
    """A unit's submission (draft or sent) for a period, if it has one."""
    return await session.scalar(
        select(Submission)
        .join(Period, Period.id == Submission.period_id)
        .where(Submission.unit_id == unit_id, Period.code == period_code)
    )


async def questionnaire_version_by_hash(
    session: AsyncSession, content_hash: str
) -> QuestionnaireVersion | None:
    """The stored questionnaire version with this content hash."""
    return await session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == content_hash)
    )


async def active_units(session: AsyncSession, on: dt.date | None = None) -> list[Unit]:
    """Every active unit, by kind then code; with `on`, only those valid that day."""
    query = select(Unit).where(Unit.active.is_(True))
    if on is not None:
        query = query.where(
            or_(Unit.valid_from.is_(None), Unit.valid_from <= on),
            or_(Unit.valid_to.is_(None), Unit.valid_to >= on),
        )
    return await streamed(session, query.order_by(Unit.kind, Unit.code))


async def streamed(session: AsyncSession, query: Select[T]) -> list[T]:
    """Every row of a one-entity query, fetched `STREAM_ROWS` at a time: thousands of ORM rows
    are then built in short stretches with the event loop free between them."""
    result = await session.stream_scalars(query.execution_options(yield_per=STREAM_ROWS))
    return [row async for row in result]


async def unit_parents(session: AsyncSession) -> dict[str, str | None]:
    """Every stored unit's code with its parent's code: the tree that coordinator scopes cut."""
    rows = await session.execute(select(Unit.code, Unit.parent_code))
    return {code: parent for code, parent in rows}


async def submissions_of_period(session: AsyncSession, period_id: int) -> dict[int, Submission]:
    """The submissions of a period, by unit id."""
    rows = await streamed(session, select(Submission).where(Submission.period_id == period_id))
    return {row.unit_id: row for row in rows}


async def answer_counts(session: AsyncSession, period_id: int) -> dict[int, int]:
    """How many answers each submission of a period has, by submission id.

    The answers of the task section (`nv_...`, generated from tasks.yaml) are not counted:
    the totals they are shown against count the questionnaire's indicators.
    """
    rows = await session.execute(
        select(Answer.submission_id, func.count())
        .join(Submission, Submission.id == Answer.submission_id)
        .where(
            Submission.period_id == period_id,
            Answer.indicator_id.not_like("nv\\_%", escape="\\"),
        )
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


@functools.cache
def _upsert_answer_statement(dialect: str, columns: tuple[str, ...]) -> Executable:
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(Answer.metadata.tables[Answer.__tablename__])
    upsert: Executable = statement.on_conflict_do_update(
        index_elements=[Answer.submission_id, Answer.indicator_id],
        set_={name: statement.excluded[name] for name in columns},
    )
    return upsert


async def upsert_answer(
    connection: AsyncConnection, submission_id: int, indicator_id: str, columns: dict[str, Any]
) -> None:
    """Insert an answer row or overwrite the one the draft has for that question."""
    statement = _upsert_answer_statement(connection.dialect.name, tuple(sorted(columns)))
    await connection.execute(
        statement, {"submission_id": submission_id, "indicator_id": indicator_id, **columns}
    )


async def lock_link_guard(session: AsyncSession, telegram_user_id: int, now: dt.datetime) -> None:
    """Take the account's link-attempt row lock until the transaction ends (created if new).

    An upsert locks the row on PostgreSQL, so a second attempt of the same account waits for
    the first to commit and then reads its outcome; SQLite's `BEGIN IMMEDIATE` already
    serializes writers.
    """
    bind = session.get_bind()
    module = postgresql if bind.dialect.name == "postgresql" else sqlite
    statement = module.insert(LinkGuard).values(
        telegram_user_id=telegram_user_id, last_attempt_at=now, attempts=1
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[LinkGuard.telegram_user_id],
            set_={"last_attempt_at": now, "attempts": LinkGuard.attempts + 1},
        )
    )
