"""When reminders and digests fall and which are due at an instant (pure: time is passed in).

Placement rules (DESIGN.md decision 2: reminders are derived, never stored as jobs):

1. Day: the anchor day (the period's opening day, window end day or due day, in the zone)
   moved by the rule's working days. `working_days: 0` on a day off is rolled onto the
   previous working day when the reminder is before the deadline, the next one after it.
2. Time: the rule's time, else the policy's. Before office hours it is pulled to the office
   start of the same day; after office hours the reminder moves to the previous working day
   (before the deadline) or the next one (after it) at the send time, i.e. the policy's time
   held inside office hours. Office hours are inclusive at both ends.
3. A reminder before the opening moves to the first working day on or after it, at its own
   time (or the first office moment after the opening, if that time has already passed).
4. A reminder after the period closes is dropped: nothing can be submitted any more.
5. Two reminders landing on the same instant are both kept: their kinds differ, each has
   its own claim key and text, and merging them would hide a configured reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from cchc_bot.config.schedule import OfficeHours, ReminderPolicy, ReminderRule, Schedule
from cchc_bot.workdays import WorkCalendar

if TYPE_CHECKING:
    from cchc_bot.periods import ReportingPeriod

ReminderKey = tuple[str | None, int, str, str]
"""A reminder's claim key: (unit code, member id, period code, kind); no unit for digests."""

Anchor = Literal["opens", "window_end", "deadline"]
Role = Literal["head", "staff", "coordinator"]

REMINDED_ROLES: frozenset[str] = frozenset({"head", "staff"})
"""The roles that receive a unit's reminders; coordinators get the digest instead."""

DIGEST_KIND_PREFIX = "digest-"

ItemT = TypeVar("ItemT")


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """One reminder of one period: its kind, when it goes out, and whether it is an overdue one."""

    kind: str
    at: dt.datetime
    overdue: bool
    anchor: Anchor


@dataclass(frozen=True, slots=True)
class Recipient:
    """A linked, not revoked account that may receive reminders (heads, staff) or digests."""

    member_id: int
    telegram_user_id: int
    unit_code: str | None
    role: Role
    reachable: bool = True


@dataclass(frozen=True, slots=True)
class UnitState:
    """Where a unit stands on one period; `submitted` is False for a returned report."""

    unit_code: str
    period_code: str
    has_questions: bool
    submitted: bool
    answered: int = 0
    total: int = 0
    active: bool = True

    @property
    def pending(self) -> bool:
        """Whether the unit still owes this period a report (and so gets its reminders)."""
        return self.active and self.has_questions and not self.submitted


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder to send to one member now (or, in `missed`, to record as skipped)."""

    key: ReminderKey
    member: Recipient
    unit_code: str
    period_code: str
    kind: str
    scheduled_at: dt.datetime
    overdue: bool
    days_left_or_late: int
    """Calendar days from now's day to the due day: 0 on it, negative = days late."""
    answered: int
    total: int


@dataclass(frozen=True, slots=True)
class DueDigest:
    """A coordinator's daily list of overdue units of one period."""

    key: ReminderKey
    coordinator: Recipient
    period_code: str
    day: dt.date
    scheduled_at: dt.datetime
    overdue_units: tuple[str, ...]
    unreachable_units: tuple[str, ...]
    """Overdue units that no reminder reaches: no linked member, or every one unreachable."""


@dataclass(frozen=True, slots=True)
class Sweep(Generic[ItemT]):
    """What one tick finds: items to send now, and items too old to send (record as skipped)."""

    due: tuple[ItemT, ...] = ()
    missed: tuple[ItemT, ...] = ()


