"""A coordinator's manual nudge: which units it reaches and the messages it sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import Actor, require_in_scope, units_in_scope
from cchc_bot.config.loading import Configuration
from cchc_bot.periods import ReportingPeriod
from cchc_bot.reminder_plan import (
    ReminderKey,
    UnitState,
)
from cchc_bot.services.reminders.messages import (
    ReminderMessage,
)
from cchc_bot.services.reminders.snapshot import (
    Snapshot,
    load_snapshot,
)
from db import repositories
from db.models import ReminderLog


async def nudge_targets(
    session: AsyncSession,
    config: Configuration,
    tz: ZoneInfo,
    period: ReportingPeriod,
    unit_code: str | None,
    now: dt.datetime,
    scope: frozenset[str] | None = None,
) -> tuple[Snapshot, list[UnitState], list[str], list[str]]:
    """The pending units a nudge reaches, those nudged recently and those with nobody.

    `scope`: only these units (a scoped coordinator's subtree); None: every unit.
    """
    snapshot = await load_snapshot(session, config, tz, now, extra_periods=[period])
    pending = [
        state
        for state in snapshot.states
        if state.period_code == period.code
        and state.pending
        and (unit_code is None or state.unit_code == unit_code)
        and (scope is None or state.unit_code in scope)
    ]
    since = now - dt.timedelta(hours=config.schedule.reminders.manual_nudge_hours)
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


async def nudge_scope(
    session: AsyncSession, coordinator: Actor, unit_code: str | None
) -> frozenset[str] | None:
    """The units a coordinator may nudge (None: all); OutOfScope for a unit outside them."""
    if not coordinator.is_scoped:
        return None
    parents = await repositories.unit_parents(session)
    if unit_code is not None:
        require_in_scope(coordinator, unit_code, parents, "nudge units")
    return units_in_scope(coordinator, parents)


def nudge_messages(
    snapshot: Snapshot,
    targets: Sequence[UnitState],
    period: ReportingPeriod,
    now: dt.datetime,
    tz: ZoneInfo,
) -> list[tuple[ReminderKey, dt.datetime, ReminderMessage, int]]:
    """One manual reminder to each member of each target unit, keyed by the minute it went."""
    kind = f"manual-{now.astimezone(tz):%Y%m%d%H%M}"
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
    return due
