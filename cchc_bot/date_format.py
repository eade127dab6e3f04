"""Days and instants as Vietnamese documents write them: 11/3/2024, "thứ Hai", "23:59 ngày ..."."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cchc_bot.periods import require_aware

_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


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
    require_aware(moment)
    local = moment.astimezone(tz) if tz is not None else moment
    return f"{local:%H:%M} ngày {format_day(local.date())}"


def format_window(start: dt.date, end: dt.date) -> str:
    """Return a data window as documents write it: "từ 11/12/2023 đến 10/3/2024"."""
    return f"từ {format_day(start)} đến {format_day(end)}"
