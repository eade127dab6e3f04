"""Load and validate the three YAML files; every problem names file, entry and field."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from cchc_bot.config.checks_questionnaire import QuestionnaireChecker
from cchc_bot.config.checks_schedule import SAMPLE_YEARS, check_schedule
from cchc_bot.config.checks_tasks import TaskContext, check_tasks
from cchc_bot.config.checks_units import CheckedUnits, check_units
from cchc_bot.config.documents import Document, read_document
from cchc_bot.config.issues import (
    CONFIG_FILES,
    FILE_ENTRY,
    QUESTIONNAIRE_FILE,
    SCHEDULE_FILE,
    TASKS_FILE,
    TOP_LEVEL_ENTRY,
    UNITS_FILE,
    ConfigIssue,
    ConfigurationError,
    pydantic_message,
)
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.schedule import Schedule
from cchc_bot.config.targets import yaml_path
from cchc_bot.config.tasks import TasksFile
from cchc_bot.config.units import UnitsFile

__all__ = [
    "CONFIG_FILES",
    "FILE_ENTRY",
    "QUESTIONNAIRE_FILE",
    "SAMPLE_YEARS",
    "SCHEDULE_FILE",
    "TASKS_FILE",
    "TOP_LEVEL_ENTRY",
    "UNITS_FILE",
    "ConfigIssue",
    "Configuration",
    "ConfigurationError",
    "check_configuration",
    "load_configuration",
]

_ROOT_MODELS: dict[str, type[BaseModel]] = {
    UNITS_FILE: UnitsFile,
    QUESTIONNAIRE_FILE: Questionnaire,
    SCHEDULE_FILE: Schedule,
    TASKS_FILE: TasksFile,
}


@dataclass(frozen=True)
class Configuration:
    """The three validated files of one configuration folder (and the optional tasks file)."""

    directory: Path
    units: UnitsFile
    questionnaire: Questionnaire
    schedule: Schedule
    tasks: TasksFile | None = None


def load_configuration(directory: Path) -> Configuration:
    """Read and validate a configuration folder; raise ConfigurationError listing every issue."""
    issues, configuration = _check(Path(directory))
    if issues or configuration is None:
        raise ConfigurationError(issues)
    return configuration


def check_configuration(directory: Path) -> list[ConfigIssue]:
    """Return every problem of a configuration folder, in file and line order (empty when fine)."""
    return _check(Path(directory))[0]


def _check(directory: Path) -> tuple[list[ConfigIssue], Configuration | None]:
    issues: list[ConfigIssue] = []
    documents: dict[str, Document] = {}
    models: dict[str, BaseModel] = {}
    optional = (TASKS_FILE,) if (directory / TASKS_FILE).is_file() else ()
    for file in (*CONFIG_FILES, *optional):
        document = read_document(directory, file, issues)
        if document is None:
            continue
        documents[file] = document
        try:
            models[file] = _ROOT_MODELS[file].model_validate(document.data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = yaml_path(tuple(error["loc"]))  # a target's form tags are no YAML keys
                error["loc"] = loc
                document.report(loc, pydantic_message(error, _ROOT_MODELS[file]))

    units = documents.get(UNITS_FILE)
    schedule = documents.get(SCHEDULE_FILE)
    questionnaire = documents.get(QUESTIONNAIRE_FILE)
    checked = check_units(units) if units is not None else None
    period_kinds = check_schedule(schedule) if schedule is not None else None
    if questionnaire is not None:
        QuestionnaireChecker(
            questionnaire,
            period_kinds,
            checked.units if checked is not None else None,
            checked.groups if checked is not None else None,
            checked.kinds if checked is not None else None,
        ).run()
    tasks = documents.get(TASKS_FILE)
    if tasks is not None:
        check_tasks(tasks, _task_context(checked, period_kinds, models.get(QUESTIONNAIRE_FILE)))

    for document in documents.values():
        issues.extend(document.issues)
    order = {file: index for index, file in enumerate(CONFIG_FILES)}
    issues.sort(key=lambda issue: (order.get(issue.file, 99), issue.line or 0))
    if issues:
        return issues, None
    configuration = Configuration(
        directory=directory,
        units=typing.cast(UnitsFile, models[UNITS_FILE]),
        questionnaire=typing.cast(Questionnaire, models[QUESTIONNAIRE_FILE]),
        schedule=typing.cast(Schedule, models[SCHEDULE_FILE]),
        tasks=typing.cast(TasksFile, models[TASKS_FILE]) if TASKS_FILE in models else None,
    )
    return [], configuration


def _task_context(
    checked: CheckedUnits | None, period_kinds: list[str] | None, questionnaire: BaseModel | None
) -> TaskContext:
    """What `tasks.yaml` is checked against: the units, areas, indicators and period kinds."""
    sections = questionnaire.sections if isinstance(questionnaire, Questionnaire) else None
    return TaskContext(
        units=checked.units if checked is not None else None,
        groups=checked.groups if checked is not None else None,
        areas=[section.code for section in sections] if sections is not None else None,
        indicators=(
            [indicator.id for section in sections for indicator in section.indicators]
            if sections is not None
            else None
        ),
        period_kinds=period_kinds,
    )
