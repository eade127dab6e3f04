"""The `schedule.yaml` model: period rules, submission window, reminders, office hours, holidays."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from cchc_bot.config.base import StrictModel

PERIOD_KIND_PATTERN = r"^[A-Z][A-Z0-9]{0,3}$"


class DayRule(StrictModel):
    """A day of a period's year: `{month: 3, day: 10}`, `year_offset: -1` for the year before."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year_offset: int = Field(default=0, ge=-1, le=0)

    def on(self, year: int) -> dt.date:
        """Return the day for a reporting year (the 29th of February falls back to the 28th)."""
        target_year = year + self.year_offset
        try:
            return dt.date(target_year, self.month, self.day)
        except ValueError:
            if self.month == 2 and self.day == 29:
                return dt.date(target_year, 2, 28)
            raise


class PeriodRule(StrictModel):
    """How one kind of period (Q1, H1, Q3, Y) is derived for any year."""

    code: str = Field(pattern=PERIOD_KIND_PATTERN)
    label: str = Field(min_length=1)
    window_start: DayRule
    window_end: DayRule
    deadline: DayRule
    cumulative: bool = False


class YearRange(StrictModel):
    """The reporting years the bot opens periods for."""

    first: int = Field(ge=2000, le=2100)
    last: int | None = Field(default=None, ge=2000, le=2100)


class SubmissionPolicy(StrictModel):
    """When a period opens for submission and how long late reports are accepted."""

    opens_days_before_window_end: int = Field(default=15, ge=0, le=120)
    late_days: int = Field(default=30, ge=0, le=366)
    staff_may_submit: bool = True


class DeadlinePolicy(StrictModel):
    """What happens when a deadline day is not a working day."""

    on_non_working_day: Literal["keep", "next_working_day", "previous_working_day"] = "keep"


class OfficeHours(StrictModel):
    """When the office is open: reminders are sent only inside these hours."""

    start: dt.time = dt.time(7, 0)
    end: dt.time = dt.time(17, 0)


class ReminderRule(StrictModel):
    """One reminder relative to a period's opening, window end or deadline, in working days."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=30)
    anchor: Literal["opens", "window_end", "deadline"]
    working_days: int = Field(default=0, ge=-30, le=30)
    time: dt.time | None = None
    overdue: bool = False


class ReminderPolicy(StrictModel):
    """The reminder schedule and how the sender behaves."""

    time: dt.time = dt.time(8, 0)
    tick_seconds: int = Field(default=60, ge=5, le=3600)
    grace_hours: float = Field(default=12, ge=0, le=168)
    max_attempts: int = Field(default=5, ge=1, le=50)
    manual_nudge_hours: float = Field(default=4, ge=0, le=168)
    digest_time: dt.time = dt.time(8, 30)
    # A task of tasks.yaml due within this many days, not done, earns its lead's head one
    # reminder (on a working day, in office hours).
    task_days_before: int = Field(default=7, ge=0, le=60)
    schedule: list[ReminderRule] = Field(default_factory=list)


class HolidayEntry(StrictModel):
    """A day added to or changed in the official holiday calendar by the operator."""

    date: dt.date
    name: str = ""


class HolidayPolicy(StrictModel):
    """Vietnamese public holidays from the `holidays` package plus the operator's overrides."""

    country: str = Field(default="VN", pattern=r"^[A-Z]{2}$")
    extra: list[HolidayEntry] = Field(default_factory=list)
    not_holidays: list[dt.date] = Field(default_factory=list)
    make_up_working_days: list[HolidayEntry] = Field(default_factory=list)


class Schedule(StrictModel):
    """The whole `schedule.yaml` file."""

    years: YearRange
    periods: list[PeriodRule] = Field(min_length=1)
    submission: SubmissionPolicy = SubmissionPolicy()
    deadline: DeadlinePolicy = DeadlinePolicy()
    office_hours: OfficeHours = OfficeHours()
    reminders: ReminderPolicy = ReminderPolicy()
    holidays: HolidayPolicy = HolidayPolicy()

    def period_rule(self, kind: str) -> PeriodRule:
        """Return the rule of a period kind; KeyError when it is unknown."""
        for rule in self.periods:
            if rule.code == kind:
                return rule
        raise KeyError(kind)
