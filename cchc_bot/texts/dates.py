"""Date wording: weekdays, instants and data windows as Vietnamese documents write them."""

from __future__ import annotations

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
DAY_WITH_WEEKDAY = "{weekday}, {day}"
INSTANT = "{time} ngày {day}"
WINDOW = "từ {start} đến {end}"
