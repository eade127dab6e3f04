"""A reporting period as a value: its code, label, data window, deadline and open interval."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERIOD_CODE_PATTERN = re.compile(r"^(?P<year>\d{4})-(?P<kind>[A-Z][A-Z0-9]{0,3})$")

END_OF_DAY = dt.time(23, 59, 59)
"""The last instant of a day as shown and stored: deadlines and closing times end here."""

_ONE_SECOND = dt.timedelta(seconds=1)
_ROMAN_OR_NUMBER = re.compile(r"^(?:[IVXLC]+|\d+)$")


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
        require_aware(now)
        return self.opens_at <= now < self.closes_at + _ONE_SECOND

    def is_late(self, at: dt.datetime) -> bool:
        """Return whether a submission at `at` is late, i.e. made after the due day ended."""
        require_aware(at)
        return at >= self.deadline + _ONE_SECOND

    def days_left(self, now: dt.datetime) -> int:
        """Return the calendar days from `now`'s day to the due day: 0 on it, negative after it."""
        require_aware(now)
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


def require_aware(moment: dt.datetime) -> None:
    """Refuse naive datetimes: every instant in the bot carries its zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass an aware one")
