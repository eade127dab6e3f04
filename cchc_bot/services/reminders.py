"""Reminders exactly once: compute what is due, claim it under a unique key, send, record."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import unit_life
from cchc_bot.access import Actor, require_coordinator
from cchc_bot.calendar import ReportingPeriod
from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.reminder_plan import (
    DueDigest,
    DueReminder,
    Recipient,
    ReminderKey,
    ReminderPlanner,
    UnitState,
    due_digests,
    due_reminders,
)
from cchc_bot.services import periods as period_queries
from cchc_bot.services.bulk_pacing import BulkPacing, SlotSupply
from cchc_bot.services.status import SUBMITTED_STATES, unit_config
from db import repositories
from db.models import Member, ReminderLog, Unit
from db.session import SessionFactory

logger = logging.getLogger(__name__)

RETRY_BASE = dt.timedelta(minutes=1)
# Reminders go out one at a time, claimed just before sending (a killed process leaves at
# most the one in flight claimed and unsent); each outcome is recorded in the transaction
# that claims the next, so one reminder costs one transaction.
RETRY_CAP = dt.timedelta(hours=1)


class DeliveryOutcome(StrEnum):
    """What Telegram did with a reminder."""

    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one send, with Telegram's message id or the error."""

    outcome: DeliveryOutcome
    message_id: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class OverdueUnit:
    """A unit listed in a coordinator's digest.

    `has_account`: someone of the unit linked a Telegram account; `reachable`: a reminder can
    reach one of them; `reminded`: one was sent a reminder of this period and the unit still
    has not submitted; `phone` from `units.yaml`, for the ones to call.
    """

    code: str
    name: str
    head_names: tuple[str, ...]
    days_late: int
    reachable: bool
    has_account: bool = True
    reminded: bool = False
    phone: str | None = None


@dataclass(frozen=True)
class ReminderMessage:
    """Everything the renderer needs to word one reminder or digest."""

    kind: str
    telegram_user_id: int
    period: ReportingPeriod
    overdue: bool
    unit_code: str | None = None
    unit_name: str | None = None
    days_left_or_late: int = 0
    answered: int = 0
    total: int = 0
    manual: bool = False
    overdue_units: tuple[OverdueUnit, ...] = ()


Deliver = Callable[[ReminderMessage], Awaitable[DeliveryResult]]


@dataclass(frozen=True)
class ReminderItem:
    """One reminder in a run report (the contract's `remind --json` items)."""

    unit: str | None
    telegram_user_id: int
    period: str
    kind: str


@dataclass
class RunReport:
    """What one run sent, failed, found unreachable or skipped (or, dry, would send)."""

    at: dt.datetime
    sent: list[ReminderItem] = field(default_factory=list)
    failed: list[ReminderItem] = field(default_factory=list)
    unreachable: list[ReminderItem] = field(default_factory=list)
    skipped: list[ReminderItem] = field(default_factory=list)
    due: list[ReminderItem] = field(default_factory=list)


@dataclass(frozen=True)
class _Claim:
    row_id: int
    item: ReminderItem
    message: ReminderMessage
    member_id: int


def dedup_key(key: ReminderKey) -> str:
    """The unique claim key stored in the database."""
    unit, member, period, kind = key
    return f"{unit or '-'}|{member}|{period}|{kind}"


