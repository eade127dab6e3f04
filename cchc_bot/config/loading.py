"""Load and validate the three YAML files; every problem names file, entry and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.schedule import Schedule
from cchc_bot.config.units import UnitsFile

UNITS_FILE = "units.yaml"
QUESTIONNAIRE_FILE = "questionnaire.yaml"
SCHEDULE_FILE = "schedule.yaml"


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in a configuration file."""

    file: str
    entry: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.entry}: {self.field}: {self.message}"


class ConfigurationError(Exception):
    """The configuration has one or more problems."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass(frozen=True)
class Configuration:
    """The three validated files of one configuration folder."""

    directory: Path
    units: UnitsFile
    questionnaire: Questionnaire
    schedule: Schedule


def load_configuration(directory: Path) -> Configuration:
    """Read and validate a configuration folder; raise ConfigurationError listing every issue."""
    raise NotImplementedError  # written by the configuration loader work
