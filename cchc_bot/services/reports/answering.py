"""Applying one answer to the member's draft: one query, one transaction, one path."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import conversation
from cchc_bot.access import Actor, Role, require_unit_member
from cchc_bot.conversation import DraftState, Event, QuestionView, SubmitReady, SummaryView
from cchc_bot.services.accounts import actor_from
from cchc_bot.services.reports.drafts import (
    ANSWER_TARGET,
    DraftStamp,
    Loaded,
    accepts_answers,
    read_answers,
    state_token,
    write_outcome,
)
from cchc_bot.services.reports.results import EDITABLE_STATES, ReportOutcome, ReportResult
from cchc_bot.services.reports.submitting import Submitting
from db import repositories
from db.models import Submission


class Answering(Submitting):
    """Answering, the hot path."""

    async def answer(
        self,
        actor: Actor,
        event: Event,
        *,
        submission_id: int | None = None,
        token: str | None = None,
    ) -> ReportResult:
        """Apply one answer (text or button) to the member's active draft, committed at once."""
        require_unit_member(actor, "answer a report")
        return await self.answer_from(
            actor.telegram_user_id, event, submission_id=submission_id, token=token
        )

    async def answer_from(
        self,
        telegram_user_id: int,
        event: Event,
        *,
        submission_id: int | None = None,
        token: str | None = None,
    ) -> ReportResult:
        """Apply one answer from a Telegram account in ONE transaction (the hot path).

        The account is resolved inside the transaction, so the role is checked on the same
        snapshot the answer is written to; `actor` in the result tells the handler who wrote.
        One query finds the member, the unit and the locked draft; the answer rows and the
        draft's position are written with Core statements.
        """
        now = self._clock()
        async with self._sessions.begin() as session:
            found = (
                await session.execute(ANSWER_TARGET, {"telegram_user_id": telegram_user_id})
            ).first()
            if found is None:
                return await self._not_answering(session, telegram_user_id)
            member, unit, draft_id, draft_unit, version_id, *stamp, period_code, override = found
            actor = actor_from(member, unit)
            if actor.role not in (Role.HEAD, Role.STAFF):
                return ReportResult(ReportOutcome.NOT_LINKED, actor=actor)
            if draft_unit != unit.id:
                member.active_submission_id = None
                return ReportResult(ReportOutcome.NOT_IN_REPORT, actor=actor)
            draft = DraftStamp(draft_id, *stamp)
            period = self.period(period_code)
            if draft.state not in EDITABLE_STATES:
                member.active_submission_id = None
                submission = await session.get(Submission, draft.id)
                assert submission is not None
                return ReportResult(
                    ReportOutcome.ALREADY_SUBMITTED,
                    period=period,
                    submission_id=draft.id,
                    receipt=await self._receipt(session, submission, unit, period),
                    actor=actor,
                )
            if not accepts_answers(draft.state, override, period, now):
                member.active_submission_id = None
                return ReportResult(ReportOutcome.PERIOD_CLOSED, period=period, actor=actor)
            context = await self._context(session, version_id, unit, period)
            connection = await session.connection()
            answers = await read_answers(connection, draft.id)
            state = DraftState.from_columns(draft.position, draft.pending, answers)
            if (submission_id is not None and submission_id != draft.id) or (
                token is not None and token != state_token(draft)
            ):
                view = conversation.resume(context, state).view
                assert isinstance(view, QuestionView | SummaryView)
                screen = await self._screen_of(session, draft, period, unit.name, view)
                return ReportResult(ReportOutcome.STALE, screen=screen, actor=actor)
            outcome = conversation.step(context, state, event)
            draft = await write_outcome(
                connection, draft, outcome, now, touch=True, member_id=member.id
            )
            view = outcome.view
            if isinstance(view, SubmitReady):
                submission = await session.get(Submission, draft.id)
                assert submission is not None
                loaded = Loaded(submission, unit, period, context, outcome.state, override)
                return await self._finish(session, loaded, view, actor, member, now)
            screen = await self._screen_of(session, draft, period, unit.name, view)
            return ReportResult(ReportOutcome.SCREEN, screen=screen, actor=actor)

    async def _not_answering(self, session: AsyncSession, telegram_user_id: int) -> ReportResult:
        """Why an account has no draft to answer: not linked, not of a unit, or not in one."""
        found = (
            await session.execute(
                repositories.ACTIVE_MEMBER_WITH_UNIT, {"telegram_user_id": telegram_user_id}
            )
        ).first()
        if found is None:
            return ReportResult(ReportOutcome.NOT_LINKED)
        member, unit = found
        actor = actor_from(member, unit)
        if actor.role not in (Role.HEAD, Role.STAFF) or unit is None:
            return ReportResult(ReportOutcome.NOT_LINKED, actor=actor)
        if member.active_submission_id is not None:
            member.active_submission_id = None  # it points at no draft of a period
        return ReportResult(ReportOutcome.NOT_IN_REPORT, actor=actor)
