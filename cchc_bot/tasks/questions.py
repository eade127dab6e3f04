"""The report's "Nhiệm vụ được giao" section, generated from `tasks.yaml` for the engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cchc_bot.answers import Answer
from cchc_bot.config.questionnaire import Indicator, Questionnaire, Section
from cchc_bot.config.tasks import TaskConfig, TasksFile
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation.context import Condition, Tally
from cchc_bot.date_format import format_day
from cchc_bot.periods import ReportingPeriod
from cchc_bot.tasks.assignment import asked_in, cooperating_in, due_day, led_by
from cchc_bot.tasks.progress import TaskReport, TaskStatus, done_ids
from cchc_bot.texts import tasks as words

SECTION_CODE = "NV"
PREFIX = "nv_"
DOCUMENT, PERCENT, EXPLANATION, CONTRIBUTION = "_vb", "_pt", "_gt", "_ph"
COMPLETION_INDICATOR = "cddh_01"
"""The questionnaire's "tỷ lệ hoàn thành nhiệm vụ" ratio, computed where a unit has tasks."""

OPTION_STATUS: dict[str, TaskStatus] = dict(zip(words.STATUS_OPTIONS, TaskStatus, strict=True))
"""A status option as the engine stores it (`text_value`), and the status it means."""


def status_id(task_id: str) -> str:
    """The id of a task's status question."""
    return f"{PREFIX}{task_id}"


@dataclass(frozen=True)
class TaskQuestions:
    """The questionnaire with the task section, and how the engine asks its questions."""

    questionnaire: Questionnaire
    conditions: Mapping[str, Condition] = field(default_factory=dict)
    presets: Mapping[str, Answer] = field(default_factory=dict)
    tallies: Mapping[str, Tally] = field(default_factory=dict)


def task_questions(
    questionnaire: Questionnaire,
    tasks: TasksFile | None,
    units: Sequence[UnitConfig],
    unit: UnitConfig,
    periods: Sequence[ReportingPeriod],
    period: ReportingPeriod,
    reports: Sequence[TaskReport],
    *,
    cooperation: bool = False,
) -> TaskQuestions:
    """The task questions of a unit's report: what it leads and is due, done ones shown only."""
    if tasks is None or period.year != tasks.year:
        return TaskQuestions(questionnaire)
    labels = {item.code: item.name for item in units}
    done = done_ids(unit.code, period, reports)
    asked = asked_in(tasks, units, unit.code, periods, period, done)
    settled = [
        task
        for task in led_by(tasks, units, unit.code)
        if task.id in done and task.recurring is None
    ]
    indicators: list[Indicator] = []
    conditions: dict[str, Condition] = {}
    presets: dict[str, Answer] = {}
    for task in settled:
        indicators.append(_status(task, tasks.year, periods, period))
        when = _closed_in(task, unit.code, reports, periods)
        presets[status_id(task.id)] = Answer(text_value=words.DONE_EARLIER.format(period=when))
    for task in asked:
        due = _due_words(task, tasks.year, periods, period)
        indicators.extend(_asked(task, tasks.year, periods, period, due, conditions))
    if cooperation:
        for task in cooperating_in(tasks, units, unit.code, periods, period):
            lead = ", ".join(labels.get(code, code) for code in task.lead)
            indicators.append(_contribution(task, lead))
    tallies: dict[str, Tally] = {}
    led = led_by(tasks, units, unit.code)
    if led and any(ind.id == COMPLETION_INDICATOR for _, ind in questionnaire.indicators()):
        tallies[COMPLETION_INDICATOR] = Tally(
            sources=tuple(status_id(task.id) for task in asked if task.recurring is None),
            option=words.STATUS_DONE,
            settled=len(settled),
            total=len([task for task in led if task.recurring is None]),
        )
    if not indicators:
        return TaskQuestions(questionnaire, tallies=tallies)
    section = Section(code=SECTION_CODE, title=words.SECTION_TITLE, indicators=indicators)
    extended = questionnaire.model_copy(update={"sections": [*questionnaire.sections, section]})
    return TaskQuestions(extended, conditions, presets, tallies)


def _due_words(
    task: TaskConfig, year: int, periods: Sequence[ReportingPeriod], period: ReportingPeriod
) -> str:
    return format_day(due_day(task, year, periods, period))


def _status(
    task: TaskConfig, year: int, periods: Sequence[ReportingPeriod], period: ReportingPeriod
) -> Indicator:
    """A task's status question."""
    help_text = (
        words.STATUS_HELP_RECURRING.format(product=task.product)
        if task.recurring is not None
        else words.STATUS_HELP.format(
            product=task.product, due=_due_words(task, year, periods, period)
        )
    )
    return Indicator(
        id=status_id(task.id),
        label=words.STATUS_LABEL.format(title=task.title),
        help=help_text,
        type="choice",
        options=list(words.STATUS_OPTIONS),
    )


def _asked(
    task: TaskConfig,
    year: int,
    periods: Sequence[ReportingPeriod],
    period: ReportingPeriod,
    due: str,
    conditions: dict[str, Condition],
) -> list[Indicator]:
    """A task's status question and its follow-ups: document, percent, explanation."""
    source = status_id(task.id)
    recurring = task.recurring is not None
    follow_ups = [
        (
            Indicator(
                id=source + DOCUMENT,
                label=words.DOCUMENT_LABEL,
                help=words.DOCUMENT_HELP.format(title=task.title),
                type="text",
                min_length=5,
                max_length=300,
            ),
            {words.STATUS_DONE},
        ),
        (
            Indicator(
                id=source + PERCENT,
                label=words.PERCENT_LABEL.format(title=task.title),
                type="percent",
                min=0,
                max=100,
                decimals=0,
            ),
            {words.STATUS_IN_PROGRESS},
        ),
        (
            Indicator(
                id=source + EXPLANATION,
                label=words.EXPLANATION_LABEL.format(title=task.title),
                help=(
                    words.EXPLANATION_HELP_RECURRING
                    if recurring
                    else words.EXPLANATION_HELP.format(due=due)
                ),
                type="text",
                required=not recurring,
                min_length=10,
                max_length=1000,
            ),
            {words.STATUS_IN_PROGRESS, words.STATUS_NOT_STARTED},
        ),
    ]
    for indicator, options in follow_ups:
        conditions[indicator.id] = Condition(source, frozenset(options))
    return [_status(task, year, periods, period), *(indicator for indicator, _ in follow_ups)]


def _contribution(task: TaskConfig, lead: str) -> Indicator:
    """A cooperating unit's one-line contribution to a task (optional)."""
    return Indicator(
        id=status_id(task.id) + CONTRIBUTION,
        label=words.CONTRIBUTION_LABEL.format(title=task.title),
        help=words.CONTRIBUTION_HELP.format(lead=lead),
        type="text",
        required=False,
        max_length=300,
    )


def _closed_in(
    task: TaskConfig, unit: str, reports: Sequence[TaskReport], periods: Sequence[ReportingPeriod]
) -> str:
    """The label of the period whose report closed a task ("Quý I năm 2024")."""
    closing = sorted(
        (r for r in reports if r.task_id == task.id and r.unit == unit and r.closes),
        key=lambda report: report.period_end,
    )
    code = closing[0].period if closing else ""
    return next((period.label for period in periods if period.code == code), code)