def parse_dedup_key(text: str) -> ReminderKey:
    """The claim key a stored `dedup_key` stands for."""
    unit, member, period, kind = text.split("|", 3)
    return (None if unit == "-" else unit, int(member), period, kind)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after a failed send, capped at an hour."""
    delay: dt.timedelta = RETRY_BASE * (2 ** max(0, attempts - 1))
    return min(delay, RETRY_CAP)


@dataclass
class _Snapshot:
    periods: list[ReportingPeriod]
    recipients: list[Recipient]
    states: list[UnitState]
    claimed: set[ReminderKey]
    units: dict[str, Unit]
    members: dict[int, Member]
    reminded: set[tuple[str, int]]  # (period code, unit id) with a reminder delivered


class ReminderService:
    """Runs the reminder policy; safe beside other processes and cron (claims are unique)."""

    def __init__(
        self,
        session_factory: SessionFactory,
        config: Configuration,
        clock: Clock,
        tz: ZoneInfo,
        *,
        pacing: BulkPacing | None = None,
    ) -> None:
        self._sessions = session_factory
        self._config = config
        self._clock = clock
        self._tz = tz
        self.planner = ReminderPlanner.from_schedule(config.schedule, tz)
        # Every send takes a slot of the timetable shared with other processes.
        self.pacing = pacing or BulkPacing()

    async def _snapshot(
        self,
        session: AsyncSession,
        now: dt.datetime,
        *,
        extra_periods: Sequence[ReportingPeriod] = (),
    ) -> _Snapshot:
        periods = await period_queries.open_periods(session, self._config.schedule, self._tz, now)
        periods += [p for p in extra_periods if p.code not in {q.code for q in periods}]
        units = {unit.code: unit for unit in await repositories.active_units(session)}
        members = {
            member.id: member
            for member in (
                await session.scalars(select(Member).where(Member.revoked_at.is_(None)))
            ).all()
        }
        codes_by_id = {unit.id: code for code, unit in units.items()}
        recipients = [
            Recipient(
                member_id=member.id,
                telegram_user_id=member.telegram_user_id,
                unit_code=codes_by_id.get(member.unit_id) if member.unit_id is not None else None,
                role=member.role,  # type: ignore[arg-type]
                reachable=member.reachable,
            )
            for member in members.values()
            if member.role == "coordinator" or member.unit_id in codes_by_id
        ]
        states: list[UnitState] = []
        questionnaire = self._config.questionnaire
        for period in periods:
            row = await repositories.find_period(session, period.code)
            submissions = await repositories.submissions_of_period(session, row.id) if row else {}
            counts = await repositories.answer_counts(session, row.id) if row else {}
            for unit in units.values():
                total = len(questionnaire.questions_for(unit_config(unit), period.kind))
                submission = submissions.get(unit.id)
                states.append(
                    UnitState(
                        unit_code=unit.code,
                        period_code=period.code,
                        # A unit the period does not ask (ended, not yet begun) gets none.
                        has_questions=total > 0
                        and unit_life.valid_on(unit, unit_life.asked_on(period)),
                        submitted=submission is not None and submission.state in SUBMITTED_STATES,
                        answered=counts.get(submission.id, 0) if submission else 0,
                        total=total,
                    )
                )
        claimed: set[ReminderKey] = set()
        reminded: set[tuple[str, int]] = set()
        if periods:
            rows = await session.execute(
                select(ReminderLog.dedup_key, ReminderLog.unit_id, ReminderLog.status).where(
                    ReminderLog.period_code.in_([p.code for p in periods])
                )
            )
            for key, unit_id, status in rows:
                parsed = parse_dedup_key(key)
                claimed.add(parsed)
                if status == "sent" and unit_id is not None:
                    reminded.add((parsed[2], unit_id))
        return _Snapshot(periods, recipients, states, claimed, units, members, reminded)

    def _message_for(self, snapshot: _Snapshot, item: DueReminder) -> ReminderMessage:
        period = next(p for p in snapshot.periods if p.code == item.period_code)
        unit = snapshot.units.get(item.unit_code)
        return ReminderMessage(
            kind=item.kind,
            telegram_user_id=item.member.telegram_user_id,
            period=period,
            overdue=item.overdue,
            unit_code=item.unit_code,
            unit_name=unit.name if unit else item.unit_code,
            days_left_or_late=item.days_left_or_late,
            answered=item.answered,
            total=item.total,
        )

    def _digest_message(
        self, snapshot: _Snapshot, item: DueDigest, now: dt.datetime
    ) -> ReminderMessage:
        period = next(p for p in snapshot.periods if p.code == item.period_code)
        heads: dict[int, list[str]] = {}
        with_account: set[int] = set()
        for member in snapshot.members.values():
            if member.unit_id is not None and member.role != "coordinator":
                with_account.add(member.unit_id)
                if member.role == "head":
                    heads.setdefault(member.unit_id, []).append(member.name)
        days_late = max(0, (now.astimezone(self._tz).date() - period.due_date).days)
        configured = self._config.units.by_code()

        def listed_unit(code: str) -> OverdueUnit:
            unit = snapshot.units.get(code)
            config = configured.get(code)
            return OverdueUnit(
                code=code,
                name=unit.name if unit else code,
                head_names=tuple(heads.get(unit.id, ())) if unit else (),
                days_late=days_late,
                reachable=code not in item.unreachable_units,
                has_account=unit is not None and unit.id in with_account,
                reminded=unit is not None and (period.code, unit.id) in snapshot.reminded,
                phone=config.phone if config else None,
            )

        listed = tuple(listed_unit(code) for code in item.overdue_units)
        return ReminderMessage(
            kind=item.key[3],
            telegram_user_id=item.coordinator.telegram_user_id,
            period=period,
            overdue=True,
            overdue_units=listed,
        )

    async def run(
        self, deliver: Deliver | None, *, at: dt.datetime | None = None, dry_run: bool = False
    ) -> RunReport:
        """Send everything due at `at` (default now) that nobody sent yet; retry failed ones."""
        now = at or self._clock()
        # Outcomes are stamped on the run's time line: `remind --at T` records a failure's
        # next attempt after T, so `remind --at T+5min` (or the bot, later) retries it.
        skew = dt.timedelta(0) if at is None else at - self._clock()
        started = time.monotonic()
        report = RunReport(at=now)
        async with self._sessions() as session:
            snapshot = await self._snapshot(session, now)
        reminders = due_reminders(
            periods=snapshot.periods,
            planner=self.planner,
            recipients=snapshot.recipients,
            unit_states=snapshot.states,
            now=now,
            grace=self.planner.grace,
            already_claimed=snapshot.claimed,
        )
        digests = due_digests(
            periods=snapshot.periods,
            planner=self.planner,
            recipients=snapshot.recipients,
            unit_states=snapshot.states,
            now=now,
            grace=self.planner.grace,
            already_claimed=snapshot.claimed,
        )
        # The reminders of this run go out before its digests: their units count as reminded.
        for reminder in reminders.due:
            unit = snapshot.units.get(reminder.unit_code)
            if unit is not None:
                snapshot.reminded.add((reminder.period_code, unit.id))
        due: list[tuple[ReminderKey, dt.datetime, ReminderMessage, int]] = [
            (item.key, item.scheduled_at, self._message_for(snapshot, item), item.member.member_id)
            for item in reminders.due
        ] + [
            (
                item.key,
                item.scheduled_at,
                self._digest_message(snapshot, item, now),
                item.coordinator.member_id,
            )
            for item in digests.due
        ]
        missed = [
            (item.key, item.scheduled_at, item.member.member_id) for item in reminders.missed
        ] + [(item.key, item.scheduled_at, item.coordinator.member_id) for item in digests.missed]
        if dry_run or deliver is None:
            report.due = [_item(key, message.telegram_user_id) for key, _, message, _ in due]
            return report
        await self._record_missed(snapshot, missed, now, report)
        await self._claim_and_send_each(snapshot, due, now, report, deliver, skew)
        await self._retry_failed(snapshot, deliver, now, report, skew)
        if report.sent or report.failed or report.unreachable:
            logger.info(
                "reminders run",
                extra={
                    "sent": len(report.sent),
                    "failed": len(report.failed),
                    "unreachable": len(report.unreachable),
                    "skipped": len(report.skipped),
                    "seconds": round(time.monotonic() - started, 3),
                },
            )
        return report

    async def _claim_and_send_each(
        self,
        snapshot: _Snapshot,
        due: Sequence[tuple[ReminderKey, dt.datetime, ReminderMessage, int]],
        now: dt.datetime,
        report: RunReport,
        deliver: Deliver,
        skew: dt.timedelta = dt.timedelta(0),
    ) -> None:
        """Claim each reminder just before sending it; record each outcome with the next claim."""
        slots = SlotSupply(self.pacing, self._sessions)
        sent: list[tuple[_Claim, DeliveryResult]] = []
        try:
            for entry in due:
                # The previous outcome is recorded in the next claim's transaction: one
                # commit per reminder, and none sent but left unrecorded while another goes.
                claims = await self._claim(snapshot, [entry], [], now, report, sent, skew)
                sent = []
                for claim in claims:
                    sent.append((claim, await self._send(claim, deliver, slots)))
        finally:
            await slots.close()
            await self._record(sent, report, skew)

    async def _release(self, claims: Sequence[_Claim]) -> None:
        """Drop claims that were never sent, so that a later run sends them."""
        if not claims:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                delete(ReminderLog).where(
                    ReminderLog.id.in_([claim.row_id for claim in claims]),
                    ReminderLog.status == "claimed",
                )
            )

    async def _send(
        self, claim: _Claim, deliver: Deliver, slots: SlotSupply, *, new: bool = True
    ) -> DeliveryResult:
        """Wait for the next slot of the shared bulk timetable, then send the claim."""
        try:
            await self.pacing.wait_for(await slots.next())
        except BaseException:  # cancelled or failed before sending: a later run sends it
            if new:  # (a retry stays claimed: its attempts are counted in its row)
                await self._release([claim])
            raise
        return await self._deliver(claim, deliver)

    async def _claim(
        self,
        snapshot: _Snapshot,
        due: Sequence[tuple[ReminderKey, dt.datetime, ReminderMessage, int]],
        missed: Sequence[tuple[ReminderKey, dt.datetime, int]],
        now: dt.datetime,
        report: RunReport,
        outcomes: Sequence[tuple[_Claim, DeliveryResult]] = (),
        skew: dt.timedelta = dt.timedelta(0),
    ) -> list[_Claim]:
        """Insert claim rows in one transaction (recording `outcomes` of earlier sends in it);
        a key another process claimed is left alone."""
        if not due and not missed:
            await self._record(outcomes, report, skew)
            return []
        unit_ids = {code: unit.id for code, unit in snapshot.units.items()}

        def row(
            key: ReminderKey, scheduled_at: dt.datetime, member_id: int, status: str
        ) -> dict[str, object]:
            return {
                "dedup_key": dedup_key(key),
                "unit_id": unit_ids.get(key[0]) if key[0] else None,
                "member_id": member_id,
                "period_code": key[2],
                "kind": key[3],
                "scheduled_at": scheduled_at,
                "status": status,
                "attempts": 1 if status == "claimed" else 0,
                "claimed_at": now,
                "error": None
                if status == "claimed"
                else "missed: older than the catch-up grace window",
            }

        rows = [row(key, at, member_id, "claimed") for key, at, _, member_id in due]
        rows += [row(key, at, member_id, "skipped") for key, at, member_id in missed]
        messages = {dedup_key(key): (message, member_id) for key, _, message, member_id in due}
        async with self._sessions.begin() as session:
            await self._record_in(session, outcomes, report, skew)
            inserted = await insert_new_claims(session, rows)
        claims = []
        for row_id, key_text in inserted:
            unit, _, period_code, kind = key_text.split("|", 3)
            if key_text in messages:
                message, member_id = messages[key_text]
                item = ReminderItem(
                    None if unit == "-" else unit, message.telegram_user_id, period_code, kind
                )
                claims.append(_Claim(row_id, item, message, member_id))
            else:
                member = next(m for k, _, m in missed if dedup_key(k) == key_text)
                report.skipped.append(
                    ReminderItem(
                        None if unit == "-" else unit,
                        snapshot.members[member].telegram_user_id,
                        period_code,
                        kind,
                    )
                )
        return claims

    async def _record_missed(
        self,
        snapshot: _Snapshot,
        missed: Sequence[tuple[ReminderKey, dt.datetime, int]],
        now: dt.datetime,
        report: RunReport,
    ) -> None:
        """Record reminders older than the grace window as skipped, in one transaction."""
        await self._claim(snapshot, [], missed, now, report)

    async def _deliver(self, claim: _Claim, deliver: Deliver) -> DeliveryResult:
        """Send one claim; a bug in rendering becomes a failed delivery, retried later."""
        try:
            return await deliver(claim.message)
        except Exception as exc:  # a bug in rendering must not lose the claim silently
            logger.exception("reminder delivery raised")
            return DeliveryResult(DeliveryOutcome.FAILED, error=f"{type(exc).__name__}: {exc}")

    async def _record(
        self,
        outcomes: Sequence[tuple[_Claim, DeliveryResult]],
        report: RunReport,
        skew: dt.timedelta = dt.timedelta(0),
    ) -> None:
        """Record the outcomes of sent claims in one transaction."""
        if not outcomes:
            return
        async with self._sessions.begin() as session:
            await self._record_in(session, outcomes, report, skew)

    async def _record_in(
        self,
        session: AsyncSession,
        outcomes: Sequence[tuple[_Claim, DeliveryResult]],
        report: RunReport,
        skew: dt.timedelta,
    ) -> None:
        """Record the outcomes of sent claims in the caller's transaction."""
        if not outcomes:
            return
        now = self._clock() + skew
        recorded: list[tuple[_Claim, DeliveryResult]] = []
        # Two reads for the whole batch, not two per reminder.
        rows = {
            row.id: row
            for row in await session.scalars(
                select(ReminderLog).where(
                    ReminderLog.id.in_([claim.row_id for claim, _ in outcomes])
                )
            )
        }
        members = {
            member.id: member
            for member in await session.scalars(
                select(Member).where(Member.id.in_({claim.member_id for claim, _ in outcomes}))
            )
        }
        for claim, result in outcomes:
            row = rows.get(claim.row_id)
            if row is not None:
                self._record_one(row, members.get(claim.member_id), result, now)
                recorded.append((claim, result))
        # (A commit that fails afterwards raises out of the run, this report with it.)
        for claim, result in recorded:
            {
                DeliveryOutcome.SENT: report.sent,
                DeliveryOutcome.FAILED: report.failed,
                DeliveryOutcome.UNREACHABLE: report.unreachable,
            }[result.outcome].append(claim.item)

    def _record_one(
        self, row: ReminderLog, member: Member | None, result: DeliveryResult, now: dt.datetime
    ) -> None:
        row.status = result.outcome.value
        row.error = result.error
        if result.outcome is DeliveryOutcome.SENT:
            row.sent_at = now
            row.telegram_message_id = result.message_id
        elif result.outcome is DeliveryOutcome.FAILED:
            if row.attempts < self._config.schedule.reminders.max_attempts:
                row.next_attempt_at = now + retry_delay(row.attempts)
            else:
                row.next_attempt_at = None
                logger.error(
                    "reminder gave up after %d attempts",
                    row.attempts,
                    extra={"key": row.dedup_key},
                )
        if member is not None:
            reachable = result.outcome is not DeliveryOutcome.UNREACHABLE
            if result.outcome is not DeliveryOutcome.FAILED and member.reachable != reachable:
                member.reachable = reachable
                member.unreachable_since = None if reachable else now

    async def _retry_failed(
        self,
        snapshot: _Snapshot,
        deliver: Deliver,
        now: dt.datetime,
        report: RunReport,
        skew: dt.timedelta,
    ) -> None:
        """Send again what failed earlier and whose backoff has passed, in office hours only."""
        if not self.planner.in_office_hours(now):
            return
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(ReminderLog).where(
                        ReminderLog.status == "failed",
                        ReminderLog.next_attempt_at.is_not(None),
                        ReminderLog.next_attempt_at <= now,
                    )
                )
            ).all()
        open_codes = {p.code for p in snapshot.periods}
        rows = [row for row in rows if row.period_code in open_codes]
        if not rows:
            return
        slots = SlotSupply(self.pacing, self._sessions, ahead=1)
        try:
            for row in rows:
                await self._retry_one(snapshot, row, deliver, slots, now, report, skew)
        finally:
            await slots.close()

    async def _retry_one(
        self,
        snapshot: _Snapshot,
        row: ReminderLog,
        deliver: Deliver,
        slots: SlotSupply,
        now: dt.datetime,
        report: RunReport,
        skew: dt.timedelta,
    ) -> None:
        """Take one failed reminder back (unless another process did) and send it again."""
        async with self._sessions.begin() as session:
            taken = await session.execute(
                update(ReminderLog)
                .where(ReminderLog.id == row.id, ReminderLog.status == "failed")
                .values(status="claimed", attempts=ReminderLog.attempts + 1, next_attempt_at=None)
            )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return  # another process took this retry
        message = self._message_for_row(snapshot, row, now)
        if message is None:
            return
        unit, _, period_code, kind = row.dedup_key.split("|", 3)
        item = ReminderItem(
            None if unit == "-" else unit, message.telegram_user_id, period_code, kind
        )
        claim = _Claim(row.id, item, message, row.member_id)
        result = await self._send(claim, deliver, slots, new=False)
        await self._record([(claim, result)], report, skew)

    async def _nudge_targets(
        self,
        session: AsyncSession,
        period: ReportingPeriod,
        unit_code: str | None,
        now: dt.datetime,
    ) -> tuple[_Snapshot, list[UnitState], list[str], list[str]]:
        snapshot = await self._snapshot(session, now, extra_periods=[period])
        pending = [
            state
            for state in snapshot.states
            if state.period_code == period.code
            and state.pending
            and (unit_code is None or state.unit_code == unit_code)
        ]
        since = now - dt.timedelta(hours=self._config.schedule.reminders.manual_nudge_hours)
        recent_rows = await session.execute(
            select(ReminderLog.dedup_key).where(
                ReminderLog.period_code == period.code,
                ReminderLog.kind.like("manual-%"),
                ReminderLog.claimed_at > since,
            )
        )
        recent = sorted({key.split("|", 1)[0] for (key,) in recent_rows})
        with_members = {r.unit_code for r in snapshot.recipients if r.role != "coordinator"}
        without = sorted(s.unit_code for s in pending if s.unit_code not in with_members)
        targets = [s for s in pending if s.unit_code not in recent and s.unit_code in with_members]
        return snapshot, targets, recent, without

    async def plan_nudge(
        self, actor: Actor | None, period: ReportingPeriod, unit_code: str | None = None
    ) -> NudgePlan:
        """How many units and people a manual nudge would reach (coordinators only)."""
        require_coordinator(actor, "nudge units")
        now = self._clock()
        async with self._sessions() as session:
            snapshot, targets, recent, without = await self._nudge_targets(
                session, period, unit_code, now
            )
        codes = {state.unit_code for state in targets}
        people = sum(
            1 for r in snapshot.recipients if r.unit_code in codes and r.role != "coordinator"
        )
        return NudgePlan(period, tuple(sorted(codes)), people, tuple(recent), tuple(without))

    async def nudge(
        self,
        actor: Actor | None,
        period: ReportingPeriod,
        deliver: Deliver,
        unit_code: str | None = None,
    ) -> RunReport:
        """Send a coordinator's nudge: at most one per unit per `manual_nudge_hours`."""
        require_coordinator(actor, "nudge units")
        now = self._clock()
        report = RunReport(at=now)
        async with self._sessions() as session:
            snapshot, targets, _, _ = await self._nudge_targets(session, period, unit_code, now)
        kind = f"manual-{now.astimezone(self._tz):%Y%m%d%H%M}"
        due: list[tuple[ReminderKey, dt.datetime, ReminderMessage, int]] = []
        for state in targets:
            unit = snapshot.units[state.unit_code]
            for recipient in snapshot.recipients:
                if recipient.unit_code != state.unit_code or recipient.role == "coordinator":
                    continue
                key: ReminderKey = (state.unit_code, recipient.member_id, period.code, kind)
                message = ReminderMessage(
                    kind=kind,
                    telegram_user_id=recipient.telegram_user_id,
                    period=period,
                    overdue=now > period.deadline,
                    unit_code=state.unit_code,
                    unit_name=unit.name,
                    days_left_or_late=period.days_left(now),
                    answered=state.answered,
                    total=state.total,
                    manual=True,
                )
                due.append((key, now, message, recipient.member_id))
        await self._claim_and_send_each(snapshot, due, now, report, deliver)
        return report

    def _message_for_row(
        self, snapshot: _Snapshot, row: ReminderLog, now: dt.datetime
    ) -> ReminderMessage | None:
        period = next((p for p in snapshot.periods if p.code == row.period_code), None)
        member = snapshot.members.get(row.member_id)
        if period is None or member is None:
            return None
        unit_code = row.dedup_key.split("|", 1)[0]
        state = next(
            (
                s
                for s in snapshot.states
                if s.unit_code == unit_code and s.period_code == period.code
            ),
            None,
        )
        unit = snapshot.units.get(unit_code)
        return ReminderMessage(
            kind=row.kind,
            telegram_user_id=member.telegram_user_id,
            period=period,
            overdue=now > period.deadline,
            unit_code=unit_code if unit else None,
            unit_name=unit.name if unit else None,
            days_left_or_late=period.days_left(now),
            answered=state.answered if state else 0,
            total=state.total if state else 0,
        )


@dataclass(frozen=True)
class NudgePlan:
    """Who a coordinator's /remind would reach, before it is confirmed."""

    period: ReportingPeriod
    units: tuple[str, ...]
    people: int
    recently_nudged: tuple[str, ...]
    without_members: tuple[str, ...]


def _item(key: ReminderKey, telegram_user_id: int) -> ReminderItem:
    return ReminderItem(key[0], telegram_user_id, key[2], key[3])


async def insert_new_claims(
    session: AsyncSession, rows: list[dict[str, object]]
) -> list[tuple[int, str]]:
    """Insert claim rows, skipping keys that exist already; return (id, key) of the new ones."""
    if not rows:
        return []
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(ReminderLog)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(ReminderLog.id, ReminderLog.dedup_key)
    )
    result = await session.execute(statement)
    return [(row_id, key) for row_id, key in result]
