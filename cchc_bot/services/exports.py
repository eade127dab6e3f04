"""Read one period's reports into the export model: latest submitted versions, reminders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from cchc_bot import heavy_jobs, period_calendar, periods, tree, unit_life
from cchc_bot.access import Actor, require_coordinator
from cchc_bot.aggregation import (
    ComparisonPlan,
    Comparisons,
    EarlierPeriod,
    ExportData,
    Figure,
    ReminderRecord,
    UnitReport,
)
from cchc_bot.comparisons import INCREMENT_RULES, combined_figures, plan_comparisons
from cchc_bot.config.questionnaire import AggregateRule
from cchc_bot.config.units import UnitConfig
from cchc_bot.imports import IMPORT_SOURCE
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services import task_reports
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.status import SHOWN_STATE, unit_config
from cchc_bot.texts import figures as figure_words
from db import repositories
from db.models import (
    Member,
    QuestionnaireVersion,
    ReminderLog,
    Submission,
    SubmissionVersion,
    Unit,
)

# The period each kind is compared with in the same year (Q1 has none).
PREVIOUS_KIND = {"H1": "Q1", "Q3": "H1", "Y": "Q3"}


def _decimal(raw: Any) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None


def figure_of(data: Mapping[str, Any]) -> Figure:
    """A frozen answer (the JSON of `cchc_bot.answers.Answer`) as an export figure."""
    return Figure(
        value=_decimal(data.get("value")),
        numerator=_decimal(data.get("numerator")),
        denominator=_decimal(data.get("denominator")),
        text=data.get("text_value"),
        not_applicable=bool(data.get("not_applicable", False)),
        skipped=bool(data.get("skipped", False)),
        explanation=data.get("explanation"),
    )


def consolidated_away(
    units: Sequence[Unit],
    submissions: Mapping[int, Submission],
    parents: Mapping[str, str | None],
    scope: str | None,
    configured: Mapping[str, UnitConfig],
) -> set[str]:
    """The units whose figures a submitted consolidated report already holds.

    A consolidating node that submitted counts instead of the units below it; in the node's
    own export (its scope) the units below count and its consolidated report does not.
    """
    left_out: set[str] = set()
    for unit in units:
        config = configured.get(unit.code)
        submission = submissions.get(unit.id)
        if config is None or not config.consolidates or submission is None:
            continue
        if SHOWN_STATE.get(submission.state, submission.state) != "submitted":
            continue
        if unit.code == scope:
            left_out.add(unit.code)
        else:
            left_out |= tree.subtree(unit.code, parents) - {unit.code}
    return left_out


@dataclass(frozen=True)
class _Lineage:
    """Unit ids by code and who each unit took over from (units.yaml `successors`)."""

    ids: Mapping[str, int]
    predecessors: Mapping[str, list[str]]


def newest_versions(period_id: int) -> Subquery:
    """Each submission of a period with the number of its latest submitted version (`v`)."""
    return (
        select(SubmissionVersion.submission_id, func.max(SubmissionVersion.version).label("v"))
        .join(Submission, Submission.id == SubmissionVersion.submission_id)
        .where(Submission.period_id == period_id)
        .group_by(SubmissionVersion.submission_id)
        .subquery()
    )


class ExportService(ConfiguredService):
    """Builds the export model of a period in one read transaction."""

    async def export_for(self, actor: Actor | None, period_code: str | None) -> ExportData:
        """The export of a period for a coordinator: their subtree only (refused to others)."""
        coordinator = require_coordinator(actor, "export")
        return await self.export_data(period_code, scope=coordinator.scope_code)

    async def export_data(self, period_code: str | None, scope: str | None = None) -> ExportData:
        """The export of a period (operator, CLI); `scope`: only that node's subtree."""
        period = self.period(period_code)
        async with self._sessions() as session:
            return await self.read_export(session, period, scope)

    async def read_export(
        self, session: AsyncSession, period: ReportingPeriod, scope: str | None
    ) -> ExportData:
        """Read the export of a period inside the caller's transaction (see export_data)."""
        units = await repositories.active_units(session, unit_life.asked_on(period))
        parents = await repositories.unit_parents(session)
        if scope is not None:
            allowed = tree.subtree(scope, parents)
            units = [unit for unit in units if unit.code in allowed]
        root = tree.subtotal_root(scope, parents)
        # Every unit, ended ones too: node names, predecessors, changes in the window.
        everyone = await repositories.streamed(session, select(Unit))
        node_names = {unit.code: unit.name for unit in everyone}
        lineage = _Lineage(
            {unit.code: unit.id for unit in everyone},
            unit_life.predecessors(
                {unit.code: list(unit.successors) for unit in everyone if unit.successors}
            ),
        )
        changed = unit_life.changed_in_window(
            (u for u in everyone if u.active and (scope is None or u.code in allowed)), period
        )
        latest = await self._latest_versions(session, period.code)
        answered_on = await self._answered_versions(session, period.code)
        plan = self._comparison_plan(period)
        legacy = (
            periods.period_code(period.year, PREVIOUS_KIND[period.kind])
            if period.kind in PREVIOUS_KIND
            else None
        )
        earlier = {
            code: await self._latest_versions(
                session, code, None if code == legacy else self._wanted(plan, code)
            )
            for code in plan.codes()
        }
        previous = None
        previous_label = None
        if legacy is not None:
            previous_code = legacy
            previous_versions = earlier.get(legacy)
            if previous_versions is None:
                previous_versions = await self._latest_versions(session, previous_code)
            previous = self._by_code(previous_versions, units, lineage)
            previous_label = period_calendar.period_by_code(
                self._config.schedule, previous_code, self._tz
            ).label
        row = await repositories.find_period(session, period.code)
        submissions = await repositories.submissions_of_period(session, row.id) if row else {}
        names = dict((await session.execute(select(Member.id, Member.name))).all())
        reminders = await self._reminders(session, period.code)
        questionnaire = self._config.questionnaire
        configured = self._config.units.by_code()
        left_out = consolidated_away(units, submissions, parents, scope, configured)
        reports = []
        # Paced: at 2,000 units the loop would otherwise hold the event loop for tens of ms.
        async for unit in heavy_jobs.paced(units):
            submission = submissions.get(unit.id)
            state = "not_started"
            if submission is not None:
                state = SHOWN_STATE.get(submission.state, submission.state)
            figures: dict[str, Figure] = {}
            if unit.id in latest and state != "returned":
                figures = latest[unit.id]
            answered, source = answered_on.get(unit.id, (None, None))
            submitter = (
                names.get(submission.submitted_by_member_id)
                if submission and submission.submitted_by_member_id
                else None
            )
            if source == IMPORT_SOURCE and submission and submission.state == "submitted":
                submitter = figure_words.IMPORTED_BY
            # The group is configuration only (units.yaml), not a column of the unit row.
            group = configured[unit.code].group if unit.code in configured else None
            view = unit_config(unit).model_copy(update={"group": group})
            applicable = frozenset(
                indicator.id for indicator in questionnaire.questions_for(view, period.kind)
            )
            reports.append(
                UnitReport(
                    code=unit.code,
                    name=unit.name,
                    kind=unit.kind,
                    state=state,
                    late=(submission.late if submission and state == "submitted" else False),
                    submitted_at=submission.submitted_at if submission else None,
                    submitted_by=submitter,
                    version=submission.version if submission else 0,
                    returned_reason=submission.returned_reason if submission else None,
                    figures=figures,
                    applicable=applicable,
                    group=view.group_code,
                    node=tree.node_under(unit.code, root, parents) if root else None,
                    in_consolidation=unit.code in left_out,
                    questionnaire_version=answered if figures else None,
                )
            )
        nodes = self._nodes(root, parents, units, node_names)
        return ExportData(
            period=period,
            questionnaire=questionnaire,
            units=reports,
            previous=previous,
            reminders=reminders,
            generated_at=self._clock(),
            organisation=self._config.units.organisation,
            tz=self._tz,
            previous_label=previous_label,
            groups=self._config.units.unit_groups(),
            comparisons=self._comparisons(period, plan, earlier, units, lineage),
            scope=node_names.get(scope) if scope is not None else None,
            nodes=nodes,
            unit_changes=[(u.name, u.valid_from, u.valid_to) for u in changed],
            tasks=await task_reports.summary_at(
                session,
                self._config.tasks,
                self._config.units.units,
                period_calendar.build_periods(self._config.schedule, period.year, self._tz),
                period,
                self._clock().astimezone(self._tz).date(),
                {unit.code for unit in units} if scope is not None else None,
            ),
        )

    def _by_code(
        self,
        figures: Mapping[int, Mapping[str, Figure]],
        units: Sequence[Unit],
        lineage: _Lineage,
    ) -> dict[str, Mapping[str, Figure]]:
        """An earlier period's figures by unit code; a successor without its own gets its
        predecessors' figures combined by each indicator's rule (comparisons.combined_figures).
        """
        result: dict[str, Mapping[str, Figure]] = {}
        for unit in units:
            if unit.id in figures:
                result[unit.code] = figures[unit.id]
                continue
            parts = [
                figures[lineage.ids[code]]
                for code in lineage.predecessors.get(unit.code, [])
                if lineage.ids.get(code) in figures
            ]
            if parts:
                result[unit.code] = combined_figures(self._config.questionnaire, parts)
        return result

    @staticmethod
    def _nodes(
        root: str | None,
        parents: Mapping[str, str | None],
        units: Sequence[Unit],
        names: Mapping[str, str],
    ) -> tuple[tuple[str, str], ...]:
        """The scope's child nodes that hold a reporting unit (the root first if it reports)."""
        if root is None:
            return ()
        below = tree.children(parents).get(root, [])
        holding = {tree.node_under(unit.code, root, parents) for unit in units}
        shown = [root] if root in holding else []
        shown += [code for code in below if code in holding]
        return tuple((code, names.get(code, code)) for code in shown)

    def _comparison_plan(self, period: ReportingPeriod) -> ComparisonPlan:
        """The earlier periods (this year's and last year's) the export compares with."""
        candidates = [
            *period_calendar.build_periods(self._config.schedule, period.year - 1, self._tz),
            *period_calendar.build_periods(self._config.schedule, period.year, self._tz),
        ]
        return plan_comparisons(period, candidates)

    def _wanted(self, plan: ComparisonPlan, code: str) -> frozenset[str]:
        """The indicators whose figures of an earlier period the comparisons read."""
        wanted: set[str] = set()
        for _, indicator in self._config.questionnaire.indicators():
            rule = indicator.aggregate_rule
            if rule is AggregateRule.NONE:
                continue
            if code == plan.same_last_year:
                wanted.add(indicator.id)
            if code == plan.previous and not indicator.cumulative:
                wanted.add(indicator.id)
            if code in plan.basis and indicator.cumulative and rule in INCREMENT_RULES:
                wanted.add(indicator.id)
        return frozenset(wanted)

    def _comparisons(
        self,
        period: ReportingPeriod,
        plan: ComparisonPlan,
        earlier: Mapping[str, Mapping[int, Mapping[str, Figure]]],
        units: Sequence[Unit],
        lineage: _Lineage,
    ) -> Comparisons:
        """The earlier periods' figures keyed by unit code, with their labels."""
        by_code = {
            p.code: p
            for year in (period.year - 1, period.year)
            for p in period_calendar.build_periods(self._config.schedule, year, self._tz)
        }

        def read(code: str | None) -> EarlierPeriod | None:
            if code is None:
                return None
            figures = earlier.get(code, {})
            return EarlierPeriod(
                code,
                by_code[code].label,
                self._by_code(figures, units, lineage),
            )

        basis = tuple(p for p in (read(code) for code in plan.basis) if p is not None)
        return Comparisons(
            same_last_year=read(plan.same_last_year),
            previous=read(plan.previous),
            basis=basis,
            increment_start=plan.increment_start,
            increment_end=period.window_end if plan.increment_start else None,
        )

    @staticmethod
    async def _latest_versions(
        session: AsyncSession, period_code: str, keep: frozenset[str] | None = None
    ) -> dict[int, dict[str, Figure]]:
        """Unit id -> figures of the latest submitted version in a period (`keep`: only those).

        Rows are streamed and turned into figures one by one, so the JSON of thousands of
        reports is never held in memory all at once.
        """
        row = await repositories.find_period(session, period_code)
        if row is None:
            return {}
        newest = newest_versions(row.id)
        rows = await session.stream(
            select(Submission.unit_id, SubmissionVersion.answers)
            .join(Submission, Submission.id == SubmissionVersion.submission_id)
            .join(
                newest,
                (newest.c.submission_id == SubmissionVersion.submission_id)
                & (newest.c.v == SubmissionVersion.version),
            )
            .execution_options(yield_per=heavy_jobs.PACE_EVERY)
        )
        latest: dict[int, dict[str, Figure]] = {}
        # Small batches, each fetch a return to the loop: JSON and figures cost ~0.3 ms a row.
        async for unit_id, answers in rows:
            latest[unit_id] = {
                key: figure_of(value)
                for key, value in answers.items()
                if keep is None or key in keep
            }
        return latest

    @staticmethod
    async def _answered_versions(
        session: AsyncSession, period_code: str
    ) -> dict[int, tuple[str, str | None]]:
        """Unit id -> questionnaire version and source ("import") of its latest submitted
        version in a period."""
        row = await repositories.find_period(session, period_code)
        if row is None:
            return {}
        newest = newest_versions(row.id)
        rows = await session.execute(
            select(Submission.unit_id, QuestionnaireVersion.version, SubmissionVersion.source)
            .select_from(SubmissionVersion)
            .join(Submission, Submission.id == SubmissionVersion.submission_id)
            .join(
                newest,
                (newest.c.submission_id == SubmissionVersion.submission_id)
                & (newest.c.v == SubmissionVersion.version),
            )
            .join(
                QuestionnaireVersion,
                QuestionnaireVersion.id == SubmissionVersion.questionnaire_version_id,
            )
        )
        return {unit_id: (version, source) for unit_id, version, source in rows}

    @staticmethod
    async def _reminders(session: AsyncSession, period_code: str) -> list[ReminderRecord]:
        rows = await session.execute(
            select(ReminderLog, Member.name, Unit.code)
            .join(Member, Member.id == ReminderLog.member_id)
            .outerjoin(Unit, Unit.id == ReminderLog.unit_id)
            .where(ReminderLog.period_code == period_code)
            .order_by(ReminderLog.scheduled_at, ReminderLog.id)
        )
        return [
            ReminderRecord(
                unit_code=code or "",
                member_name=name,
                kind=log.kind,
                scheduled_at=log.scheduled_at,
                status=log.status,
                sent_at=log.sent_at,
                error=log.error,
            )
            for log, name, code in rows
        ]
