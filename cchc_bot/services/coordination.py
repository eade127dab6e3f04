"""Coordinator actions: return a report for correction, close and reopen a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from cchc_bot.access import Actor, require_coordinator
from cchc_bot.calendar import ReportingPeriod
from cchc_bot.services.base import ConfiguredService
from db import repositories
from db.models import AuditEvent, Member, Submission, Unit

MAX_REASON_LENGTH = 1000


class ReturnOutcome(StrEnum):
    """What happened to a return request."""

    RETURNED = "returned"
    UNKNOWN_UNIT = "unknown_unit"
    NOT_SUBMITTED = "not_submitted"
    ALREADY_RETURNED = "already_returned"
    EMPTY_REASON = "empty_reason"


@dataclass(frozen=True)
class ReturnResult:
    """The outcome of returning a report, with whom to tell."""

    outcome: ReturnOutcome
    period: ReportingPeriod
    unit_code: str
    unit_name: str | None = None
    reason: str | None = None
    notify_telegram_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PeriodOverride:
    """A period's state after a coordinator closed or reopened it."""

    period: ReportingPeriod
    state: str
    changed: bool


class CoordinationService(ConfiguredService):
    """Actions only coordinators may take; the role is checked on every call."""

    async def return_report(
        self, actor: Actor | None, unit_code: str, period_code: str, reason: str
    ) -> ReturnResult:
        """Mark a submitted report returned with the reason; its members must revise it."""
        coordinator = require_coordinator(actor, "return a report")
        period = self.period(period_code)
        reason = " ".join(reason.split())[:MAX_REASON_LENGTH]
        if not reason:
            return ReturnResult(ReturnOutcome.EMPTY_REASON, period, unit_code)
        now = self._clock()
        async with self._sessions.begin() as session:
            unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                return ReturnResult(ReturnOutcome.UNKNOWN_UNIT, period, unit_code)
            row = await repositories.find_period(session, period.code)
            submission = (
                await session.scalar(
                    select(Submission)
                    .where(Submission.unit_id == unit.id, Submission.period_id == row.id)
                    .with_for_update()
                )
                if row is not None
                else None
            )
            if submission is None or submission.version == 0:
                return ReturnResult(ReturnOutcome.NOT_SUBMITTED, period, unit_code, unit.name)
            if submission.state == "returned":
                return ReturnResult(ReturnOutcome.ALREADY_RETURNED, period, unit_code, unit.name)
            submission.state = "returned"
            submission.returned_at = now
            submission.returned_reason = reason
            submission.returned_by_member_id = coordinator.member_id
            submission.position = "summary"
            submission.pending = None
            submission.updated_at = max(now, submission.updated_at + dt.timedelta(microseconds=1))
            session.add(
                AuditEvent(
                    at=now,
                    action="report_returned",
                    actor_member_id=coordinator.member_id,
                    actor_telegram_user_id=coordinator.telegram_user_id,
                    unit_id=unit.id,
                    details={
                        "period": period.code,
                        "reason": reason,
                        "version": submission.version,
                    },
                )
            )
            members = (
                await session.scalars(
                    select(Member.telegram_user_id).where(
                        Member.unit_id == unit.id, Member.revoked_at.is_(None)
                    )
                )
            ).all()
            return ReturnResult(
                ReturnOutcome.RETURNED,
                period,
                unit_code,
                unit.name,
                reason,
                tuple(members),
            )

    async def set_period_state(
        self, actor: Actor | None, period_code: str, *, open_: bool
    ) -> PeriodOverride:
        """Close a period to further submissions, or reopen it (also after its late window)."""
        coordinator = require_coordinator(actor, "close or reopen a period")
        period = self.period(period_code)
        now = self._clock()
        wanted = "open" if open_ else "closed"
        async with self._sessions.begin() as session:
            row = await repositories.get_or_create_period(
                session, period.code, period.kind, period.year
            )
            changed = row.override != wanted
            row.override = wanted
            row.override_at = now
            row.override_by_member_id = coordinator.member_id
            if changed:
                session.add(
                    AuditEvent(
                        at=now,
                        action="period_reopened" if open_ else "period_closed",
                        actor_member_id=coordinator.member_id,
                        actor_telegram_user_id=coordinator.telegram_user_id,
                        details={"period": period.code},
                    )
                )
        return PeriodOverride(period, wanted, changed)
