"""Reading and leaving a draft: the current screen, what is missing, cancel."""

from __future__ import annotations

from cchc_bot import conversation
from cchc_bot.access import Actor, require_unit_member
from cchc_bot.conversation import DraftState, QuestionView, SummaryView
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.reports.loading import ReportBase
from cchc_bot.services.reports.results import ReportOutcome, ReportResult
from cchc_bot.services.status import unit_config
from db import repositories
from db.models import Member, Submission, Unit


class Queries(ReportBase):
    """Reads of a member's draft, and leaving it."""

    async def cancel(self, actor: Actor) -> bool:
        """Leave the conversation, keeping the draft; True if there was one."""
        require_unit_member(actor, "cancel a report")
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            had = member.active_submission_id is not None
            member.active_submission_id = None
            return had

    async def in_report(self, actor: Actor) -> bool:
        """Whether the member is answering a draft right now."""
        async with self._sessions() as session:
            member = await session.get(Member, actor.member_id)
            return member is not None and member.active_submission_id is not None

    async def current_screen(self, actor: Actor) -> ReportResult:
        """The screen of the member's active draft (to show again after a refused message)."""
        require_unit_member(actor, "read a report")
        async with self._sessions() as session:
            member = await session.get(Member, actor.member_id)
            if member is None or member.active_submission_id is None:
                return ReportResult(ReportOutcome.NOT_IN_REPORT)
            submission = await session.get(Submission, member.active_submission_id)
            if submission is None:
                return ReportResult(ReportOutcome.NOT_IN_REPORT)
            loaded = await self._load(session, submission)
            outcome = conversation.resume(loaded.context, loaded.state)
            view = outcome.view
            assert isinstance(view, QuestionView | SummaryView)
            return ReportResult(
                ReportOutcome.SCREEN, screen=await self._screen(session, loaded, view)
            )

    async def missing_questions(self, actor: Actor, period: ReportingPeriod) -> tuple[int, ...]:
        """Numbers of the required questions the unit's draft (or an empty one) still lacks."""
        require_unit_member(actor, "read a report")
        async with self._sessions() as session:
            submission = await repositories.find_submission(session, actor.unit_id, period.code)
            if submission is None:
                # No draft yet: what an empty draft lacks (required questions only).
                unit = await session.get(Unit, actor.unit_id)
                assert unit is not None
                context = conversation.context_for_period(
                    self._config.questionnaire, unit_config(unit), period
                )
                state = DraftState()
            else:
                loaded = await self._load(session, submission)
                context, state = loaded.context, loaded.state
        numbers = []
        for notice in conversation.open_errors(context, state):
            if notice.code is conversation.NoticeCode.MISSING_ANSWER:
                numbers.append(int(notice.params["number"]))
        return tuple(numbers)
