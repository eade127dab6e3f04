"""What every report operation shares: loading a draft with its context, screens, receipts."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import conversation, period_calendar
from cchc_bot.access import Actor
from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.conversation import ConversationContext, DraftState, QuestionView, SummaryView
from cchc_bot.periods import ReportingPeriod, period_code
from cchc_bot.services import task_reports
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.config_sync import questionnaire_fingerprint
from cchc_bot.services.reports.drafts import (
    LATEST_ATTACHMENT_NAME,
    DraftStamp,
    Loaded,
    read_answers,
    state_token,
)
from cchc_bot.services.reports.references import reference_figures
from cchc_bot.services.reports.results import Receipt, Screen
from cchc_bot.services.status import unit_config
from cchc_bot.tasks.progress import TaskReport
from cchc_bot.tasks.questions import task_questions
from db.models import Answer as AnswerRow
from db.models import Member, Period, QuestionnaireVersion, Submission, Unit
from db.session import SessionFactory


class ReportBase(ConfiguredService):
    """The caches and reads every report operation builds on (one instance per process)."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: Clock, tz: ZoneInfo
    ) -> None:
        super().__init__(session_factory, config, clock, tz)
        _, self._current_hash = questionnaire_fingerprint(config.questionnaire)
        self._references: dict[tuple[int, str], tuple[dict[str, Decimal], dict[str, Decimal]]] = {}
        # Built from what the reference cache holds, so it lives exactly as long (per process).
        self._contexts: dict[tuple[object, ...], ConversationContext] = {}
        # Whether a unit takes part in a task: fixed by the configuration, so asked once per
        # unit (walking every task's assignments over every unit costs ~0.1 s at 2,000 units).
        self._involved: dict[str, bool] = {}

    async def _member(self, session: AsyncSession, actor: Actor) -> Member:
        member = await session.get(Member, actor.member_id)
        if member is None or member.revoked_at is not None:
            raise PermissionError("membership revoked")
        return member

    async def _reference_figures(
        self, session: AsyncSession, unit: Unit, period: ReportingPeriod
    ) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """The figures a draft is checked against: the same period last year, and this Q1.

        A successor without its own earlier report is checked against its predecessors'
        figures combined. Read once per draft and process: a later revision of those older
        reports only changes advisory warnings, and the next start of the bot reads them again.
        """
        key = (unit.id, period.code)
        cached = self._references.get(key)
        if cached is not None:
            return cached
        questionnaire = self._config.questionnaire
        previous = await reference_figures(
            session, unit, period_code(period.year - 1, period.kind), questionnaire
        )
        first_quarter: dict[str, Decimal] = {}
        if period.cumulative and period.kind != "Q1":
            first_quarter = await reference_figures(
                session, unit, period_code(period.year, "Q1"), questionnaire
            )
        self._references[key] = (previous, first_quarter)
        return previous, first_quarter

    async def _context(
        self, session: AsyncSession, version_id: int, unit: Unit, period: ReportingPeriod
    ) -> ConversationContext:
        """The conversation context of a unit's draft, built once per process and draft.

        Keyed by the unit row's columns `unit_config` reads, not just its id: a changed
        flag changes the questions of an open draft.
        """
        unit_columns = (unit.id, unit.code, unit.name, unit.kind, unit.has_tthc, unit.active)
        tasks, all_units = self._config.tasks, self._config.units.units
        reports: list[TaskReport] = []
        involved = self._involved.get(unit.code)
        if involved is None:
            involved = task_reports.involved(tasks, all_units, unit.code)
            self._involved[unit.code] = involved
        if involved:
            # Read every time: an earlier report revised, or a task reopened, changes them.
            reports = await task_reports.year_reports(session, period.year, self.period, unit.code)
        key = (version_id, period.code, *unit_columns, *reports)
        context = self._contexts.get(key)
        if context is not None:
            return context
        config_unit = unit_config(unit)
        questionnaire = self._questionnaires.get(version_id)
        if questionnaire is None:
            version = await session.get(QuestionnaireVersion, version_id)
            if version is None:
                raise RuntimeError(f"questionnaire version {version_id} is missing")
            questionnaire = self.questionnaire_of(version)
        previous, first_quarter = await self._reference_figures(session, unit, period)
        periods = period_calendar.build_periods(self._config.schedule, period.year, self._tz)
        made = task_questions(
            questionnaire,
            tasks,
            all_units,
            config_unit,
            periods,
            period,
            reports,
            cooperation=tasks is not None and tasks.contributions,
        )
        context = conversation.context_for_period(
            made.questionnaire,
            config_unit,
            period,
            previous_values=previous,
            first_quarter_values=first_quarter,
            conditions=made.conditions,
            presets=made.presets,
            tallies=made.tallies,
        )
        self._contexts[key] = context
        return context

    async def _load(
        self, session: AsyncSession, submission: Submission, unit: Unit | None = None
    ) -> Loaded:
        """A draft with its unit, period, context and state (the period row read every time:
        a coordinator may close or reopen it meanwhile)."""
        if unit is None or unit.id != submission.unit_id:
            unit = await session.get(Unit, submission.unit_id)
        period_row = await session.get(Period, submission.period_id)
        if unit is None or period_row is None:
            raise RuntimeError(f"submission {submission.id} refers to missing rows")
        period = self.period(period_row.code)
        context = await self._context(session, submission.questionnaire_version_id, unit, period)
        answers = await read_answers(await session.connection(), submission.id)
        state = DraftState.from_columns(submission.position, submission.pending, answers)
        return Loaded(submission, unit, period, context, state, period_row.override)

    async def _attachment_name(self, session: AsyncSession, submission_id: int) -> str | None:
        return await session.scalar(LATEST_ATTACHMENT_NAME, {"submission_id": submission_id})

    async def _screen(
        self, session: AsyncSession, loaded: Loaded, view: QuestionView | SummaryView
    ) -> Screen:
        """The screen of a loaded draft."""
        stamp = DraftStamp.of(loaded.submission)
        return await self._screen_of(session, stamp, loaded.period, loaded.unit.name, view)

    async def _screen_of(
        self,
        session: AsyncSession,
        draft: DraftStamp,
        period: ReportingPeriod,
        unit_name: str,
        view: QuestionView | SummaryView,
    ) -> Screen:
        """The screen of a draft as it stands (the summary names the signed file)."""
        return Screen(
            submission_id=draft.id,
            token=state_token(draft),
            period=period,
            unit_name=unit_name,
            state=draft.state,
            view=view,
            attachment_name=(
                await self._attachment_name(session, draft.id)
                if isinstance(view, SummaryView)
                else None
            ),
            returned_reason=draft.returned_reason,
        )

    async def _receipt(
        self, session: AsyncSession, submission: Submission, unit: Unit, period: ReportingPeriod
    ) -> Receipt:
        figures = len(
            (
                await session.scalars(
                    select(AnswerRow.id).where(
                        AnswerRow.submission_id == submission.id,
                        AnswerRow.skipped.is_(False),
                    )
                )
            ).all()
        )
        loaded = await self._load(session, submission, unit)
        counts = conversation.progress(loaded.context, loaded.state.answers)
        by = ""
        if submission.submitted_by_member_id is not None:
            by = (
                await session.scalar(
                    select(Member.name).where(Member.id == submission.submitted_by_member_id)
                )
                or ""
            )
        return Receipt(
            period_label=period.label,
            unit_name=unit.name,
            figures=figures,
            submitted_at=submission.submitted_at or submission.updated_at,
            late=submission.late,
            version=submission.version,
            awaiting_approval=submission.state == "awaiting_approval",
            submitted_by=by,
            answered=counts.answered,
            total=counts.total,
            not_applicable=counts.not_applicable,
            skipped=counts.skipped,
            attachment_name=await self._attachment_name(session, submission.id),
        )
