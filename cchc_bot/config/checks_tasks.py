"""Cross-checks of `tasks.yaml`: unique ids, units, areas, indicators and due dates that exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from cchc_bot.config.documents import Document, report_duplicates, valid_entries, validate_or_none
from cchc_bot.config.issues import QUESTIONNAIRE_FILE, SCHEDULE_FILE, UNITS_FILE, Loc
from cchc_bot.config.tasks import TaskConfig, TasksFile
from cchc_bot.config.units import GroupConfig, UnitConfig


@dataclass(frozen=True)
class TaskContext:
    """What the other files define (None: that file did not validate, so skip its checks)."""

    units: list[UnitConfig] | None
    groups: list[GroupConfig] | None
    areas: list[str] | None
    indicators: list[str] | None
    period_kinds: list[str] | None


def check_tasks(document: Document, context: TaskContext) -> None:
    """Check ids, lead and cooperating units, areas, indicators and due dates of every task."""
    report_duplicates(document, ("tasks",), "id", "task id")
    head = validate_or_none(TasksFile, {"year": document.raw(("year",))})
    year = head.year if head is not None else None
    for loc, task in valid_entries(TaskConfig, document, ("tasks",)):
        _check_units(document, loc, task, context)
        if context.areas is not None and task.area not in context.areas:
            document.report(
                (*loc, "area"),
                _unknown(
                    f"unknown area '{task.area}'", task.area, context.areas, QUESTIONNAIRE_FILE
                ),
            )
        if (
            context.indicators is not None
            and task.indicator is not None
            and task.indicator not in context.indicators
        ):
            document.report(
                (*loc, "indicator"),
                _unknown(
                    f"unknown indicator '{task.indicator}'",
                    task.indicator,
                    context.indicators,
                    QUESTIONNAIRE_FILE,
                ),
            )
        _check_due(document, loc, task, year, context.period_kinds)


def _check_units(document: Document, loc: Loc, task: TaskConfig, context: TaskContext) -> None:
    """Every lead and cooperating code must be a unit or a group of `units.yaml`."""
    if context.units is None:
        return
    groups = {group.code for group in context.groups or []} | {
        unit.group_code for unit in context.units
    }
    known = [unit.code for unit in context.units] + sorted(groups)
    for field in ("lead", "cooperate"):
        for index, code in enumerate(getattr(task, field)):
            if code not in known:
                document.report(
                    (*loc, field, index),
                    _unknown(f"unknown unit or group '{code}'", code, known, UNITS_FILE),
                )
    both = sorted(set(task.lead) & set(task.cooperate))
    if both:
        document.report(
            (*loc, "cooperate"),
            f"{', '.join(both)} cannot both lead and cooperate on the same task",
        )


def _check_due(
    document: Document, loc: Loc, task: TaskConfig, year: int | None, kinds: list[str] | None
) -> None:
    """A due day lies in the file's year; a due period kind exists in `schedule.yaml`."""
    day, kind = task.due_day, task.due_kind
    if day is not None and year is not None and day.year != year:
        document.report(
            (*loc, "due"), f"due date {day.isoformat()} is outside the year {year} of this file"
        )
    if kind is not None and kinds is not None and kind not in kinds:
        document.report(
            (*loc, "due"),
            f"unknown period '{kind}'; {SCHEDULE_FILE} defines: {', '.join(kinds) or 'none'}",
        )


def _unknown(message: str, value: str, known: Iterable[str], file: str) -> str:
    """An 'unknown X' message with the closest known value, else the list of known ones."""
    options = list(known)
    close = difflib.get_close_matches(value, options, n=1)
    if close:
        return f"{message}; did you mean '{close[0]}'?"
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    return f"{message}; {file} defines: {shown or 'none'}"
