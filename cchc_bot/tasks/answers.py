"""A report's task answers read back as task progress: status, document, date, percent."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from cchc_bot.answers import Answer
from cchc_bot.config.tasks import TasksFile
from cchc_bot.tasks.progress import TaskStatus
from cchc_bot.tasks.questions import (
    CONTRIBUTION,
    DOCUMENT,
    EXPLANATION,
    OPTION_STATUS,
    PERCENT,
    status_id,
)

_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_WORDED_DAY = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_TAIL = re.compile(r"[\s,;]*(ngày|ng\.)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class TaskAnswer:
    """What one report says of one task."""

    task_id: str
    status: TaskStatus | None
    completed_on: dt.date | None = None
    document_number: str | None = None
    document_date: dt.date | None = None
    percent: Decimal | None = None
    explanation: str | None = None
    contribution: str | None = None


def document_parts(text: str) -> tuple[str, dt.date | None]:
    """Split "15/KH-UBND ngày 05/3/2024" into the số, ký hiệu and the day (last one written)."""
    found: list[tuple[int, dt.date]] = []
    for pattern in (_WORDED_DAY, _DAY):
        for match in pattern.finditer(text):
            day_of_month, month, year = (int(part) for part in match.groups())
            try:
                found.append((match.start(), dt.date(year, month, day_of_month)))
            except ValueError:
                continue
    if not found:
        return text.strip(), None
    start, written = max(found)
    number = _DATE_TAIL.sub("", text[:start]).strip(" ,;") or text.strip()
    return number, written


def task_answers(answers: Mapping[str, Answer], tasks: TasksFile) -> list[TaskAnswer]:
    """The tasks a report answered itself (tasks settled earlier carry no option and are left)."""
    result: list[TaskAnswer] = []
    for task in tasks.tasks:
        ident = status_id(task.id)
        status_answer = answers.get(ident)
        contribution = _text(answers.get(ident + CONTRIBUTION))
        status = (
            OPTION_STATUS.get(status_answer.text_value or "")
            if status_answer is not None and status_answer.value is not None
            else None
        )
        if status is None and contribution is None:
            continue
        number, day = None, None
        document = _text(answers.get(ident + DOCUMENT))
        if status is TaskStatus.DONE and document is not None:
            number, day = document_parts(document)
        percent_answer = answers.get(ident + PERCENT)
        result.append(
            TaskAnswer(
                task_id=task.id,
                status=status,
                completed_on=day,
                document_number=number,
                document_date=day,
                percent=(
                    percent_answer.value
                    if status is TaskStatus.IN_PROGRESS and percent_answer is not None
                    else None
                ),
                explanation=(
                    _text(answers.get(ident + EXPLANATION))
                    if status in (TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED)
                    else None
                ),
                contribution=contribution,
            )
        )
    return result


def _text(answer: Answer | None) -> str | None:
    if answer is None or not answer.is_answered or not answer.text_value:
        return None
    return answer.text_value
