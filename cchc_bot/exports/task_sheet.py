"""The export's "Nhiệm vụ" sheet and the per-agency task rates shown on "Tổng hợp"."""

from __future__ import annotations

from decimal import Decimal

from cchc_bot.date_format import format_day
from cchc_bot.exports.cells import Cell, Row, Style
from cchc_bot.tasks.progress import TaskStatus
from cchc_bot.tasks.rates import TaskRates, TaskSummary
from cchc_bot.texts import tasks as words

DONE = TaskStatus.DONE
TASK_CAPS = (18, 60, 8, 30, 12, 16, 14, 30, 10, 60)
"""Column width caps of the "Nhiệm vụ" sheet, in the order of its headers."""


def task_rows(summary: TaskSummary) -> list[Row]:
    """One row per lead agency and task, overdue first."""
    rows: list[Row] = []
    for row in summary.rows:
        report = row.report
        completed = row.completed_on
        due = words.RECURRING_DUE if row.task.recurring is not None else format_day(row.due)
        percent = (
            Cell(Decimal(str(report.percent)), Style.COUNT)
            if report is not None and report.percent is not None and row.status is not DONE
            else Cell(None)
        )
        rows.append(
            [
                Cell(row.task.id),
                Cell(row.task.title, Style.WRAP),
                Cell(row.task.area),
                Cell(summary.unit_names.get(row.unit, row.unit), Style.WRAP),
                Cell(due),
                Cell(words.STATUS_WORDS[row.status.value]),
                Cell(format_day(completed) if completed is not None else None),
                Cell(report.document_number if report is not None else None, Style.WRAP),
                percent,
                Cell(report.explanation if report is not None else None, Style.WRAP),
            ]
        )
    return rows


def rate_rows(summary: TaskSummary) -> list[Row]:
    """The rates block of "Tổng hợp": a title, headers, one row per agency, the district."""
    rows: list[Row] = [
        [Cell(words.RATES_TITLE, Style.SECTION)],
        [Cell(text, Style.HEADER) for text in words.RATES_HEADERS],
    ]
    for unit, rates in summary.agencies.items():
        rows.append(_rates_row(summary.unit_names.get(unit, unit), rates, Style.TEXT))
    rows.append(_rates_row(words.RATES_DISTRICT, summary.district, Style.LABEL))
    return rows


def _rates_row(name: str, rates: TaskRates, style: Style) -> Row:
    rate = rates.on_time_rate
    return [
        Cell(name, style),
        Cell(rates.due, Style.COUNT),
        Cell(rates.done_on_time, Style.COUNT),
        Cell(rates.done_late, Style.COUNT),
        Cell(rates.in_progress, Style.COUNT),
        Cell(rates.not_started, Style.COUNT),
        Cell(rates.overdue, Style.COUNT),
        Cell(Decimal(str(round(rate, 2))), Style.PERCENT) if rate is not None else Cell(None),
    ]
