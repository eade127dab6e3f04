"""Handing a report over: submitted, or prepared for the head's approval, and frozen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import Actor, Role
from cchc_bot.conversation import SubmitReady
from cchc_bot.services import task_reports
from cchc_bot.services.reports.drafts import Loaded
from cchc_bot.services.reports.freezing import freeze_version
from cchc_bot.services.reports.loading import ReportBase
from cchc_bot.services.reports.results import ReportOutcome, ReportResult
from db.models import AuditEvent, Member, Submission


class Submitting(ReportBase):
    """Submitting a finished draft, shared by answering and approval."""

    async def _finish(
        self,
        session: AsyncSession,
        loaded: Loaded,
        ready: SubmitReady,
        actor: Actor,
        member: Member,
        now: dt.datetime,
    ) -> ReportResult:
        submission = loaded.submission
        needs_approval = (
            actor.role is Role.STAFF and not self._config.schedule.submission.staff_may_submit
        )
        snapshot = {ident: answer.to_json() for ident, answer in ready.answers.items()}
        late = loaded.period.is_late(now)
        returner: int | None = None
        if submission.state == "returned" and submission.returned_by_member_id is not None:
            returner = await session.scalar(
                select(Member.telegram_user_id).where(Member.id == submission.returned_by_member_id)
            )
        if needs_approval:
            submission.state = "awaiting_approval"
            submission.pending = {"approval": snapshot, "prepared_by": actor.member_id}
        else:
            await self._freeze(session, submission, snapshot, actor.member_id, now, late)
        await session.execute(
            update(Member)
            .where(Member.active_submission_id == submission.id)
            .values(active_submission_id=None)
        )
        session.add(
            AuditEvent(
                at=now,
                action="report_prepared" if needs_approval else "report_submitted",
                actor_member_id=actor.member_id,
                actor_telegram_user_id=actor.telegram_user_id,
                unit_id=submission.unit_id,
                details={"period": loaded.period.code, "version": submission.version, "late": late},
            )
        )
        heads: tuple[int, ...] = ()
        if needs_approval:
            heads = tuple(
                (
                    await session.scalars(
                        select(Member.telegram_user_id).where(
                            Member.unit_id == submission.unit_id,
                            Member.role == Role.HEAD.value,
                            Member.revoked_at.is_(None),
                        )
                    )
                ).all()
            )
        return ReportResult(
            ReportOutcome.SUBMITTED,
            period=loaded.period,
            submission_id=submission.id,
            receipt=await self._receipt(session, submission, loaded.unit, loaded.period),
            notify_member_ids=heads,
            notify_returner=returner if not needs_approval else None,
        )

    async def _freeze(
        self,
        session: AsyncSession,
        submission: Submission,
        snapshot: dict[str, Any],
        member_id: int,
        now: dt.datetime,
        late: bool,
    ) -> None:
        freeze_version(session, submission, snapshot, member_id=member_id, now=now, late=late)
        await session.flush()
        await task_reports.store_answers(
            session, self._config.tasks, submission.id, snapshot, member_id, now
        )
