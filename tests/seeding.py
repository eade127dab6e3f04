"""Test data written straight to the database: a submitted report, as the chat would freeze it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from db import repositories
from db.models import QuestionnaireVersion, Submission, SubmissionVersion, Unit
from db.session import SessionFactory


async def store_submitted(
    session_factory: SessionFactory,
    unit_code: str,
    period_code: str,
    answers: dict[str, Any],
    at: dt.datetime,
) -> None:
    """Store a unit's submitted report of a period (`2024-Q1`) with one frozen version."""
    async with session_factory.begin() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        version = await session.scalar(select(QuestionnaireVersion))
        assert unit is not None
        assert version is not None
        year, kind = period_code.split("-")
        period = await repositories.get_or_create_period(session, period_code, kind, int(year))
        submission = Submission(
            unit_id=unit.id,
            period_id=period.id,
            questionnaire_version_id=version.id,
            state="submitted",
            created_at=at,
            updated_at=at,
            submitted_at=at,
            version=1,
        )
        session.add(submission)
        await session.flush()
        session.add(
            SubmissionVersion(
                submission_id=submission.id,
                version=1,
                questionnaire_version_id=version.id,
                submitted_at=at,
                answers=answers,
            )
        )
