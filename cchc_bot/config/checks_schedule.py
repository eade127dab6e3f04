"""Cross-checks of `schedule.yaml`: unique codes, days that exist and come in order."""

from __future__ import annotations

from cchc_bot.config.documents import (
    Document,
    report_duplicates,
    valid_entries,
    validate_or_none,
)
from cchc_bot.config.issues import Loc
from cchc_bot.config.schedule import DayRule, OfficeHours, PeriodRule, YearRange

SAMPLE_YEARS = (2023, 2024)
"""Years a period's days are checked in: a common year and a leap year."""


def check_schedule(document: Document) -> list[str] | None:
    """Check periods, reminders, office hours and years; return the period kinds defined."""
    report_duplicates(document, ("periods",), "code", "period code")
    report_duplicates(document, ("reminders", "schedule"), "kind", "reminder kind")
    for loc, period in valid_entries(PeriodRule, document, ("periods",)):
        _check_period_days(document, loc, period)

    hours = validate_or_none(OfficeHours, document.raw(("office_hours",)) or {})
    if hours is not None and hours.start >= hours.end:
        document.report(
            ("office_hours", "start"),
            f"office hours must start ({hours.start:%H:%M}) before they end ({hours.end:%H:%M})",
        )
    years = validate_or_none(YearRange, document.raw(("years",)))
    if years is not None and years.last is not None and years.last < years.first:
        document.report(
            ("years", "last"), f"last year {years.last} is before first year {years.first}"
        )

    if not isinstance(document.raw(("periods",)), list):
        return None
    codes = [
        entry["code"]
        for entry in document.raw_list(("periods",))
        if isinstance(entry, dict) and isinstance(entry.get("code"), str)
    ]
    return list(dict.fromkeys(codes))


def _check_period_days(document: Document, loc: Loc, period: PeriodRule) -> None:
    """Check a period's days exist and come in order: window start ≤ window end ≤ deadline."""
    names = ("window_start", "window_end", "deadline")
    rules: dict[str, DayRule] = {
        "window_start": period.window_start,
        "window_end": period.window_end,
        "deadline": period.deadline,
    }
    for name in names:
        rule = rules[name]
        try:
            for year in SAMPLE_YEARS:
                rule.on(year)
        except ValueError:
            document.report((*loc, name), f"{rule.day}/{rule.month} is not a day of the year")
            return
    for year in SAMPLE_YEARS:
        start, end, deadline = (rules[name].on(year) for name in names)
        if start > end:
            document.report(
                (*loc, "window_start"),
                f"the data window starts after it ends ({start:%d/%m/%Y} > {end:%d/%m/%Y} "
                f"for {year})",
            )
            return
        if end > deadline:
            document.report(
                (*loc, "window_end"),
                f"the data window ends after the deadline ({end:%d/%m/%Y} > "
                f"{deadline:%d/%m/%Y} for {year})",
            )
            return
