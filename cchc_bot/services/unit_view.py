"""One unit's submitted report as a coordinator reads it: every answer, warning and the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select

from cchc_bot import conversation, periods
from cchc_bot.access import Actor, require_coordinator, require_in_scope, require_unit_access
from cchc_bot.answers import Answer
from cchc_bot.conversation import DraftState, SummaryView
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.reports.references import reference_figures
from cchc_bot.services.status import unit_config
from db import repositories
from db.models import Attachment, QuestionnaireVersion, SubmissionVersion, Unit


class ViewOutcome(StrEnum):
    """Whether there is a submitted report to show."""

    SHOWN = "shown"
    UNKNOWN_UNIT = "unknown_unit"
    NOT_SUBMITTED = "not_submitted"


@dataclass(frozen=True)
class AttachedFile:
    """The signed file the unit attached."""

    file_name: str
    mime_type: str
    content: bytes


@dataclass(frozen=True)
class UnitReportView:
    """A unit's latest submitted version for a period, rendered like the head's summary."""

    outcome: ViewOutcome
    period: ReportingPeriod
    unit_code: str
    unit_name: str | None = None
    state: str | None = None
    version: int = 0
    submitted_at: dt.datetime | None = None
    late: bool = False
    returned_reason: str | None = None
    summary: SummaryView | None = None
    attachment: AttachedFile | None = None


class UnitViewService(ConfiguredService):
    """Reads one unit's submitted report for a coordinator; one read transaction per call."""

    async def submitted_report(
        self, actor: Actor | None, unit_code: str, period_code: str | None
    ) -> UnitReportView:
        """The latest submitted version of a unit's report, with warnings and attachment."""
        coordinator = require_coordinator(actor, "view a unit's report")
        return await self._report(coordinator, unit_code, period_code)

    async def unit_report(
        self, actor: Actor | None, unit_code: str, period_code: str | None
    ) -> UnitReportView:
        """The same view for coordinators and for the heads and staff of that very unit (web)."""
        if actor is not None and actor.is_scoped:
            checked = actor  # checked against the tree inside the read transaction
        else:
            checked = require_unit_access(actor, unit_code, "view a unit's report")
        return await self._report(checked, unit_code, period_code)

    async def _report(
        self, actor: Actor, unit_code: str, period_code: str | None
    ) -> UnitReportView:
        period = self.period(period_code)
        async with self._sessions() as session:
            if actor.is_scoped:
                parents = await repositories.unit_parents(session)
                require_in_scope(actor, unit_code, parents, "view a unit's report")
            unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                return UnitReportView(ViewOutcome.UNKNOWN_UNIT, period, unit_code)
            submission = await repositories.find_submission(session, unit.id, period.code)
            snapshot = (
                await session.scalar(
                    select(SubmissionVersion)
                    .where(SubmissionVersion.submission_id == submission.id)
                    .order_by(SubmissionVersion.version.desc())
                    .limit(1)
                )
                if submission is not None
                else None
            )
            if submission is None or snapshot is None:
                return UnitReportView(ViewOutcome.NOT_SUBMITTED, period, unit_code, unit.name)
            stored = await session.get(QuestionnaireVersion, snapshot.questionnaire_version_id)
            questionnaire = (
                self.questionnaire_of(stored) if stored is not None else self._config.questionnaire
            )
            previous = await reference_figures(
                session, unit, periods.period_code(period.year - 1, period.kind), questionnaire
            )
            first_quarter: dict[str, Decimal] = {}
            if period.cumulative and period.kind != "Q1":
                first_quarter = await reference_figures(
                    session, unit, periods.period_code(period.year, "Q1"), questionnaire
                )
            attachment = await session.scalar(
                select(Attachment)
                .where(Attachment.submission_id == submission.id)
                .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())
                .limit(1)
            )
            attached = (
                AttachedFile(attachment.file_name, attachment.mime_type, attachment.content)
                if attachment is not None
                else None
            )
        context = conversation.context_for_period(
            questionnaire,
            unit_config(unit),
            period,
            previous_values=previous,
            first_quarter_values=first_quarter,
        )
        answers = {}
        for indicator_id, data in snapshot.answers.items():
            try:
                answers[indicator_id] = Answer.from_json(data)
            except (ValueError, TypeError, ArithmeticError):
                continue
        view = conversation.summary(
            context, DraftState(answers=answers, position=conversation.DONE)
        )
        return UnitReportView(
            ViewOutcome.SHOWN,
            period,
            unit_code,
            unit.name,
            submission.state,
            snapshot.version,
            snapshot.submitted_at,
            snapshot.late,
            submission.returned_reason if submission.state == "returned" else None,
            view,
            attached,
        )