def plan_reminders(
    period: ReportingPeriod,
    policy: ReminderPolicy,
    office_hours: OfficeHours,
    calendar: WorkCalendar,
    tz: ZoneInfo,
) -> tuple[PlannedReminder, ...]:
    """Return the reminders of a period, sorted by time (ties keep the schedule's order)."""
    planned = []
    for rule in policy.schedule:
        at = _place(rule, period, policy, office_hours, calendar, tz)
        if at <= period.closes_at:
            planned.append(
                PlannedReminder(kind=rule.kind, at=at, overdue=rule.overdue, anchor=rule.anchor)
            )
    return tuple(sorted(planned, key=lambda reminder: reminder.at))


def digest_instants(
    period: ReportingPeriod,
    policy: ReminderPolicy,
    office_hours: OfficeHours,
    calendar: WorkCalendar,
    tz: ZoneInfo,
) -> tuple[dt.datetime, ...]:
    """Return the digest instants: every working day from the first overdue reminder to closing."""
    reminders = plan_reminders(period, policy, office_hours, calendar, tz)
    overdue = [reminder.at for reminder in reminders if reminder.overdue]
    if overdue:
        day = overdue[0].astimezone(tz).date()
    else:
        day = calendar.next_working_day(period.deadline.astimezone(tz).date())
    time = _clamp_time(policy.digest_time, office_hours)
    instants = []
    while (at := dt.datetime.combine(day, time, tzinfo=tz)) <= period.closes_at:
        instants.append(at)
        day = calendar.next_working_day(day)
    return tuple(instants)


def in_office_hours(
    moment: dt.datetime, office_hours: OfficeHours, calendar: WorkCalendar, tz: ZoneInfo
) -> bool:
    """Return whether an instant falls on a working day inside office hours (both ends included)."""
    _require_aware(moment)
    local = moment.astimezone(tz)
    return (
        calendar.is_working_day(local.date())
        and office_hours.start <= local.time().replace(tzinfo=None) <= office_hours.end
    )


class ReminderPlanner:
    """The reminder schedule of one configuration, with each period's plan computed once."""

    def __init__(
        self,
        policy: ReminderPolicy,
        office_hours: OfficeHours,
        calendar: WorkCalendar,
        tz: ZoneInfo,
    ) -> None:
        """Keep the policy, office hours, work calendar and zone that every plan depends on."""
        self.policy = policy
        self.office_hours = office_hours
        self.calendar = calendar
        self.tz = tz
        self._reminders: dict[ReportingPeriod, tuple[PlannedReminder, ...]] = {}
        self._digests: dict[ReportingPeriod, tuple[dt.datetime, ...]] = {}

    @classmethod
    def from_schedule(
        cls, schedule: Schedule, tz: ZoneInfo, *, calendar: WorkCalendar | None = None
    ) -> ReminderPlanner:
        """Return the planner of a `schedule.yaml`."""
        work = calendar if calendar is not None else WorkCalendar.for_policy(schedule.holidays)
        return cls(schedule.reminders, schedule.office_hours, work, tz)

    @property
    def grace(self) -> dt.timedelta:
        """The policy's catch-up grace window."""
        return dt.timedelta(hours=self.policy.grace_hours)

    def reminders(self, period: ReportingPeriod) -> tuple[PlannedReminder, ...]:
        """Return `plan_reminders` for a period (cached)."""
        cached = self._reminders.get(period)
        if cached is None:
            cached = self._reminders[period] = plan_reminders(
                period, self.policy, self.office_hours, self.calendar, self.tz
            )
        return cached

    def digests(self, period: ReportingPeriod) -> tuple[dt.datetime, ...]:
        """Return `digest_instants` for a period (cached)."""
        cached = self._digests.get(period)
        if cached is None:
            cached = self._digests[period] = digest_instants(
                period, self.policy, self.office_hours, self.calendar, self.tz
            )
        return cached

    def in_office_hours(self, moment: dt.datetime) -> bool:
        """Return whether an instant is on a working day inside office hours."""
        return in_office_hours(moment, self.office_hours, self.calendar, self.tz)


