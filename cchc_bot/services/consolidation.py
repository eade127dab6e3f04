"""Reports that go up a level: a consolidating node's coordinator submits its subtree's total.

The node (units.yaml `consolidates: true`) gets one submission per period like any unit:
its figures are the aggregate of the reports below it (each indicator's own rule), its text
answers are the node's own. Above the node it counts instead of the units below it (see
`exports.consolidated_away`); a return from above reopens it for another consolidation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import Actor, require_coordinator
from cchc_bot.aggregation import ANSWER_TYPES, ExportData, IndicatorTotal, aggregate
from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.questionnaire import AggregateRule, IndicatorType
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.config_sync import questionnaire_fingerprint
from cchc_bot.services.exports import ExportService
from cchc_bot.services.reports.freezing import freeze_version
from cchc_bot.services.status import SUBMITTED_STATES
from db import repositories
from db.models import Answer, AuditEvent, Submission, Unit
from db.session import SessionFactory


class ConsolidationOutcome(StrEnum):
    """What a consolidation request found or did."""

    READY = "ready"
    SUBMITTED = "submitted"
    NOT_CONSOLIDATING = "not_consolidating"
    ALREADY_SUBMITTED = "already_submitted"
    NOTHING_BELOW = "nothing_below"


@dataclass(frozen=True)
class Consolidation:
    """A node's consolidated report for a period: how complete it is and its state."""

    outcome: ConsolidationOutcome
    period: ReportingPeriod
    node_code: str | None
    node_name: str | None = None
    counted: int = 0
    expected: int = 0
    missing: tuple[str, ...] = ()
    version: int = 0


def consolidated_answers(totals: list[IndicatorTotal]) -> dict[str, dict[str, Any]]:
    """The aggregate as frozen answers (`cchc_bot.answers.Answer` JSON), figures only."""
    answers: dict[str, dict[str, Any]] = {}
    for total in totals:
        indicator, current = total.indicator, total.current
        if indicator.type is IndicatorType.TEXT or indicator.type in ANSWER_TYPES:
            continue
        if indicator.aggregate_rule is AggregateRule.NONE:
            continue
        if current.not_arisen:
            answers[indicator.id] = {"not_applicable": True}
        elif current.value is not None:
            figure = {"value": str(current.value)}
            if current.numerator is not None and current.denominator is not None:
                figure |= {"numerator": str(current.numerator)}
                figure |= {"denominator": str(current.denominator)}
            answers[indicator.id] = figure
    return answers


class ConsolidationService(ConfiguredService):
    """Previews and submits consolidated reports; one transaction per call."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: Clock, tz: ZoneInfo
    ) -> None:
        super().__init__(session_factory, config, clock, tz)
        self._exports = ExportService(session_factory, config, clock, tz)

    async def preview(self, actor: Actor | None, period_code: str | None) -> Consolidation:
        """How complete the node's consolidated report would be now (nothing is written)."""
        coordinator = require_coordinator(actor, "consolidate a report")
        period = self.period(period_code)
        async with self._sessions() as session:
            return await self._read(session, coordinator, period)

    async def submit(self, actor: Actor | None, period_code: str | None) -> Consolidation:
        """Freeze the node's consolidated report as its submission, counted one level up."""
        coordinator = require_coordinator(actor, "consolidate a report")
        period = self.period(period_code)
        now = self._clock()
        async with self._sessions.begin() as session:
            found = await self._read(session, coordinator, period)
            if found.outcome is not ConsolidationOutcome.READY or found.node_code is None:
                return found
            data = await self._exports.read_export(session, period, found.node_code)
            below = replace(data, units=[u for u in data.units if u.code != found.node_code])
            answers = consolidated_answers(aggregate(below))
            submission = await self._node_submission(session, found.node_code, period)
            for row in await session.scalars(
                select(Answer).where(
                    Answer.submission_id == submission.id, Answer.text_value.is_not(None)
                )
            ):
                answers.setdefault(row.indicator_id, {"text_value": row.text_value})
            late = period.is_late(now)
            freeze_version(
                session,
                submission,
                answers,
                member_id=coordinator.member_id,
                now=now,
                late=late,
            )
            session.add(
                AuditEvent(
                    at=now,
                    action="consolidated_submitted",
                    actor_member_id=coordinator.member_id,
                    actor_telegram_user_id=coordinator.telegram_user_id,
                    unit_id=submission.unit_id,
                    details={
                        "period": period.code,
                        "version": submission.version,
                        "counted": found.counted,
                        "expected": found.expected,
                    },
                )
            )
            return replace(
                found, outcome=ConsolidationOutcome.SUBMITTED, version=submission.version
            )

    async def _read(
        self, session: AsyncSession, coordinator: Actor, period: ReportingPeriod
    ) -> Consolidation:
        node = coordinator.scope_code
        configured = self._config.units.by_code().get(node) if node is not None else None
        if node is None or configured is None or not configured.consolidates:
            return Consolidation(ConsolidationOutcome.NOT_CONSOLIDATING, period, node)
        unit = await session.scalar(select(Unit).where(Unit.code == node))
        if unit is None:
            return Consolidation(ConsolidationOutcome.NOT_CONSOLIDATING, period, node)
        data = await self._exports.read_export(session, period, node)
        own = await repositories.find_submission(session, unit.id, period.code)
        return self._summary(data, period, unit, own)

    @staticmethod
    def _summary(
        data: ExportData, period: ReportingPeriod, node: Unit, own: Submission | None
    ) -> Consolidation:
        below = [u for u in data.units if u.code != node.code]
        counted = [u for u in below if u.counted]
        missing = tuple(u.name for u in below if not u.counted and not u.in_consolidation)
        outcome = ConsolidationOutcome.READY
        if own is not None and own.state in SUBMITTED_STATES:
            outcome = ConsolidationOutcome.ALREADY_SUBMITTED
        elif not counted:
            outcome = ConsolidationOutcome.NOTHING_BELOW
        return Consolidation(
            outcome,
            period,
            node.code,
            node.name,
            counted=len(counted),
            expected=len(below),
            missing=missing,
            version=own.version if own is not None else 0,
        )

    async def _node_submission(
        self, session: AsyncSession, code: str, period: ReportingPeriod
    ) -> Submission:
        """The node's submission row for the period, created (and locked) on first use."""
        unit = await session.scalar(select(Unit).where(Unit.code == code))
        assert unit is not None
        row = await repositories.get_or_create_period(
            session, period.code, period.kind, period.year
        )
        submission = await session.scalar(
            select(Submission)
            .where(Submission.unit_id == unit.id, Submission.period_id == row.id)
            .with_for_update()
        )
        if submission is None:
            _, content_hash = questionnaire_fingerprint(self._config.questionnaire)
            version = await repositories.questionnaire_version_by_hash(session, content_hash)
            assert version is not None, "run `cchc-bot init`: the questionnaire is not synced"
            now = self._clock()
            submission = Submission(
                unit_id=unit.id,
                period_id=row.id,
                questionnaire_version_id=version.id,
                state="draft",
                created_at=now,
                updated_at=now,
                version=0,
            )
            session.add(submission)
            await session.flush()
        return submission
