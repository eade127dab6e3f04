"""Reporting periods of the CCHC cycle: data window, deadline and submission window of each year."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cchc_bot.config.schedule import PeriodRule, Schedule
from cchc_bot.reminder_plan import plan_reminders
from cchc_bot.workdays import WorkCalendar

PERIOD_CODE_PATTERN = re.compile(r"^(?P<year>\d{4})-(?P<kind>[A-Z][A-Z0-9]{0,3})$")

END_OF_DAY = dt.time(23, 59, 59)
"""The last instant of a day as shown and stored: deadlines and closing times end here."""

_ONE_SECOND = dt.timedelta(seconds=1)
_ROMAN_OR_NUMBER = re.compile(r"^(?:[IVXLC]+|\d+)$")
_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

CalendarEntry = dict[str, str | list[str]]


class UnknownPeriodError(ValueError):
    """A period code that is malformed, names no period of the schedule, or is outside its years."""

    def __init__(self, code: str, reason: str) -> None:
        """Keep the offending code and why it was refused, for a Vietnamese reply upstream."""
        super().__init__(f"unknown period {code!r}: {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    """One report of one year (e.g. 2024-Q1): what it counts, when it is due, when it is open."""

    code: str
    kind: str
    year: int
    label: str
    kind_label: str
    window_start: dt.date
    window_end: dt.date
    deadline: dt.datetime
    opens_at: dt.datetime
    closes_at: dt.datetime
    cumulative: bool
    reminders: tuple[dt.datetime, ...] = ()

    @property
    def due_date(self) -> dt.date:
        """The day the report is due (after the deadline policy moved it, if it did)."""
        return self.deadline.date()

    def is_open(self, now: dt.datetime) -> bool:
        """Return whether submissions are accepted at `now` (late ones included)."""
        _require_aware(now)
        return self.opens_at <= now < self.closes_at + _ONE_SECOND

    def is_late(self, at: dt.datetime) -> bool:
        """Return whether a submission at `at` is late, i.e. made after the due day ended."""
        _require_aware(at)
        return at >= self.deadline + _ONE_SECOND

    def days_left(self, now: dt.datetime) -> int:
        """Return the calendar days from `now`'s day to the due day: 0 on it, negative after it."""
        _require_aware(now)
        return (self.due_date - now.astimezone(self.deadline.tzinfo).date()).days


def parse_period_code(code: str) -> tuple[int, str]:
    """Split `2024-Q1` into (2024, "Q1"); case and surrounding blanks are ignored."""
    match = PERIOD_CODE_PATTERN.match(code.strip().upper())
    if match is None:
        raise UnknownPeriodError(code, "expected YEAR-KIND, e.g. 2024-Q1")
    return int(match["year"]), match["kind"]


def period_code(year: int, kind: str) -> str:
    """Return the code of a period: `2024-Q1`."""
    return f"{year}-{kind}"


def period_label(kind_label: str, year: int) -> str:
    """Return the display label: "Quý I/2024", "6 tháng đầu năm 2024", "Năm 2024"."""
    last_word = kind_label.rsplit(maxsplit=1)[-1]
    separator = "/" if _ROMAN_OR_NUMBER.match(last_word) else " "
    return f"{kind_label}{separator}{year}"


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
    _require_aware(now)
    candidates = _candidates(schedule, tz, now, calendar)
    return sorted((p for p in candidates if p.is_open(now)), key=lambda p: p.deadline)


def nearest_period(
    schedule: Schedule, tz: ZoneInfo, now: dt.datetime, *, calendar: WorkCalendar | None = None
) -> ReportingPeriod:
    """Return the period whose deadline is nearest to `now`, past or future (a tie goes ahead)."""
    _require_aware(now)
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


def format_day(day: dt.date) -> str:
    """Return a day as Vietnamese documents write it: 11/3/2024 (d/m/yyyy, no zero padding)."""
    return f"{day.day}/{day.month}/{day.year}"


def format_weekday(day: dt.date) -> str:
    """Return the Vietnamese weekday name: "thứ Hai" ... "Chủ nhật"."""
    return _WEEKDAYS[day.weekday()]


def format_day_with_weekday(day: dt.date) -> str:
    """Return "thứ Hai, 11/3/2024"."""
    return f"{format_weekday(day)}, {format_day(day)}"


def format_datetime(moment: dt.datetime, tz: ZoneInfo | None = None) -> str:
    """Return "23:59 ngày 11/3/2024", in `tz` when given, else in the instant's own zone."""
    _require_aware(moment)
    local = moment.astimezone(tz) if tz is not None else moment
    return f"{local:%H:%M} ngày {format_day(local.date())}"


def format_window(start: dt.date, end: dt.date) -> str:
    """Return a data window as documents write it: "từ 11/12/2023 đến 10/3/2024"."""
    return f"từ {format_day(start)} đến {format_day(end)}"


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


def _require_aware(moment: dt.datetime) -> None:
    """Refuse naive datetimes: every instant in the bot carries its zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware one")