def due_reminders(
    *,
    periods: Iterable[ReportingPeriod],
    planner: ReminderPlanner,
    recipients: Iterable[Recipient],
    unit_states: Iterable[UnitState],
    now: dt.datetime,
    grace: dt.timedelta,
    already_claimed: Set[ReminderKey],
) -> Sweep[DueReminder]:
    """Return the unit reminders due at `now` and those missed (older than the grace window).

    A reminder at `at` goes to every head and staff member of each active unit that has
    questions for the period and has not submitted it, unless its key is already claimed. It
    is due when `at <= now`, `now - at < grace`, the period has not closed and `now` is inside
    office hours; within the grace window but outside office hours it waits (neither list);
    past the grace window or the closing it is missed. Units without a state get nothing.
    Unreachable members are included: the caller records them as unreachable.
    """
    _require_aware(now)
    office_open = planner.in_office_hours(now)
    members = _members_by_unit(recipients)
    states = list(unit_states)
    due: list[DueReminder] = []
    missed: list[DueReminder] = []
    for period in periods:
        pending = [s for s in states if s.period_code == period.code and s.pending]
        if not pending:
            continue
        for reminder in planner.reminders(period):
            if reminder.at > now:
                break
            verdict = _verdict(reminder.at, now, grace, period, office_open)
            if verdict is None:
                continue
            for state in pending:
                for member in members.get(state.unit_code, ()):
                    key: ReminderKey = (
                        state.unit_code,
                        member.member_id,
                        period.code,
                        reminder.kind,
                    )
                    if key in already_claimed:
                        continue
                    item = DueReminder(
                        key=key,
                        member=member,
                        unit_code=state.unit_code,
                        period_code=period.code,
                        kind=reminder.kind,
                        scheduled_at=reminder.at,
                        overdue=reminder.overdue,
                        days_left_or_late=period.days_left(now),
                        answered=state.answered,
                        total=state.total,
                    )
                    (due if verdict == "due" else missed).append(item)
    return Sweep(due=_in_order(due), missed=_in_order(missed))


def due_digests(
    *,
    periods: Iterable[ReportingPeriod],
    planner: ReminderPlanner,
    recipients: Iterable[Recipient],
    unit_states: Iterable[UnitState],
    now: dt.datetime,
    grace: dt.timedelta,
    already_claimed: Set[ReminderKey],
) -> Sweep[DueDigest]:
    """Return the coordinator digests due at `now` and those missed, one per period and day.

    Only the latest digest instant at or before `now` counts (an older day's list is stale
    and superseded, never sent late); it follows the grace and office-hours rules of
    `due_reminders`. A period with no overdue unit at `now` has no digest.
    """
    _require_aware(now)
    office_open = planner.in_office_hours(now)
    everyone = list(recipients)
    coordinators = [r for r in everyone if r.role == "coordinator"]
    members = _members_by_unit(everyone)
    states = list(unit_states)
    due: list[DueDigest] = []
    missed: list[DueDigest] = []
    if not coordinators:
        return Sweep()
    for period in periods:
        latest = [at for at in planner.digests(period) if at <= now]
        if not latest or not period.is_late(now):
            continue
        at = latest[-1]
        verdict = _verdict(at, now, grace, period, office_open)
        overdue = sorted(s.unit_code for s in states if s.period_code == period.code and s.pending)
        if verdict is None or not overdue:
            continue
        unreachable = tuple(
            code for code in overdue if not any(m.reachable for m in members.get(code, ()))
        )
        day = at.astimezone(planner.tz).date()
        for coordinator in coordinators:
            key: ReminderKey = (None, coordinator.member_id, period.code, digest_kind(day))
            if key in already_claimed:
                continue
            item = DueDigest(
                key=key,
                coordinator=coordinator,
                period_code=period.code,
                day=day,
                scheduled_at=at,
                overdue_units=tuple(overdue),
                unreachable_units=unreachable,
            )
            (due if verdict == "due" else missed).append(item)
    return Sweep(due=tuple(due), missed=tuple(missed))


