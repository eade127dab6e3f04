"""Revising a submitted report, and the head approving or sending back a prepared one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cchc_bot import conversation
from cchc_bot.access import AccessDenied, Actor, Role, require_unit_member
from cchc_bot.conversation import DraftState
from cchc_bot.services.reports.results import EDITABLE_STATES, ReportOutcome, ReportResult, Screen
from cchc_bot.services.reports.submitting import Submitting
from db.models import AuditEvent, Member, Submission


class Approval(Submitting):
    """Revision and approval."""

    async def revise(self, actor: Actor, submission_id: int) -> ReportResult:
        """Reopen a submitted report before the deadline (a new version will be made)."""
        require_unit_member(actor, "revise a report")
        now = self._clock()
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            submission = await session.scalar(
                select(Submission).where(Submission.id == submission_id).with_for_update()
            )
            if submission is None or submission.unit_id != actor.unit_id:
                return ReportResult(ReportOutcome.NOT_IN_REPORT)
            loaded = await self._load(session, submission)
            if submission.state == "submitted":
                if now > loaded.period.deadline or not loaded.accepts_answers(now):
                    return ReportResult(
                        ReportOutcome.ALREADY_SUBMITTED,
                        period=loaded.period,
                        submission_id=submission.id,
                        can_revise=False,
                        receipt=await self._receipt(
                            session, submission, loaded.unit, loaded.period
                        ),
                    )
                submission.state = "revising"
            elif submission.state not in EDITABLE_STATES:
                return ReportResult(ReportOutcome.STALE)
            submission.position = conversation.SUMMARY
            submission.pending = None
            submission.updated_at = max(now, submission.updated_at + dt.timedelta(microseconds=1))
            member.active_submission_id = submission.id
            loaded.state = DraftState.from_columns(conversation.SUMMARY, None, loaded.state.answers)
            view = conversation.summary(loaded.context, loaded.state)
            return ReportResult(
                ReportOutcome.SCREEN, screen=await self._screen(session, loaded, view)
            )

    async def decide_approval(
        self, actor: Actor, submission_id: int, approve: bool
    ) -> ReportResult:
        """The head approves the staff's prepared report (submitting it) or sends it back."""
        if actor.role is not Role.HEAD:
            raise AccessDenied("approve a report", actor)
        now = self._clock()
        async with self._sessions.begin() as session:
            submission = await session.scalar(
                select(Submission).where(Submission.id == submission_id).with_for_update()
            )
            if (
                submission is None
                or submission.unit_id != actor.unit_id
                or submission.state != "awaiting_approval"
            ):
                return ReportResult(ReportOutcome.STALE)
            loaded = await self._load(session, submission)
            pending = submission.pending or {}
            preparer = pending.get("prepared_by")
            preparers: tuple[int, ...] = ()
            if isinstance(preparer, int):
                telegram_id = await session.scalar(
                    select(Member.telegram_user_id).where(Member.id == preparer)
                )
                preparers = (telegram_id,) if telegram_id is not None else ()
            if approve:
                snapshot = pending.get("approval") or {}
                await self._freeze(
                    session, submission, snapshot, actor.member_id, now, loaded.period.is_late(now)
                )
                action = "report_approved"
            else:
                submission.state = "draft"
                submission.position = conversation.SUMMARY
                submission.pending = None
                submission.updated_at = max(
                    now, submission.updated_at + dt.timedelta(microseconds=1)
                )
                action = "report_sent_back"
            session.add(
                AuditEvent(
                    at=now,
                    action=action,
                    actor_member_id=actor.member_id,
                    actor_telegram_user_id=actor.telegram_user_id,
                    unit_id=submission.unit_id,
                    details={"period": loaded.period.code},
                )
            )
            return ReportResult(
                ReportOutcome.SUBMITTED if approve else ReportOutcome.STALE,
                period=loaded.period,
                submission_id=submission.id,
                receipt=await self._receipt(session, submission, loaded.unit, loaded.period),
                notify_member_ids=preparers,
            )

    async def pending_approval_summary(self, actor: Actor, submission_id: int) -> Screen | None:
        """The prepared report a head is asked to approve, as a summary screen."""
        async with self._sessions() as session:
            submission = await session.get(Submission, submission_id)
            if submission is None or submission.unit_id != actor.unit_id:
                return None
            loaded = await self._load(session, submission)
            view = conversation.summary(loaded.context, loaded.state)
            return await self._screen(session, loaded, view)
