"""A draft as the service handles it: stamp, token, and the statements run on every answer."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from cchc_bot import conversation
from cchc_bot.answers import Answer
from cchc_bot.conversation import ConversationContext, DraftState
from cchc_bot.periods import ReportingPeriod
from db import repositories
from db.models import Answer as AnswerRow
from db.models import Attachment, Member, Period, Submission, SubmissionVersion, Unit


@dataclass
class Loaded:
    """A draft with what a step needs: its unit, period, conversation context and state."""

    submission: Submission
    unit: Unit
    period: ReportingPeriod
    context: ConversationContext
    state: DraftState
    period_override: str | None = None

    def accepts_answers(self, now: dt.datetime) -> bool:
        """A returned report can always be revised; otherwise the period must be open."""
        return accepts_answers(self.submission.state, self.period_override, self.period, now)


def accepts_answers(
    state: str, override: str | None, period: ReportingPeriod, now: dt.datetime
) -> bool:
    """A returned report can always be revised; otherwise the period must be open."""
    if state == "returned" or override == "open":
        return True
    return override != "closed" and period.is_open(now)


class Stamped(Protocol):
    """Where a draft stands: what `state_token` fingerprints."""

    @property
    def id(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def position(self) -> str | None: ...
    @property
    def updated_at(self) -> dt.datetime: ...


@dataclass(frozen=True, slots=True)
class DraftStamp:
    """A draft's position columns as plain values (the hot path reads no ORM draft)."""

    id: int
    state: str
    position: str | None
    pending: dict[str, Any] | None
    updated_at: dt.datetime
    returned_reason: str | None = None

    @classmethod
    def of(cls, submission: Submission) -> DraftStamp:
        """The stamp of an ORM row."""
        return cls(
            submission.id,
            submission.state,
            submission.position,
            submission.pending,
            submission.updated_at,
            submission.returned_reason,
        )


def state_token(submission: Stamped) -> str:
    """A short fingerprint of the draft's position: buttons from an older screen are stale."""
    stamp = submission.updated_at.isoformat()
    raw = f"{submission.id}|{submission.state}|{submission.position}|{stamp}"
    return hashlib.sha256(raw.encode()).hexdigest()[:8]


async def latest_version_figures(
    session: AsyncSession, unit_id: int, period_code: str
) -> dict[str, Decimal]:
    """The figures of a unit's latest submitted version for a period (empty when none)."""
    row = await repositories.find_period(session, period_code)
    if row is None:
        return {}
    snapshot = await session.scalar(
        select(SubmissionVersion.answers)
        .join(Submission, Submission.id == SubmissionVersion.submission_id)
        .where(Submission.unit_id == unit_id, Submission.period_id == row.id)
        .order_by(SubmissionVersion.version.desc())
        .limit(1)
    )
    return figures_of(snapshot) if snapshot else {}


def figures_of(snapshot: Mapping[str, Any]) -> dict[str, Decimal]:
    """Rule-reference keyed figures of a frozen version (for jump and Q1 checks)."""
    values: dict[str, Decimal] = {}
    for indicator_id, data in snapshot.items():
        try:
            answer = Answer.from_json(data)
        except (ValueError, TypeError, ArithmeticError):
            continue
        if answer.not_applicable or answer.skipped:
            continue
        if answer.value is not None:
            values[indicator_id] = answer.value
        if answer.numerator is not None:
            values[f"{indicator_id}.numerator"] = answer.numerator
        if answer.denominator is not None:
            values[f"{indicator_id}.denominator"] = answer.denominator
    return values


# An answer in one query: the linked member and their unit (as ORM rows, so the actor and
# the unit's configuration are built as everywhere else), the draft they are in (locked, as
# plain columns) and its period. Finding nothing means there is no draft to answer.
ANSWER_TARGET = (
    select(
        Member,
        Unit,
        Submission.id,
        Submission.unit_id,
        Submission.questionnaire_version_id,
        Submission.state,
        Submission.position,
        Submission.pending,
        Submission.updated_at,
        Submission.returned_reason,
        Period.code,
        Period.override,
    )
    .join(Unit, Unit.id == Member.unit_id)
    .join(Submission, Submission.id == Member.active_submission_id)
    .join(Period, Period.id == Submission.period_id)
    .where(Member.telegram_user_id == bindparam("telegram_user_id"), Member.revoked_at.is_(None))
    .with_for_update(of=Submission)
)
LATEST_ATTACHMENT_NAME = (
    select(Attachment.file_name)
    .where(Attachment.submission_id == bindparam("submission_id"))
    .order_by(Attachment.id.desc())
    .limit(1)
)
_answers = AnswerRow.metadata.tables[AnswerRow.__tablename__]
_DELETE_ANSWER = delete(_answers).where(
    AnswerRow.submission_id == bindparam("submission_id"),
    AnswerRow.indicator_id == bindparam("indicator_id"),
)
_submissions = Submission.metadata.tables[Submission.__tablename__]
_MOVE_DRAFT = (
    update(_submissions)
    .where(_submissions.c.id == bindparam("submission_id"))
    .values(
        position=bindparam("position"),
        pending=bindparam("pending"),
        updated_at=bindparam("updated_at"),
    )
)


async def read_answers(connection: AsyncConnection, submission_id: int) -> dict[str, Answer]:
    """A draft's answers, read as plain rows (this runs for every answer)."""
    rows = await connection.execute(
        repositories.ANSWERS_OF_SUBMISSION, {"submission_id": submission_id}
    )
    return {row.indicator_id: Answer.from_columns(row._asdict()) for row in rows}


async def write_outcome(
    connection: AsyncConnection,
    draft: DraftStamp,
    outcome: conversation.Outcome,
    now: dt.datetime,
    *,
    touch: bool,
    member_id: int | None,
) -> DraftStamp:
    """Store a step's answer changes and the draft's new position; return its new stamp.

    Core statements, not ORM flushes: this runs for every answer.
    """
    for change in outcome.changes:
        if change.answer is None:
            await connection.execute(
                _DELETE_ANSWER, {"submission_id": draft.id, "indicator_id": change.indicator_id}
            )
            continue
        await repositories.upsert_answer(
            connection,
            draft.id,
            change.indicator_id,
            {**change.answer.to_columns(), "answered_at": now, "answered_by_member_id": member_id},
        )
    position = outcome.state.position
    pending = outcome.state.pending_column()
    if draft.position == position and draft.pending == pending and not outcome.changes:
        return draft
    updated_at = draft.updated_at
    if touch or outcome.changes:
        updated_at = max(now, updated_at + dt.timedelta(microseconds=1))
    await connection.execute(
        _MOVE_DRAFT,
        {
            "submission_id": draft.id,
            "position": position,
            "pending": pending,
            "updated_at": updated_at,
        },
    )
    return replace(draft, position=position, pending=pending, updated_at=updated_at)