def digest_kind(day: dt.date) -> str:
    """Return the claim kind of a day's digest: `digest-2024-03-12`."""
    return f"{DIGEST_KIND_PREFIX}{day.isoformat()}"


def _place(
    rule: ReminderRule,
    period: ReportingPeriod,
    policy: ReminderPolicy,
    office_hours: OfficeHours,
    calendar: WorkCalendar,
    tz: ZoneInfo,
) -> dt.datetime:
    """Return the instant of one rule for one period (see the module docstring)."""
    day = calendar.add_working_days(_anchor_day(rule.anchor, period, tz), rule.working_days)
    time = rule.time or policy.time
    before_deadline = dt.datetime.combine(day, time, tzinfo=tz) <= period.deadline
    if time > office_hours.end:
        time = _clamp_time(policy.time, office_hours)
        day = (
            calendar.previous_working_day(day)
            if before_deadline
            else calendar.next_working_day(day)
        )
    else:
        time = max(time, office_hours.start)
        if not calendar.is_working_day(day):
            day = (
                calendar.previous_working_day(day)
                if before_deadline
                else calendar.next_working_day(day)
            )
    at = dt.datetime.combine(day, time, tzinfo=tz)
    if at < period.opens_at:
        opening_day = calendar.working_day_on_or_after(period.opens_at.astimezone(tz).date())
        at = dt.datetime.combine(opening_day, time, tzinfo=tz)
        if at < period.opens_at:
            at = _first_office_moment(period.opens_at, office_hours, calendar, tz)
    return at


def _anchor_day(anchor: Anchor, period: ReportingPeriod, tz: ZoneInfo) -> dt.date:
    """Return the local day a rule counts from."""
    match anchor:
        case "opens":
            return period.opens_at.astimezone(tz).date()
        case "window_end":
            return period.window_end
        case "deadline":
            return period.deadline.astimezone(tz).date()


def _first_office_moment(
    moment: dt.datetime, office_hours: OfficeHours, calendar: WorkCalendar, tz: ZoneInfo
) -> dt.datetime:
    """Return the first instant at or after `moment` on a working day inside office hours."""
    if in_office_hours(moment, office_hours, calendar, tz):
        return moment
    local = moment.astimezone(tz)
    day = local.date()
    if not calendar.is_working_day(day) or local.time().replace(tzinfo=None) > office_hours.end:
        day = calendar.next_working_day(day)
    return dt.datetime.combine(day, office_hours.start, tzinfo=tz)


def _clamp_time(time: dt.time, office_hours: OfficeHours) -> dt.time:
    """Hold a time of day inside office hours."""
    return min(max(time, office_hours.start), office_hours.end)


def _verdict(
    at: dt.datetime,
    now: dt.datetime,
    grace: dt.timedelta,
    period: ReportingPeriod,
    office_open: bool,
) -> Literal["due", "missed"] | None:
    """Classify a past instant: due now, missed for good, or None (wait for office hours)."""
    if now - at >= grace or now > period.closes_at:
        return "missed"
    return "due" if office_open else None


def _members_by_unit(recipients: Iterable[Recipient]) -> dict[str, list[Recipient]]:
    """Group the heads and staff by unit code."""
    grouped: dict[str, list[Recipient]] = {}
    for recipient in recipients:
        if recipient.role in REMINDED_ROLES and recipient.unit_code is not None:
            grouped.setdefault(recipient.unit_code, []).append(recipient)
    return grouped


def _in_order(items: list[DueReminder]) -> tuple[DueReminder, ...]:
    """Sort reminders by time, period, unit and member, so sending order is reproducible."""
    return tuple(
        sorted(
            items,
            key=lambda item: (item.scheduled_at, item.period_code, item.unit_code, item.key[1]),
        )
    )


def _require_aware(moment: dt.datetime) -> None:
    """Refuse naive datetimes: every instant in the bot carries its zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware one")
