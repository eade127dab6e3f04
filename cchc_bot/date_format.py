"""Days and instants as Vietnamese documents write them: 11/3/2024, "thứ Hai", "23:59 ngày ..."."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cchc_bot.periods import require_aware
from cchc_bot.texts import dates as words


def format_day(day: dt.date) -> str:
    """Return a day as Vietnamese documents write it: 11/3/2024 (d/m/yyyy, no zero padding)."""
    return f"{day.day}/{day.month}/{day.year}"


def format_weekday(day: dt.date) -> str:
    """Return the Vietnamese weekday name: "thứ Hai" ... "Chủ nhật"."""
    return words.WEEKDAYS[day.weekday()]


def format_day_with_weekday(day: dt.date) -> str:
    """Return "thứ Hai, 11/3/2024"."""
    return words.DAY_WITH_WEEKDAY.format(weekday=format_weekday(day), day=format_day(day))


def format_datetime(moment: dt.datetime, tz: ZoneInfo | None = None) -> str:
    """Return "23:59 ngày 11/3/2024", in `tz` when given, else in the instant's own zone."""
    require_aware(moment)
    local = moment.astimezone(tz) if tz is not None else moment
    return words.INSTANT.format(time=f"{local:%H:%M}", day=format_day(local.date()))


def format_window(start: dt.date, end: dt.date) -> str:
    """Return a data window as documents write it: "từ 11/12/2023 đến 10/3/2024"."""
    return words.WINDOW.format(start=format_day(start), end=format_day(end))
