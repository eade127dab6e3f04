"""Starting or resuming the unit's report: which period, which draft, the first screen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from cchc_bot import conversation, period_calendar
from cchc_bot.access import Actor, require_unit_member
from cchc_bot.conversation import QuestionView, SummaryView
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services import periods as period_queries
from cchc_bot.services.reports.drafts import DraftStamp, Loaded, write_outcome
from cchc_bot.services.reports.loading import ReportBase
from cchc_bot.services.reports.results import PeriodOption, ReportOutcome, ReportResult
from cchc_bot.services.status import unit_config
from db import repositories
from db.models import Answer as AnswerRow
from db.models import Period, Submission, Unit


class Starting(ReportBase):
    """Opening a draft."""

    async def start(self, actor: Actor, period_code: str | None = None) -> ReportResult:
        """Start or resume the unit's report; ask which period when several are open."""
        require_unit_member(actor, "report")
        now = self._clock()
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            unit = await session.get(Unit, actor.unit_id)
            assert unit is not None
            periods = await self._open_periods(session, unit, now)
            if period_code is not None:
                chosen = next((p for p in periods if p.code == period_code), None)
                if chosen is None:
                    return ReportResult(ReportOutcome.PERIOD_CLOSED)
            elif len(periods) == 1:
                chosen = periods[0]
            elif not periods:
                upcoming = [
                    p
                    for p in period_calendar.periods_in_years(
                        self._config.schedule, self._tz, now.year, now.year + 1
                    )
                    if p.opens_at > now
                ]
                return ReportResult(
                    ReportOutcome.NO_OPEN_PERIOD, next_period=upcoming[0] if upcoming else None
                )
            else:
                return ReportResult(
                    ReportOutcome.CHOOSE_PERIOD,
                    options=tuple(await self._options(session, unit, periods)),
                )
            submission = await self._submission_for(session, unit, chosen, now)
            if submission.state in ("submitted", "awaiting_approval"):
                member.active_submission_id = None
                outcome = (
                    ReportOutcome.AWAITING_APPROVAL
                    if submission.state == "awaiting_approval"
                    else ReportOutcome.ALREADY_SUBMITTED
                )
                return ReportResult(
                    outcome,
                    period=chosen,
                    submission_id=submission.id,
                    can_revise=submission.state == "submitted" and now <= chosen.deadline,
                    receipt=await self._receipt(session, submission, unit, chosen),
                )
            member.active_submission_id = submission.id
            loaded = await self._load(session, submission)
            if submission.position in ("", None) and not loaded.state.answers:
                outcome_step = conversation.start(loaded.context)
            else:
                outcome_step = conversation.resume(loaded.context, loaded.state)
            await self._store(session, loaded, outcome_step, now, touch=False)
            view = outcome_step.view
            assert isinstance(view, QuestionView | SummaryView)
            return ReportResult(
                ReportOutcome.SCREEN, screen=await self._screen(session, loaded, view)
            )

    async def _open_periods(
        self, session: AsyncSession, unit: Unit, now: dt.datetime
    ) -> list[ReportingPeriod]:
        periods = await period_queries.open_periods(session, self._config.schedule, self._tz, now)
        # A report returned for correction can be revised even after its period closed.
        returned = (
            await session.scalars(
                select(Period.code)
                .join(Submission, Submission.period_id == Period.id)
                .where(Submission.unit_id == unit.id, Submission.state == "returned")
            )
        ).all()
        known = {p.code for p in periods}
        for code in returned:
            if code not in known:
                periods.append(
                    period_calendar.period_by_code(self._config.schedule, code, self._tz)
                )
        config_unit = unit_config(unit)
        return [p for p in periods if self._config.questionnaire.questions_for(config_unit, p.kind)]

    async def _options(
        self, session: AsyncSession, unit: Unit, periods: list[ReportingPeriod]
    ) -> list[PeriodOption]:
        options = []
        for period in periods:
            submission = await repositories.find_submission(session, unit.id, period.code)
            answered = 0
            if submission is not None:
                answered = len(
                    (
                        await session.scalars(
                            select(AnswerRow.id).where(AnswerRow.submission_id == submission.id)
                        )
                    ).all()
                )
            options.append(
                PeriodOption(
                    code=period.code,
                    label=period.label,
                    deadline=period.deadline,
                    state=submission.state if submission else "not_started",
                    answered=answered,
                )
            )
        return options

    async def _submission_for(
        self, session: AsyncSession, unit: Unit, period: ReportingPeriod, now: dt.datetime
    ) -> Submission:
        row = await repositories.get_or_create_period(
            session, period.code, period.kind, period.year
        )
        submission = await session.scalar(
            select(Submission)
            .where(Submission.unit_id == unit.id, Submission.period_id == row.id)
            .with_for_update()
        )
        if submission is not None:
            return submission
        version = await repositories.questionnaire_version_by_hash(session, self._current_hash)
        if version is None:
            raise RuntimeError("the questionnaire is not synced: run `cchc-bot init`")
        submission = Submission(
            unit_id=unit.id,
            period_id=row.id,
            questionnaire_version_id=version.id,
            state="draft",
            position="",
            created_at=now,
            updated_at=now,
        )
        session.add(submission)
        await session.flush()
        return submission

    async def _store(
        self,
        session: AsyncSession,
        loaded: Loaded,
        outcome: conversation.Outcome,
        now: dt.datetime,
        *,
        touch: bool,
        actor: Actor | None = None,
    ) -> None:
        submission = loaded.submission
        before = DraftStamp.of(submission)
        after = await write_outcome(
            await session.connection(),
            before,
            outcome,
            now,
            touch=touch,
            member_id=actor.member_id if actor else None,
        )
        if after is not before:
            # The ORM object is told the stored values, so it is not written again.
            set_committed_value(submission, "position", after.position)
            set_committed_value(submission, "pending", after.pending)
            set_committed_value(submission, "updated_at", after.updated_at)
        loaded.state = outcome.state
