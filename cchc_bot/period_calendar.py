"""The CCHC cycle's periods built from the schedule: windows, deadlines and reminders."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from cchc_bot.config.schedule import PeriodRule, Schedule
from cchc_bot.periods import (
    END_OF_DAY,
    ReportingPeriod,
    UnknownPeriodError,
    parse_period_code,
    period_code,
    period_label,
    require_aware,
)
from cchc_bot.reminder_plan import plan_reminders
from cchc_bot.workdays import WorkCalendar

CalendarEntry = dict[str, str | list[str]]


def build_periods(
    schedule: Schedule, year: int, tz: ZoneInfo, *, calendar: WorkCalendar | None = None
) -> list[ReportingPeriod]:
    """Return every period of a reporting year, in schedule order."""
    work = calendar if calendar is not None else WorkCalendar.for_policy(schedule.holidays)
    return [_build_period(schedule, rule, year, tz, work) for rule in schedule.periods]


def periods_in_years(
    schedule: Schedule,
    tz: ZoneInfo,
    first: int,
    last: int,
    *,
    calendar: WorkCalendar | None = None,
) -> list[ReportingPeriod]:
    """Return the periods of the years first..last (inclusive), by year then schedule order."""
    work = calendar if calendar is not None else WorkCalendar.for_policy(schedule.holidays)
    return [
        period
        for year in range(first, last + 1)
        for period in build_periods(schedule, year, tz, calendar=work)
    ]


def period_by_code(
    schedule: Schedule, code: str, tz: ZoneInfo, *, calendar: WorkCalendar | None = None
) -> ReportingPeriod:
    """Return the period of a code such as `2024-Q1`; UnknownPeriodError when there is none."""
    year, kind = parse_period_code(code)
    try:
        rule = schedule.period_rule(kind)
    except KeyError:
        known = ", ".join(rule.code for rule in schedule.periods)
        raise UnknownPeriodError(code, f"no period kind {kind!r} (known: {known})") from None
    if not _year_in_range(schedule, year):
        raise UnknownPeriodError(code, f"year {year} is outside the reporting years")
    work = calendar if calendar is not None else WorkCalendar.for_policy(schedule.holidays)
    return _build_period(schedule, rule, year, tz, work)


def open_periods(
    schedule: Schedule, tz: ZoneInfo, now: dt.datetime, *, calendar: WorkCalendar | None = None
) -> list[ReportingPeriod]:
    """Return the periods accepting submissions at `now` (late ones included), by deadline."""
    require_aware(now)
    candidates = _candidates(schedule, tz, now, calendar)
    return sorted((p for p in candidates if p.is_open(now)), key=lambda p: p.deadline)


def nearest_period(
    schedule: Schedule, tz: ZoneInfo, now: dt.datetime, *, calendar: WorkCalendar | None = None
) -> ReportingPeriod:
    """Return the period whose deadline is nearest to `now`, past or future (a tie goes ahead)."""
    require_aware(now)
    candidates = _candidates(schedule, tz, now, calendar)
    if not candidates:
        # `now` is years away from the reporting years: take the nearest reporting year.
        first, last = schedule.years.first, schedule.years.last
        year = last if last is not None and now.year > last else first
        candidates = build_periods(schedule, year, tz, calendar=calendar)
    return min(candidates, key=lambda p: (abs(p.deadline - now), p.deadline < now))


def calendar_json(periods: Iterable[ReportingPeriod]) -> list[CalendarEntry]:
    """Return the `calendar --json` entries (CONTRACT.md) of the periods."""
    return [
        {
            "code": period.code,
            "label": period.label,
            "window_start": period.window_start.isoformat(),
            "window_end": period.window_end.isoformat(),
            "opens_at": _instant(period.opens_at, period),
            "closes_at": _instant(period.closes_at, period),
            "deadline": _instant(period.deadline, period),
            "reminders": [_instant(moment, period) for moment in period.reminders],
        }
        for period in periods
    ]


def _build_period(
    schedule: Schedule, rule: PeriodRule, year: int, tz: ZoneInfo, calendar: WorkCalendar
) -> ReportingPeriod:
    """Derive one period of one year: window, deadline, submission window and reminder instants."""
    window_end = rule.window_end.on(year)
    due = _apply_deadline_policy(schedule, rule.deadline.on(year), calendar)
    opens_day = window_end - dt.timedelta(days=schedule.submission.opens_days_before_window_end)
    closes_day = due + dt.timedelta(days=schedule.submission.late_days)
    period = ReportingPeriod(
        code=period_code(year, rule.code),
        kind=rule.code,
        year=year,
        label=period_label(rule.label, year),
        kind_label=rule.label,
        window_start=rule.window_start.on(year),
        window_end=window_end,
        deadline=dt.datetime.combine(due, END_OF_DAY, tzinfo=tz),
        opens_at=dt.datetime.combine(opens_day, dt.time(0, 0), tzinfo=tz),
        closes_at=dt.datetime.combine(closes_day, END_OF_DAY, tzinfo=tz),
        cumulative=rule.cumulative,
    )
    planned = plan_reminders(period, schedule.reminders, schedule.office_hours, calendar, tz)
    return dataclasses.replace(period, reminders=tuple(reminder.at for reminder in planned))


def _apply_deadline_policy(schedule: Schedule, due: dt.date, calendar: WorkCalendar) -> dt.date:
    """Move a due day that is not a working day as `deadline.on_non_working_day` says."""
    match schedule.deadline.on_non_working_day:
        case "next_working_day":
            return calendar.working_day_on_or_after(due)
        case "previous_working_day":
            return calendar.working_day_on_or_before(due)
        case _:
            return due


def _candidates(
    schedule: Schedule, tz: ZoneInfo, now: dt.datetime, calendar: WorkCalendar | None
) -> list[ReportingPeriod]:
    """Return the periods of the reporting years that can be open or nearest around `now`."""
    # A period of year N opens at the earliest in year N-2 (window end up to a year back,
    # opening up to 120 days before it) and closes at the latest in year N+1.
    local_year = now.astimezone(tz).year
    years = [y for y in range(local_year - 1, local_year + 3) if _year_in_range(schedule, y)]
    work = calendar if calendar is not None else WorkCalendar.for_policy(schedule.holidays)
    return [p for year in years for p in build_periods(schedule, year, tz, calendar=work)]


def _year_in_range(schedule: Schedule, year: int) -> bool:
    """Return whether the bot opens periods in a reporting year."""
    last = schedule.years.last
    return schedule.years.first <= year and (last is None or year <= last)


def _instant(moment: dt.datetime, period: ReportingPeriod) -> str:
    """Return an instant as ISO 8601 with the offset of the period's zone."""
    return moment.astimezone(period.deadline.tzinfo).isoformat(timespec="seconds")
