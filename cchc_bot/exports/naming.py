"""Export file names: `CCHC_2024-Q1_TranDe_20240312.xlsx`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from cchc_bot.periods import ReportingPeriod

FILE_PREFIX = "CCHC"
XLSX_EXTENSION = ".xlsx"
CSV_EXTENSION = ".csv"
_DISTRICT_PREFIXES = ("huyện", "thị xã", "thành phố", "quận", "tp.")
_NOT_FILE_SAFE = re.compile(r"[^A-Za-z0-9]+")


def export_filename(
    period: ReportingPeriod,
    generated_at: dt.datetime,
    *,
    place: str,
    extension: str = XLSX_EXTENSION,
) -> str:
    """The export's file name: `CCHC_2024-Q1_TranDe_20240312.xlsx` (day in the period's zone)."""
    local = generated_at.astimezone(period.deadline.tzinfo)
    return f"{FILE_PREFIX}_{period.code}_{district_slug(place)}_{local:%Y%m%d}{extension}"


def district_slug(district: str) -> str:
    """The district's name for file names: "Huyện Trần Đề" -> "TranDe"."""
    name = district.strip()
    for prefix in _DISTRICT_PREFIXES:
        if name.casefold().startswith(prefix + " "):
            name = name[len(prefix) + 1 :]
            break
    ascii_name = "".join(
        char
        for char in unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(char)
    )
    words = [word for word in _NOT_FILE_SAFE.split(ascii_name) if word]
    return "".join(word[0].upper() + word[1:] for word in words) or "District"
