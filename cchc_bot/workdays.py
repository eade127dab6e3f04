"""Working days of the civil service: weekends, public holidays and the operator's overrides."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

from cchc_bot.config.schedule import HolidayEntry, HolidayPolicy

WEEKEND = frozenset({5, 6})
"""Saturday and Sunday (`date.weekday()` numbers)."""

DAY_OFF_NAME = "Ngày nghỉ"
"""The name shown for an operator's extra day off that was given no name."""

_HOLIDAY_LANGUAGE = "vi"


@dataclass(frozen=True, slots=True)
class _Year:
    """One calendar year, precomputed: sorted working-day ordinals and the names of days off."""

    working: tuple[int, ...]
    working_set: frozenset[int]
    days_off: dict[dt.date, str]


class WorkCalendar:
    """Which days are worked: Monday-Friday minus public holidays, plus make-up Saturdays.

    Precedence, strongest first: the operator's `make_up_working_days` are worked; days off
    (the `holidays` calendar, plus `extra`, minus `not_holidays`) are not; the make-up
    Saturdays the `holidays` package knows for its own substituted days off are worked;
    otherwise Saturday and Sunday are not and every other day is. Years are computed
    lazily and cached, so every query after the first in a year is a set lookup or a bisect.
    """

    def __init__(self, policy: HolidayPolicy | None = None) -> None:
        """Build a calendar for a holiday policy (the default: plain Vietnamese holidays)."""
        self._policy = policy if policy is not None else HolidayPolicy()
        self._years: dict[int, _Year] = {}

    @classmethod
    def for_policy(cls, policy: HolidayPolicy) -> WorkCalendar:
        """Return a shared calendar for a policy, so its cached years are reused across calls."""
        return _shared_calendar(policy.model_dump_json())

    @property
    def policy(self) -> HolidayPolicy:
        """The holiday policy this calendar applies."""
        return self._policy

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether the office works on that day."""
        return day.toordinal() in self._year(day.year).working_set

    def holiday_name(self, day: dt.date) -> str | None:
        """Return the name of the holiday on that day; None on working days and plain weekends."""
        return self._year(day.year).days_off.get(day)

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """Return the n-th working day after `day` (before it when n < 0); `day` itself when n == 0.

        `day` never counts as one of the n, so from a Saturday `+1` is Monday and `-1` is
        Friday. With n == 0 the day is returned unchanged even when it is not a working day
        (adding nothing moves nothing); use `working_day_on_or_after` or
        `working_day_on_or_before` to roll a day onto a working day.
        """
        if n > 0:
            return self._forward(day, n)
        if n < 0:
            return self._backward(day, -n)
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return the first working day strictly after `day`."""
        return self._forward(day, 1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """Return the last working day strictly before `day`."""
        return self._backward(day, 1)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """Return `day` when it is worked, else the next working day."""
        return day if self.is_working_day(day) else self._forward(day, 1)

    def working_day_on_or_before(self, day: dt.date) -> dt.date:
        """Return `day` when it is worked, else the previous working day."""
        return day if self.is_working_day(day) else self._backward(day, 1)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Return the signed number of working-day steps from `a` to `b`.

        For a <= b it is the number of working days in (a, b]; for b < a it is minus the
        number in [b, a). So `working_days_between(d, add_working_days(d, n)) == n` for every
        d and n, and `add_working_days(a, working_days_between(a, b)) == b` whenever b is a
        working day.
        """
        if a <= b:
            return self._count(a.toordinal(), b.toordinal())
        return -self._count(b.toordinal() - 1, a.toordinal() - 1)

    def _count(self, after: int, upto: int) -> int:
        """Count the working days whose ordinal is in (after, upto]."""
        if upto <= after:
            return 0
        total = 0
        for year in range(dt.date.fromordinal(after + 1).year, dt.date.fromordinal(upto).year + 1):
            working = self._year(year).working
            total += bisect.bisect_right(working, upto) - bisect.bisect_right(working, after)
        return total

    def _forward(self, day: dt.date, n: int) -> dt.date:
        """Return the n-th (n >= 1) working day strictly after `day`."""
        year, after = day.year, day.toordinal()
        while True:
            working = self._year(year).working
            index = bisect.bisect_right(working, after) + n - 1
            if index < len(working):
                return dt.date.fromordinal(working[index])
            n -= len(working) - bisect.bisect_right(working, after)
            year += 1
            if year > dt.MAXYEAR:
                raise OverflowError(f"no working day {n} days after {day.isoformat()}")

    def _backward(self, day: dt.date, n: int) -> dt.date:
        """Return the n-th (n >= 1) working day strictly before `day`."""
        year, before = day.year, day.toordinal()
        while True:
            working = self._year(year).working
            earlier = bisect.bisect_left(working, before)
            if earlier - n >= 0:
                return dt.date.fromordinal(working[earlier - n])
            n -= earlier
            year -= 1
            if year < dt.MINYEAR:
                raise OverflowError(f"no working day {n} days before {day.isoformat()}")

    def _year(self, year: int) -> _Year:
        """Return the cached data of one calendar year, computing it on first use."""
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._compute_year(year)
        return cached

    def _compute_year(self, year: int) -> _Year:
        """Apply the official calendar and the operator's overrides to every day of a year."""
        official = _official_holidays(self._policy.country, year)
        days_off: dict[dt.date, str] = {day: str(name) for day, name in official.items()}
        official_make_up = {
            day for day in getattr(official, "weekend_workdays", ()) if day.year == year
        }
        for entry in _in_year(self._policy.extra, year):
            days_off[entry.date] = entry.name or days_off.get(entry.date) or DAY_OFF_NAME
        for day in self._policy.not_holidays:
            days_off.pop(day, None)
        make_up = {entry.date for entry in _in_year(self._policy.make_up_working_days, year)}

        working: list[int] = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            if day in make_up:
                worked = True
            elif day in days_off:
                worked = False
            else:
                worked = day in official_make_up or day.weekday() not in WEEKEND
            if worked:
                working.append(day.toordinal())
            day += dt.timedelta(days=1)
        for day in make_up:
            days_off.pop(day, None)
        return _Year(working=tuple(working), working_set=frozenset(working), days_off=days_off)


def _in_year(entries: Iterable[HolidayEntry], year: int) -> list[HolidayEntry]:
    """Return the entries dated in a year."""
    return [entry for entry in entries if entry.date.year == year]


def _official_holidays(country: str, year: int) -> holidays.HolidayBase:
    """Return the `holidays` calendar of a country for one year, with Vietnamese names if known."""
    try:
        # A language the country does not offer falls back to its default one.
        return holidays.country_holidays(country, years=year, language=_HOLIDAY_LANGUAGE)
    except NotImplementedError as exc:
        raise ValueError(f"the holidays package has no calendar for country {country!r}") from exc


@functools.lru_cache(maxsize=32)
def _shared_calendar(policy_json: str) -> WorkCalendar:
    """Return one calendar per distinct policy (keyed by its JSON, as the model is unhashable)."""
    return WorkCalendar(HolidayPolicy.model_validate_json(policy_json))
