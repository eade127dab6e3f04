"""What a reminder run reads (the snapshot), the messages it words, and its claim rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import unit_life
from cchc_bot.config.loading import Configuration
from cchc_bot.periods import ReportingPeriod
from cchc_bot.reminder_plan import (
    DueDigest,
    DueReminder,
    Recipient,
    ReminderKey,
    UnitState,
)
from cchc_bot.services import periods as period_queries
from cchc_bot.services.reminders.messages import (
    OverdueUnit,
    ReminderItem,
    ReminderMessage,
    parse_dedup_key,
)
from cchc_bot.services.status import SUBMITTED_STATES, unit_config
from db import repositories
from db.models import Member, ReminderLog, Unit


@dataclass(frozen=True)
class Claim:
    """A claimed reminder: its row, its report item, its message and its member."""

    row_id: int
    item: ReminderItem
    message: ReminderMessage
    member_id: int


@dataclass
class Snapshot:
    """What one run read from the database before deciding what is due."""

    periods: list[ReportingPeriod]
    recipients: list[Recipient]
    states: list[UnitState]
    claimed: set[ReminderKey]
    units: dict[str, Unit]
    members: dict[int, Member]
    reminded: set[tuple[str, int]]  # (period code, unit id) with a reminder delivered


async def load_snapshot(
    session: AsyncSession,
    config: Configuration,
    tz: ZoneInfo,
    now: dt.datetime,
    *,
    extra_periods: Sequence[ReportingPeriod] = (),
) -> Snapshot:
    """What a run needs to know: open periods, recipients, unit states and claims."""
    periods = await period_queries.open_periods(session, config.schedule, tz, now)
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
    questionnaire = config.questionnaire
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
    return Snapshot(periods, recipients, states, claimed, units, members, reminded)


def reminder_message(snapshot: Snapshot, item: DueReminder) -> ReminderMessage:
    """The message of one due reminder."""
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


def digest_message(
    snapshot: Snapshot,
    item: DueDigest,
    now: dt.datetime,
    config: Configuration,
    tz: ZoneInfo,
) -> ReminderMessage:
    """The digest of overdue units sent to a coordinator."""
    period = next(p for p in snapshot.periods if p.code == item.period_code)
    heads: dict[int, list[str]] = {}
    with_account: set[int] = set()
    for member in snapshot.members.values():
        if member.unit_id is not None and member.role != "coordinator":
            with_account.add(member.unit_id)
            if member.role == "head":
                heads.setdefault(member.unit_id, []).append(member.name)
    days_late = max(0, (now.astimezone(tz).date() - period.due_date).days)
    configured = config.units.by_code()

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


def message_for_row(
    snapshot: Snapshot, row: ReminderLog, now: dt.datetime
) -> ReminderMessage | None:
    """The message of a stored claim, for a retry (None when its period or member is gone)."""
    period = next((p for p in snapshot.periods if p.code == row.period_code), None)
    member = snapshot.members.get(row.member_id)
    if period is None or member is None:
        return None
    unit_code = row.dedup_key.split("|", 1)[0]
    state = next(
        (s for s in snapshot.states if s.unit_code == unit_code and s.period_code == period.code),
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


def report_item(key: ReminderKey, telegram_user_id: int) -> ReminderItem:
    """The run report's item of a claim key."""
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
