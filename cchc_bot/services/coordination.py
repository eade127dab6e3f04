"""Coordinator actions: return a report (directly or after the bot's prompt), close, reopen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import Actor, require_coordinator, require_in_scope, require_whole_tree
from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.unit_view import UnitViewService
from db import repositories
from db.models import AuditEvent, CoordinatorPrompt, Member, Submission, Unit
from db.session import SessionFactory

MAX_REASON_LENGTH = 1000
# A prompt answered by the coordinator's next text (not a reply to it) only this long.
PROMPT_LIFETIME = dt.timedelta(minutes=30)
RETURN_REASON = "return_reason"


class ReturnOutcome(StrEnum):
    """What happened to a return request."""

    RETURNED = "returned"
    UNKNOWN_UNIT = "unknown_unit"
    NOT_SUBMITTED = "not_submitted"
    ALREADY_RETURNED = "already_returned"
    EMPTY_REASON = "empty_reason"


@dataclass(frozen=True)
class Recipient:
    """A member to tell about a return."""

    telegram_user_id: int
    name: str


@dataclass(frozen=True)
class ReturnResult:
    """The outcome of returning a report, with whom to tell."""

    outcome: ReturnOutcome
    period: ReportingPeriod
    unit_code: str
    unit_name: str | None = None
    reason: str | None = None
    recipients: tuple[Recipient, ...] = ()
    phone: str | None = None

    @property
    def notify_telegram_ids(self) -> tuple[int, ...]:
        """The Telegram accounts to tell."""
        return tuple(recipient.telegram_user_id for recipient in self.recipients)


@dataclass(frozen=True)
class PeriodOverride:
    """A period's state after a coordinator closed or reopened it."""

    period: ReportingPeriod
    state: str
    changed: bool


class CoordinationService(ConfiguredService):
    """Actions only coordinators may take; the role is checked on every call."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: Clock, tz: ZoneInfo
    ) -> None:
        super().__init__(session_factory, config, clock, tz)
        self.views = UnitViewService(session_factory, config, clock, tz)

    async def return_report(
        self, actor: Actor | None, unit_code: str, period_code: str, reason: str
    ) -> ReturnResult:
        """Mark a submitted report returned with the reason; its members must revise it."""
        coordinator = require_coordinator(actor, "return a report")
        period = self.period(period_code)
        async with self._sessions.begin() as session:
            return await self._return(session, coordinator, unit_code, period, reason)

    async def ask_return_reason(
        self, actor: Actor | None, unit_code: str, period_code: str, chat_id: int, message_id: int
    ) -> None:
        """Remember that the bot's message `message_id` asks this coordinator for a reason."""
        coordinator = require_coordinator(actor, "return a report")
        period = self.period(period_code)
        async with self._sessions.begin() as session:
            await self._check_scope(session, coordinator, unit_code, "return a report")
            await session.execute(
                delete(CoordinatorPrompt).where(
                    CoordinatorPrompt.member_id == coordinator.member_id
                )
            )
            session.add(
                CoordinatorPrompt(
                    member_id=coordinator.member_id,
                    chat_id=chat_id,
                    message_id=message_id,
                    purpose=RETURN_REASON,
                    unit_code=unit_code,
                    period_code=period.code,
                    created_at=self._clock(),
                )
            )

    async def cancel_prompt(self, actor: Actor | None) -> bool:
        """Forget the coordinator's open prompt; True if there was one."""
        coordinator = require_coordinator(actor, "return a report")
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(CoordinatorPrompt).where(
                    CoordinatorPrompt.member_id == coordinator.member_id
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def answer_prompt(
        self, actor: Actor | None, text: str, reply_to_message_id: int | None
    ) -> ReturnResult | None:
        """A coordinator's text taken as the reason the bot asked for, and the return done.

        The text answers the prompt when it replies to the prompt's message, or, not being a
        reply to another message, comes within PROMPT_LIFETIME; None when no prompt waits.
        """
        coordinator = require_coordinator(actor, "return a report")
        now = self._clock()
        async with self._sessions.begin() as session:
            prompt = await session.scalar(
                select(CoordinatorPrompt)
                .where(
                    CoordinatorPrompt.member_id == coordinator.member_id,
                    CoordinatorPrompt.purpose == RETURN_REASON,
                )
                .with_for_update()
            )
            if prompt is None:
                return None
            if reply_to_message_id != prompt.message_id:
                if reply_to_message_id is not None:
                    return None
                if now - prompt.created_at > PROMPT_LIFETIME:
                    await session.delete(prompt)
                    return None
            unit_code, period = prompt.unit_code, self.period(prompt.period_code)
            await session.delete(prompt)
            return await self._return(session, coordinator, unit_code, period, text)

    async def _return(
        self,
        session: AsyncSession,
        coordinator: Actor,
        unit_code: str,
        period: ReportingPeriod,
        reason: str,
    ) -> ReturnResult:
        reason = " ".join(reason.split())[:MAX_REASON_LENGTH]
        if not reason:
            return ReturnResult(ReturnOutcome.EMPTY_REASON, period, unit_code)
        now = self._clock()
        await self._check_scope(session, coordinator, unit_code, "return a report")
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
            await session.execute(
                select(Member.telegram_user_id, Member.name)
                .where(
                    # A consolidating node's report: its own coordinators consolidate it again.
                    or_(Member.unit_id == unit.id, Member.scope_unit_id == unit.id),
                    Member.revoked_at.is_(None),
                )
                .order_by(Member.linked_at)
            )
        ).all()
        configured = self._config.units.by_code().get(unit_code)
        return ReturnResult(
            ReturnOutcome.RETURNED,
            period,
            unit_code,
            unit.name,
            reason,
            tuple(Recipient(user_id, name) for user_id, name in members),
            configured.phone if configured is not None else None,
        )

    @staticmethod
    async def _check_scope(
        session: AsyncSession, coordinator: Actor, unit_code: str, action: str
    ) -> None:
        """Refuse a scoped coordinator a unit outside their subtree (OutOfScope)."""
        if coordinator.is_scoped:
            parents = await repositories.unit_parents(session)
            require_in_scope(coordinator, unit_code, parents, action)

    async def set_period_state(
        self, actor: Actor | None, period_code: str, *, open_: bool
    ) -> PeriodOverride:
        """Close a period to further submissions, or reopen it (also after its late window)."""
        # A period is closed for every unit at once, so only a whole-tree coordinator may.
        coordinator = require_whole_tree(actor, "close or reopen a period")
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
