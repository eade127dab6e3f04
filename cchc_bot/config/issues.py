"""Configuration problems: the issue record, the error that carries them, and their wording."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from cchc_bot.config.base import UnitKind
from cchc_bot.config.questionnaire import INDICATOR_ID_PATTERN
from cchc_bot.config.schedule import PERIOD_KIND_PATTERN
from cchc_bot.config.units import UNIT_CODE_PATTERN

UNITS_FILE = "units.yaml"
QUESTIONNAIRE_FILE = "questionnaire.yaml"
SCHEDULE_FILE = "schedule.yaml"
CONFIG_FILES = (UNITS_FILE, QUESTIONNAIRE_FILE, SCHEDULE_FILE)
TASKS_FILE = "tasks.yaml"
"""The optional fourth file: the plan annex's tasks (without it nothing changes)."""

FILE_ENTRY = "file"
TOP_LEVEL_ENTRY = "top level"

_PATTERN_HINTS: dict[str, str] = {
    UNIT_CODE_PATTERN: "must use only lowercase a-z, digits and _ (no spaces, no diacritics)",
    INDICATOR_ID_PATTERN: "must start with a lowercase letter and use only a-z, 0-9 and _",
    r"^[A-Z][A-Z0-9_]*$": "must start with a capital letter and use only A-Z, 0-9 and _",
    PERIOD_KIND_PATTERN: "must be 1 to 4 capital letters or digits starting with a letter, e.g. Q1",
    r"^[A-Z]{2}$": "must be a two-letter country code, e.g. VN",
}

Loc = tuple[str | int, ...]


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
        return ": ".join(part for part in (where, self.entry, self.field, self.message) if part)


class ConfigurationError(Exception):
    """The configuration has one or more problems."""

    def __init__(self, issues: list[ConfigIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def pydantic_message(error: Any, root_model: type[BaseModel]) -> str:
    """Turn one pydantic error into a short English message for operators."""
    kind: str = error["type"]
    loc: Loc = tuple(error["loc"])
    value = error.get("input")
    ctx: dict[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        allowed = _allowed_fields(root_model, loc[:-1])
        message = f"unknown field '{name}'"
        close = difflib.get_close_matches(name, allowed, n=1)
        if close:
            return f"{message}; did you mean '{close[0]}'?"
        return f"{message}; allowed: {', '.join(allowed)}" if allowed else message
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        if set(re.findall(r"'([^']*)'", expected)) == {str(k) for k in UnitKind}:
            kinds = ", ".join(str(k) for k in UnitKind)
            return f"unknown unit kind {_show(value)}; allowed kinds: {kinds}"
        return f"{_show(value)} is not allowed; expected {expected}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        hint = _PATTERN_HINTS.get(pattern, f"must match the pattern {pattern}")
        return f"{_show(value)} {hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if loc and loc[-1] == "applies_to":
            return "must be a list of unit kinds like [phong, xa] or flags like {has_tthc: true}"
        return f"must be a mapping of `key: value` (got {_show(value)})"
    if kind == "list_type":
        return f"must be a list (got {_show(value)})"
    if kind == "too_short":
        count = ctx.get("min_length", 1)
        return f"must have at least {count} item{'s' if count != 1 else ''}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    message = str(error.get("msg", kind))
    message = re.sub(r"^(Input|Value) should( be)?", lambda m: "must" + (m[2] or ""), message)
    message = message[:1].lower() + message[1:]
    if kind in ("time_parsing", "time_type"):
        message = 'must be a time written as "HH:MM", e.g. "07:30"'
    elif kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        message = "must be a date written as YYYY-MM-DD, e.g. 2024-04-29"
    if isinstance(value, str | int | float | bool | dt.date | dt.time) or value is None:
        message += f" (got {_show(value)})"
    return message


def _show(value: object) -> str:
    text = repr(value) if not isinstance(value, dt.date | dt.time) else value.isoformat()
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_fields(root_model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model at a path accepts (aliases as written in YAML)."""
    current: Any = root_model
    for step in loc:
        current = _unwrap_optional(current)
        if isinstance(step, int):
            if typing.get_origin(current) is not list:
                return []
            current = typing.get_args(current)[0]
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(step) or next(
            (f for f in current.model_fields.values() if f.alias == step), None
        )
        if field is None:
            return []
        current = field.annotation
    current = _unwrap_optional(current)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation
