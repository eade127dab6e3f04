"""Freezing a submission as its next version: one rule for chat, import and consolidation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import conversation
from db.models import Submission, SubmissionVersion


def freeze_version(
    session: AsyncSession,
    submission: Submission,
    answers: dict[str, Any],
    *,
    member_id: int | None,
    now: dt.datetime,
    late: bool,
    source: str | None = None,
    source_file: str | None = None,
    questionnaire_version_id: int | None = None,
) -> SubmissionVersion:
    """Mark the submission submitted and add its next version holding `answers`.

    The version is of the submission's questionnaire unless `questionnaire_version_id` says
    otherwise (an import is checked against the questionnaire of today).
    """
    submission.version += 1
    submission.state = "submitted"
    submission.submitted_at = now
    submission.submitted_by_member_id = member_id
    submission.late = late
    submission.position = conversation.DONE
    submission.pending = None
    # Strictly later than the last change, so a stale button's state token cannot match.
    submission.updated_at = max(now, submission.updated_at + dt.timedelta(microseconds=1))
    version = SubmissionVersion(
        submission_id=submission.id,
        version=submission.version,
        questionnaire_version_id=questionnaire_version_id or submission.questionnaire_version_id,
        submitted_at=now,
        submitted_by_member_id=member_id,
        late=late,
        answers=answers,
        source=source,
        source_file=source_file,
    )
    session.add(version)
    return version
