"""The `tasks.yaml` model: the plan annex's tasks, each with its lead agency and due date."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cchc_bot.config.base import UNIT_CODE_PATTERN, StrictModel
from cchc_bot.config.questionnaire import INDICATOR_ID_PATTERN
from cchc_bot.config.schedule import PERIOD_KIND_PATTERN

TASK_ID_PATTERN = INDICATOR_ID_PATTERN
AREA_PATTERN = r"^[A-Z][A-Z0-9_]*$"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KIND = re.compile(PERIOD_KIND_PATTERN)

UnitOrGroup = Annotated[str, Field(pattern=UNIT_CODE_PATTERN, max_length=40)]


class Recurrence(StrEnum):
    """How often a recurring task is reported."""

    EACH_PERIOD = "each_period"


class TaskConfig(StrictModel):
    """One task of the annex: what is to be done, by whom, by when, and what proves it."""

    # 34: its questions' ids (`nv_<id>_vb`) fit the 40 characters of an answer's id.
    id: str = Field(pattern=TASK_ID_PATTERN, max_length=34)
    title: str = Field(min_length=1, max_length=500)
    # A section code of questionnaire.yaml (CDDH, TC, TTHC...).
    area: str = Field(pattern=AREA_PATTERN, max_length=20)
    # Unit codes or group codes of units.yaml; a group means every unit of the group.
    lead: list[UnitOrGroup] = Field(min_length=1)
    cooperate: list[UnitOrGroup] = Field(default_factory=list)
    # A day (2024-03-31) or a period kind of schedule.yaml (Q1, H1...): the task is due by then.
    due: dt.date | str | None = None
    recurring: Recurrence | None = None
    product: str = Field(min_length=1, max_length=200)
    indicator: str | None = Field(default=None, pattern=INDICATOR_ID_PATTERN, max_length=40)
    note: str | None = None

    @field_validator("lead", "cooperate", mode="before")
    @classmethod
    def _one_code_as_list(cls, value: Any) -> Any:
        """Accept `lead: p_noi_vu` for `lead: [p_noi_vu]`."""
        return [value] if isinstance(value, str) else value

    @field_validator("due", mode="before")
    @classmethod
    def _day_or_period_kind(cls, value: Any) -> Any:
        """A due is a day or a period kind; a quoted day is read as the day it names."""
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str) and _DATE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if isinstance(value, str) and _KIND.match(value.strip()):
            return value.strip()
        raise PydanticCustomError(
            "task_due",
            "must be a date written as YYYY-MM-DD or a period code of schedule.yaml such as H1",
        )

    @model_validator(mode="after")
    def _due_or_recurring(self) -> TaskConfig:
        """A task has exactly one of `due` and `recurring`."""
        if (self.due is None) == (self.recurring is None):
            raise PydanticCustomError(
                "task_due_or_recurring",
                "give exactly one of `due` (a date or a period code) and `recurring: each_period`",
            )
        return self

    @property
    def due_kind(self) -> str | None:
        """The period kind the task is due by, when `due` names one."""
        return self.due if isinstance(self.due, str) else None

    @property
    def due_day(self) -> dt.date | None:
        """The day the task is due by, when `due` is a day."""
        return self.due if isinstance(self.due, dt.date) else None


class TasksFile(StrictModel):
    """The whole `tasks.yaml` file."""

    year: int = Field(ge=2000, le=2100)
    # Cooperating units may add a one-line contribution to the tasks they help with.
    contributions: bool = False
    tasks: list[TaskConfig] = Field(default_factory=list)

    def by_id(self) -> dict[str, TaskConfig]:
        """Index the tasks by id."""
        return {task.id: task for task in self.tasks}
