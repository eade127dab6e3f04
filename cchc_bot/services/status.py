"""Submission status per unit for a period: counts for coordinators, one unit for its members."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from cchc_bot import heavy_jobs, unit_life
from cchc_bot.access import Actor, require_unit_access, units_in_scope
from cchc_bot.config.base import DEFAULT_KINDS, KindConfig
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.units import UnitConfig
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.base import ConfiguredService
from db import repositories
from db.models import QuestionnaireVersion, Unit

STATES = ("not_started", "draft", "submitted", "returned")
# How stored submission states read in status: a report being revised stays submitted
# (its last version counts) and one waiting for the head's approval is still a draft.
SHOWN_STATE = {"awaiting_approval": "draft", "revising": "submitted"}
SUBMITTED_STATES = frozenset({"submitted", "revising"})


@dataclass(frozen=True)
class UnitStatus:
    """One unit's state for a period."""

    code: str
    name: str
    kind: str
    state: str
    late: bool
    submitted_at: dt.datetime | None
    answered: int
    total: int
    linked: bool
    reachable: bool
    version: int
    returned_reason: str | None
    # When the unit's report last changed (an answer, a submission, a return); None: never.
    last_activity: dt.datetime | None = None
    # The unit above it in the organisation tree (units.yaml `parent`).
    parent: str | None = None


@dataclass(frozen=True)
class PeriodStatus:
    """Every unit's state for a period, with the counts coordinators read first."""

    period: ReportingPeriod
    closed: bool
    units: tuple[UnitStatus, ...]
    # The configured kinds in display order, with their labels (units.yaml `kinds:`).
    kinds: tuple[KindConfig, ...] = DEFAULT_KINDS
    # A scoped coordinator's node (its name): the status covers its subtree only.
    scope: str | None = None

    def counts(self) -> Counter[str]:
        """How many units are on time, late, drafting, not started, returned, unreachable."""
        counter: Counter[str] = Counter()
        for unit in self.units:
            if unit.state == "submitted":
                counter["submitted_late" if unit.late else "submitted_on_time"] += 1
            else:
                counter[unit.state] += 1
            if not unit.reachable:
                counter["unreachable"] += 1
        return counter


def unit_config(unit: Unit) -> UnitConfig:
    """The configuration view of a unit row (for `applies_to` rules)."""
    return UnitConfig(
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        has_tthc=unit.has_tthc,
        active=unit.active,
    )


class StatusService(ConfiguredService):
    """Reads submission status; one transaction per call."""

    async def district_status(self, period_code: str | None = None) -> PeriodStatus:
        """Every active unit's state (operator, CLI)."""
        return await self._status(self.period(period_code), None)

    async def status_for(self, actor: Actor, period_code: str | None = None) -> PeriodStatus:
        """Coordinators see their subtree (all units when unscoped); heads and staff their own."""
        period = self.period(period_code)
        if actor.is_coordinator:
            return await self._status(period, None if actor.scope_code is None else actor)
        require_unit_access(actor, actor.unit_code or "", "read status")
        return await self._status(period, actor)

    async def _status(self, period: ReportingPeriod, scope: Actor | None) -> PeriodStatus:
        now = self._clock()
        async with self._sessions() as session:
            units = await repositories.active_units(session, unit_life.asked_on(period))
            scope_name = None
            if scope is not None:
                parents = await repositories.unit_parents(session)
                allowed = units_in_scope(scope, parents)
                units = [unit for unit in units if unit.code in allowed]
                if scope.is_scoped:
                    scope_name = await session.scalar(
                        select(Unit.name).where(Unit.code == scope.scope_code)
                    )
            row = await repositories.find_period(session, period.code)
            submissions = await repositories.submissions_of_period(session, row.id) if row else {}
            counts = await repositories.answer_counts(session, row.id) if row else {}
            reach = await repositories.reachability_by_unit(session)
            questionnaires: dict[int, Questionnaire] = {}
            for stored_id in {sub.questionnaire_version_id for sub in submissions.values()}:
                version = await session.get(QuestionnaireVersion, stored_id)
                if version is not None:
                    questionnaires[stored_id] = self.questionnaire_of(version)
        closed = row is not None and row.override == "closed"
        past_deadline = now > period.deadline
        current = self._config.questionnaire
        totals: dict[tuple[int | None, str, bool], int] = {}
        result = []
        # Paced: at 2,000 units the loop would otherwise hold the event loop for tens of ms.
        async for unit in heavy_jobs.paced(units):
            submission = submissions.get(unit.id)
            version_id = submission.questionnaire_version_id if submission else None
            questionnaire = questionnaires.get(version_id, current) if version_id else current
            key = (version_id, unit.kind, unit.has_tthc)
            if key not in totals:
                totals[key] = len(questionnaire.questions_for(unit_config(unit), period.kind))
            members, reachable_members = reach.get(unit.id, (0, 0))
            state = "not_started"
            late = past_deadline
            if submission is not None:
                state = SHOWN_STATE.get(submission.state, submission.state)
                if state == "submitted":
                    late = submission.late
            result.append(
                UnitStatus(
                    code=unit.code,
                    name=unit.name,
                    kind=unit.kind,
                    state=state,
                    late=late,
                    submitted_at=submission.submitted_at if submission else None,
                    answered=counts.get(submission.id, 0) if submission else 0,
                    total=totals[key],
                    linked=members > 0,
                    reachable=reachable_members > 0,
                    version=submission.version if submission else 0,
                    returned_reason=submission.returned_reason if submission else None,
                    last_activity=submission.updated_at if submission else None,
                    parent=unit.parent_code,
                )
            )
        return PeriodStatus(
            period=period,
            closed=closed,
            units=tuple(result),
            kinds=tuple(self._config.units.unit_kinds()),
            scope=scope_name,
        )
