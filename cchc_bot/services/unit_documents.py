"""Read what a unit's own Word report is made of: one submission's latest submitted figures."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.documents.unit_report import UnitSubmission
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.exports import figure_of
from db.models import Period, QuestionnaireVersion, Submission, SubmissionVersion, Unit


@dataclass(frozen=True)
class UnitDocumentData:
    """One submission for the unit report builder, with the questionnaire it answered."""

    submission: UnitSubmission
    questionnaire: Questionnaire


class UnitDocumentService(ConfiguredService):
    """Reads one submitted report for its document; one read transaction per call."""

    async def submitted(self, submission_id: int) -> UnitDocumentData | None:
        """The latest submitted version of a submission (None: nothing submitted yet).

        Called by the report flow right after the service accepted that very submission.
        """
        async with self._sessions() as session:
            row = await session.execute(
                select(Submission, Unit, Period)
                .join(Unit, Unit.id == Submission.unit_id)
                .join(Period, Period.id == Submission.period_id)
                .where(Submission.id == submission_id)
            )
            found = row.first()
            if found is None:
                return None
            submission, unit, period_row = found
            snapshot = await session.scalar(
                select(SubmissionVersion)
                .where(SubmissionVersion.submission_id == submission.id)
                .order_by(SubmissionVersion.version.desc())
                .limit(1)
            )
            if snapshot is None:
                return None
            stored = await session.get(QuestionnaireVersion, snapshot.questionnaire_version_id)
            questionnaire = (
                self.questionnaire_of(stored) if stored is not None else self._config.questionnaire
            )
            answers = dict(snapshot.answers)
            submitted_at = snapshot.submitted_at
        configured = self._config.units.by_code().get(unit.code)
        return UnitDocumentData(
            submission=UnitSubmission(
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                period=self.period(period_row.code),
                figures={key: figure_of(value) for key, value in answers.items()},
                submitted_at=submitted_at.astimezone(self._tz),
                group=configured.group_code if configured is not None else None,
            ),
            questionnaire=questionnaire,
        )
