"""The plan annex's tasks in the district report: counts, then tasks done, late, not started."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cchc_bot.date_format import format_day
from cchc_bot.documents.sentences import collapse
from cchc_bot.number_format import format_percent
from cchc_bot.tasks.listing import status_words
from cchc_bot.tasks.progress import TaskStanding, TaskStatus
from cchc_bot.tasks.rates import TaskSummary
from cchc_bot.texts import report_tasks as words


def counts_line(summary: TaskSummary) -> str:
    """The district's task counts and on-time rate in one sentence."""
    rates = summary.district
    if rates.due == 0:
        return words.TASKS_NONE_DUE
    rate = rates.on_time_rate
    return words.TASKS_COUNTS.format(
        due=rates.due,
        on_time=rates.done_on_time,
        late=rates.done_late,
        in_progress=rates.in_progress,
        not_started=rates.not_started,
        overdue=rates.overdue,
        rate=words.NO_RATE if rate is None else format_percent(rate, 2),
    )


def lead_words(row: TaskStanding, names: dict[str, str]) -> str:
    """One lead agency on a task: its name, and how late or why not done."""
    name = names.get(row.unit, row.unit)
    if row.status is TaskStatus.DONE:
        done = row.completed_on
        return (
            words.LEAD_DONE_LATE.format(name=name, day=format_day(done))
            if row.late and done
            else name
        )
    status = status_words(row).lower()
    explanation = collapse(row.report.explanation or "") if row.report is not None else ""
    if explanation:
        return words.LEAD_EXPLAINED.format(name=name, status=status, explanation=explanation)
    return words.LEAD_STATUS.format(name=name, status=status)


def task_lines(rows: Sequence[TaskStanding], names: dict[str, str]) -> list[str]:
    """One line per task (annex order), its lead agencies in the bucket listed."""
    by_task: dict[str, list[TaskStanding]] = {}
    for row in rows:
        by_task.setdefault(row.task.id, []).append(row)
    lines = []
    for own in by_task.values():
        task = own[0].task
        due = words.RECURRING_DUE if task.recurring is not None else format_day(own[0].due)
        leads = ", ".join(lead_words(row, names) for row in own)
        lines.append(words.TASK_LINE.format(title=task.title, due=due, leads=leads))
    return lines


BUCKETS: tuple[tuple[str, Callable[[TaskStanding], bool]], ...] = (
    (words.BUCKET_DONE, lambda row: row.status is TaskStatus.DONE),
    (words.BUCKET_LATE, lambda row: row.overdue),
    (
        words.BUCKET_NOT_STARTED,
        lambda row: row.status is TaskStatus.NOT_STARTED and not row.overdue,
    ),
)


def task_section(summary: TaskSummary) -> list[tuple[str, list[str]]]:
    """The tasks that count at the period's day, by bucket: (title, lines), empty ones left out."""
    counted = [row for row in summary.rows if row.counted]  # overdue first, as in /tasks
    parts = []
    for title, wanted in BUCKETS:
        rows = [row for row in counted if wanted(row)]
        if rows:
            parts.append((title, task_lines(rows, summary.unit_names)))
    return parts
