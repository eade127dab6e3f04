"""Task standings and rates in words, shared by `/tasks` and `cchc-bot tasks`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from cchc_bot.date_format import format_day
from cchc_bot.number_format import format_percent
from cchc_bot.tasks.progress import TaskReport, TaskStanding, TaskStatus
from cchc_bot.tasks.rates import TaskRates
from cchc_bot.texts import tasks as words


def rate_words(rates: TaskRates) -> str:
    """ "Tỷ lệ hoàn thành nhiệm vụ đúng hạn: 66,67%" (or that none is due)."""
    rate = rates.on_time_rate
    shown = words.NO_RATE if rate is None else format_percent(rate, 2)
    return words.LIST_RATE.format(rate=shown)


def counts_words(rates: TaskRates) -> str:
    """The counts of a set of standings in one line."""
    return words.LIST_RATES.format(
        due=rates.due,
        on_time=rates.done_on_time,
        late=rates.done_late,
        in_progress=rates.in_progress,
        not_started=rates.not_started,
        overdue=rates.overdue,
    )


def status_words(row: TaskStanding) -> str:
    """A standing's status, with the percent of work in progress."""
    text = words.STATUS_WORDS[row.status.value]
    report = row.report
    if row.status is TaskStatus.IN_PROGRESS and report is not None and report.percent is not None:
        text += words.DETAIL_PERCENT.format(percent=format_percent(report.percent, 0))
    return text


def line(row: TaskStanding, names: Mapping[str, str]) -> str:
    """One task's line: marker, title, lead agency, due day and status."""
    marker = (
        words.OVERDUE_MARKER
        if row.overdue
        else (words.DONE_MARKER if row.status is TaskStatus.DONE else words.OPEN_MARKER)
    )
    due = words.RECURRING_DUE if row.task.recurring is not None else format_day(row.due)
    return words.LIST_LINE.format(
        marker=marker,
        title=row.task.title,
        lead=names.get(row.unit, row.unit),
        due=due,
        status=status_words(row),
    )


def history_line(report: TaskReport, names: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """What one report said of a task."""
    details = ""
    if report.document_number:
        document = report.document_number
        if report.completed_on is not None:
            document += f" ({format_day(report.completed_on)})"
        details += words.DETAIL_DOCUMENT.format(document=document)
    if report.percent is not None:
        details += words.DETAIL_PERCENT.format(percent=format_percent(report.percent, 0))
    if report.explanation:
        details += words.DETAIL_EXPLANATION.format(explanation=report.explanation)
    if report.reopened:
        details += words.DETAIL_REOPENED
    return words.HISTORY_LINE.format(
        period=labels.get(report.period, report.period),
        unit=names.get(report.unit, report.unit),
        status=words.STATUS_WORDS[report.status.value],
        details=details,
    )


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def rates_json(rates: TaskRates) -> dict[str, Any]:
    """Rates as JSON: the counts and the on-time rate in percent (null when none is due)."""
    return {
        "due": rates.due,
        "done_on_time": rates.done_on_time,
        "done_late": rates.done_late,
        "in_progress": rates.in_progress,
        "not_started": rates.not_started,
        "overdue": rates.overdue,
        "on_time_rate": None if rates.on_time_rate is None else round(rates.on_time_rate, 2),
    }


def standing_json(row: TaskStanding, names: Mapping[str, str]) -> dict[str, Any]:
    """One standing as JSON."""
    report = row.report
    return {
        "id": row.task.id,
        "title": row.task.title,
        "area": row.task.area,
        "lead": row.unit,
        "lead_name": names.get(row.unit, row.unit),
        "due": row.due.isoformat(),
        "recurring": row.task.recurring is not None,
        "product": row.task.product,
        "status": row.status.value,
        "overdue": row.overdue,
        "late": row.late,
        "counted": row.counted,
        "completed_on": _day(row.completed_on),
        "document": report.document_number if report is not None else None,
        "percent": report.percent if report is not None else None,
        "explanation": report.explanation if report is not None else None,
        "period": report.period if report is not None else None,
    }
