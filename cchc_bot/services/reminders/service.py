"""Reminders exactly once: compute what is due, claim it under a unique key, send, record."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import Actor, require_coordinator
from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.periods import ReportingPeriod
from cchc_bot.reminder_plan import (
    ReminderKey,
    ReminderPlanner,
    due_digests,
    due_reminders,
)
from cchc_bot.services.bulk_pacing import BulkPacing, SlotSupply
from cchc_bot.services.reminders.messages import (
    Deliver,
    DeliveryOutcome,
    DeliveryResult,
    NudgePlan,
    ReminderItem,
    ReminderMessage,
    RunReport,
    dedup_key,
    retry_delay,
)
from cchc_bot.services.reminders.nudges import nudge_messages, nudge_scope, nudge_targets
from cchc_bot.services.reminders.snapshot import (
    Claim,
    Snapshot,
    digest_message,
    insert_new_claims,
    load_snapshot,
    message_for_row,
    reminder_message,
    report_item,
)
from cchc_bot.services.reminders.tasks import TaskReminders, is_task_kind
from db.models import Member, ReminderLog
from db.session import SessionFactory

logger = logging.getLogger(__name__)


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
        self.tasks = TaskReminders(config, tz, self.planner)
        # Every send takes a slot of the timetable shared with other processes.
        self.pacing = pacing or BulkPacing()

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
            snapshot = await load_snapshot(session, self._config, self._tz, now)
            names = {code: unit.name for code, unit in snapshot.units.items()}
            task_due = await self.tasks.due(
                session, snapshot.recipients, names, snapshot.claimed, now
            )
            overdue_tasks = await self.tasks.overdue(session, names, now)
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
            (item.key, item.scheduled_at, reminder_message(snapshot, item), item.member.member_id)
            for item in reminders.due
        ] + [
            (
                item.key,
                item.scheduled_at,
                replace(
                    digest_message(snapshot, item, now, self._config, self._tz),
                    overdue_tasks=overdue_tasks,
                ),
                item.coordinator.member_id,
            )
            for item in digests.due
        ]
        due += task_due
        missed = [
            (item.key, item.scheduled_at, item.member.member_id) for item in reminders.missed
        ] + [(item.key, item.scheduled_at, item.coordinator.member_id) for item in digests.missed]
        if dry_run or deliver is None:
            report.due = [report_item(key, message.telegram_user_id) for key, _, message, _ in due]
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
        snapshot: Snapshot,
        due: Sequence[tuple[ReminderKey, dt.datetime, ReminderMessage, int]],
        now: dt.datetime,
        report: RunReport,
        deliver: Deliver,
        skew: dt.timedelta = dt.timedelta(0),
    ) -> None:
        """Claim each reminder just before sending it; record each outcome with the next claim."""
        slots = SlotSupply(self.pacing, self._sessions)
        sent: list[tuple[Claim, DeliveryResult]] = []
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

    async def _release(self, claims: Sequence[Claim]) -> None:
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
        self, claim: Claim, deliver: Deliver, slots: SlotSupply, *, new: bool = True
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
        snapshot: Snapshot,
        due: Sequence[tuple[ReminderKey, dt.datetime, ReminderMessage, int]],
        missed: Sequence[tuple[ReminderKey, dt.datetime, int]],
        now: dt.datetime,
        report: RunReport,
        outcomes: Sequence[tuple[Claim, DeliveryResult]] = (),
        skew: dt.timedelta = dt.timedelta(0),
    ) -> list[Claim]:
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
                claims.append(Claim(row_id, item, message, member_id))
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
        snapshot: Snapshot,
        missed: Sequence[tuple[ReminderKey, dt.datetime, int]],
        now: dt.datetime,
        report: RunReport,
    ) -> None:
        """Record reminders older than the grace window as skipped, in one transaction."""
        await self._claim(snapshot, [], missed, now, report)

    async def _deliver(self, claim: Claim, deliver: Deliver) -> DeliveryResult:
        """Send one claim; a bug in rendering becomes a failed delivery, retried later."""
        try:
            return await deliver(
                replace(claim.message, organisation=self._config.units.organisation)
            )
        except Exception as exc:  # a bug in rendering must not lose the claim silently
            logger.exception("reminder delivery raised")
            return DeliveryResult(DeliveryOutcome.FAILED, error=f"{type(exc).__name__}: {exc}")

    async def _record(
        self,
        outcomes: Sequence[tuple[Claim, DeliveryResult]],
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
        outcomes: Sequence[tuple[Claim, DeliveryResult]],
        report: RunReport,
        skew: dt.timedelta,
    ) -> None:
        """Record the outcomes of sent claims in the caller's transaction."""
        if not outcomes:
            return
        now = self._clock() + skew
        recorded: list[tuple[Claim, DeliveryResult]] = []
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
        snapshot: Snapshot,
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
        rows = [row for row in rows if row.period_code in open_codes or is_task_kind(row.kind)]
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
        snapshot: Snapshot,
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
        message = message_for_row(snapshot, row, now)
        if is_task_kind(row.kind):
            member = snapshot.members.get(row.member_id)
            names = {code: unit.name for code, unit in snapshot.units.items()}
            message = None
            if member is not None:
                async with self._sessions() as session:
                    message = await self.tasks.retry_message(
                        session, row, member.telegram_user_id, names, now
                    )
        if message is None:
            return
        unit, _, period_code, kind = row.dedup_key.split("|", 3)
        item = ReminderItem(
            None if unit == "-" else unit, message.telegram_user_id, period_code, kind
        )
        claim = Claim(row.id, item, message, row.member_id)
        result = await self._send(claim, deliver, slots, new=False)
        await self._record([(claim, result)], report, skew)

    async def plan_nudge(
        self, actor: Actor | None, period: ReportingPeriod, unit_code: str | None = None
    ) -> NudgePlan:
        """How many units and people a manual nudge would reach (coordinators, their subtree)."""
        coordinator = require_coordinator(actor, "nudge units")
        now = self._clock()
        async with self._sessions() as session:
            scope = await nudge_scope(session, coordinator, unit_code)
            snapshot, targets, recent, without = await nudge_targets(
                session, self._config, self._tz, period, unit_code, now, scope
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
        coordinator = require_coordinator(actor, "nudge units")
        now = self._clock()
        report = RunReport(at=now)
        async with self._sessions() as session:
            scope = await nudge_scope(session, coordinator, unit_code)
            snapshot, targets, _, _ = await nudge_targets(
                session, self._config, self._tz, period, unit_code, now, scope
            )
        due = nudge_messages(snapshot, targets, period, now, self._tz)
        await self._claim_and_send_each(snapshot, due, now, report, deliver)
        return report
