"""Load and validate the three YAML files; every problem names file, entry and field."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cchc_bot.config.base import UnitKind
from cchc_bot.config.questionnaire import (
    INDICATOR_ID_PATTERN,
    NUMERIC_TYPES,
    AppliesTo,
    Indicator,
    IndicatorType,
    Questionnaire,
    Section,
)
from cchc_bot.config.schedule import (
    PERIOD_KIND_PATTERN,
    DayRule,
    OfficeHours,
    PeriodRule,
    Schedule,
    YearRange,
)
from cchc_bot.config.units import UNIT_CODE_PATTERN, UnitConfig, UnitsFile
from cchc_bot.rules import RuleSyntaxError, parse_rule

UNITS_FILE = "units.yaml"
QUESTIONNAIRE_FILE = "questionnaire.yaml"
SCHEDULE_FILE = "schedule.yaml"
CONFIG_FILES = (UNITS_FILE, QUESTIONNAIRE_FILE, SCHEDULE_FILE)

SAMPLE_YEARS = (2023, 2024)
"""Years a period's days are checked in: a common year and a leap year."""

FILE_ENTRY = "file"
TOP_LEVEL_ENTRY = "top level"

_ROOT_MODELS: dict[str, type[BaseModel]] = {
    UNITS_FILE: UnitsFile,
    QUESTIONNAIRE_FILE: Questionnaire,
    SCHEDULE_FILE: Schedule,
}
_PATTERN_HINTS: dict[str, str] = {
    UNIT_CODE_PATTERN: "must use only lowercase a-z, digits and _ (no spaces, no diacritics)",
    INDICATOR_ID_PATTERN: "must start with a lowercase letter and use only a-z, 0-9 and _",
    r"^[A-Z][A-Z0-9_]*$": "must start with a capital letter and use only A-Z, 0-9 and _",
    PERIOD_KIND_PATTERN: "must be 1 to 4 capital letters or digits starting with a letter, e.g. Q1",
    r"^[A-Z]{2}$": "must be a two-letter country code, e.g. VN",
}
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SEXAGESIMAL = re.compile(r"^\d{1,2}(?::[0-5]?\d){1,2}$")

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


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


@dataclass(frozen=True)
class Configuration:
    """The three validated files of one configuration folder."""

    directory: Path
    units: UnitsFile
    questionnaire: Questionnaire
    schedule: Schedule


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
    documents: dict[str, _Document] = {}
    models: dict[str, BaseModel] = {}
    for file in CONFIG_FILES:
        document = _read_document(directory, file, issues)
        if document is None:
            continue
        documents[file] = document
        try:
            models[file] = _ROOT_MODELS[file].model_validate(document.data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                document.report(tuple(error["loc"]), _pydantic_message(error, _ROOT_MODELS[file]))

    units = documents.get(UNITS_FILE)
    schedule = documents.get(SCHEDULE_FILE)
    questionnaire = documents.get(QUESTIONNAIRE_FILE)
    valid_units = _check_units(units) if units is not None else None
    period_kinds = _check_schedule(schedule) if schedule is not None else None
    if questionnaire is not None:
        _QuestionnaireChecker(questionnaire, period_kinds, valid_units).run()

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
    )
    return [], configuration


# --- reading YAML ---------------------------------------------------------------------------


class _Document:
    """One parsed file: its data, its YAML node tree (for line numbers) and its issues."""

    def __init__(self, file: str, data: dict[Any, Any], root: yaml.MappingNode) -> None:
        self.file = file
        self.data = data
        self.root = root
        self.issues: list[ConfigIssue] = []

    def report(self, loc: Loc, message: str) -> None:
        """Add an issue at a location given as a pydantic-style path."""
        entry, field = self.entry_and_field(loc)
        self.issues.append(ConfigIssue(self.file, entry, field, message, self.line_of(loc)))

    def raw(self, loc: Loc) -> Any:
        """The raw value at a path, or None when there is none."""
        value: Any = self.data
        for step in loc:
            if isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value):
                value = value[step]
            elif isinstance(step, str) and isinstance(value, dict):
                value = value.get(step)
            else:
                return None
        return value

    def raw_list(self, loc: Loc) -> list[Any]:
        """The raw list at a path; empty when it is missing or not a list."""
        value = self.raw(loc)
        return value if isinstance(value, list) else []

    def line_of(self, loc: Loc) -> int:
        """The 1-based line of the deepest node of the path that exists in the file."""
        node: yaml.Node = self.root
        line = node.start_mark.line + 1
        for step in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(step, str):
                found: tuple[yaml.Node, yaml.Node] | None = None
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == step:
                        found = (key, value)  # the last one wins, as in the loaded data
                if found is None:
                    if step in ("kinds", "flags"):
                        continue  # AppliesTo short forms: `[phong, xa]`, `{has_tthc: true}`
                    break
                line = found[0].start_mark.line + 1
                node = found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if not 0 <= step < len(node.value):
                    break
                node = node.value[step]
                line = node.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and step == "kinds":
                continue
            else:
                break
        return line

    def entry_and_field(self, loc: Loc) -> tuple[str, str]:
        """Name the entry (unit, indicator, period...) and the dotted field of a path."""
        if not loc:
            return TOP_LEVEL_ENTRY, ""
        head = loc[0]
        indexed = len(loc) >= 2 and isinstance(loc[1], int)
        if self.file == UNITS_FILE and head == "units" and indexed:
            return self._named(loc[:2], "unit", "code"), _dotted(loc[2:])
        if self.file == QUESTIONNAIRE_FILE and head == "sections" and indexed:
            if len(loc) >= 4 and loc[2] == "indicators" and isinstance(loc[3], int):
                return self._named(loc[:4], "indicator", "id"), _dotted(loc[4:])
            return self._named(loc[:2], "section", "code"), _dotted(loc[2:])
        if self.file == SCHEDULE_FILE and head == "periods" and indexed:
            return self._named(loc[:2], "period", "code"), _dotted(loc[2:])
        if (
            self.file == SCHEDULE_FILE
            and loc[:2] == ("reminders", "schedule")
            and len(loc) >= 3
            and isinstance(loc[2], int)
        ):
            return self._named(loc[:3], "reminder", "kind"), _dotted(loc[3:])
        if len(loc) == 1:
            return TOP_LEVEL_ENTRY, str(head)
        return str(head), _dotted(loc[1:])

    def _named(self, loc: Loc, noun: str, key: str) -> str:
        entry = self.raw(loc)
        code = entry.get(key) if isinstance(entry, dict) else None
        if isinstance(code, str) and code.strip() and "\n" not in code:
            return f"{noun} {code.strip()}"
        return _dotted(loc)


def _dotted(loc: Sequence[str | int]) -> str:
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _read_document(directory: Path, file: str, issues: list[ConfigIssue]) -> _Document | None:
    """Parse one file safely; report a missing, unreadable, empty or malformed file."""

    def fail(message: str, line: int | None = None) -> None:
        issues.append(ConfigIssue(file, FILE_ENTRY, "", message, line))

    path = directory / file
    if not path.is_file():
        fail(f"file not found in {directory}")
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail("file is not UTF-8 text (save it as UTF-8)", raw[: exc.start].count(b"\n") + 1)
        return None
    loader = yaml.SafeLoader(text)
    root: yaml.Node | None = None
    try:
        root = loader.get_single_node()
        if root is None:
            fail("file is empty")
            return None
        if not isinstance(root, yaml.MappingNode):
            fail("the top level must be a mapping of `key: value` lines", _line(root))
            return None
        _read_times_as_text(root)
        duplicates = _duplicate_keys(root)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "malformed YAML"
        if exc.context and exc.problem:
            detail = f"{exc.problem} ({exc.context})"
        # A constructor error is a well-formed file with a tag safe loading refuses.
        what = (
            "YAML error"
            if isinstance(exc, yaml.constructor.ConstructorError)
            else ("YAML syntax error")
        )
        fail(f"{what}: {detail}", mark.line + 1 if mark is not None else None)
        return None
    except yaml.YAMLError as exc:
        fail(f"YAML error: {exc}")
        return None
    except (ValueError, TypeError, OverflowError) as exc:
        # A well-formed scalar with an impossible value, such as the date 2024-02-30.
        fail(f"YAML error: {exc}", _unconstructible_line(root) if root is not None else None)
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):  # pragma: no cover - a mapping node constructs a dict
        fail("the top level must be a mapping of `key: value` lines", _line(root))
        return None
    document = _Document(file, data, root)
    for duplicate in duplicates:
        entry, field = document.entry_and_field(duplicate.loc)
        message = (
            f"duplicate key '{duplicate.loc[-1]}' (also on line {duplicate.first_line}); "
            "only the last one would count"
        )
        document.issues.append(ConfigIssue(file, entry, field, message, duplicate.line))
    return document


def _unconstructible_line(root: yaml.Node) -> int | None:
    """The first line holding a scalar that cannot be built into a value."""
    lines: list[int] = []
    for node, _ in _walk(root):
        if not isinstance(node, yaml.ScalarNode):
            continue
        constructor = yaml.SafeLoader("")
        try:
            constructor.construct_object(node)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            lines.append(_line(node))
    return min(lines, default=None)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _walk(root: yaml.Node) -> Iterator[tuple[yaml.Node, Loc]]:
    """Every node of the tree once, with its path (anchors and aliases visited once)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node, loc
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                step = key.value if isinstance(key, yaml.ScalarNode) else "?"
                stack.append((value, (*loc, step)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*loc, index)) for index, item in enumerate(node.value))


def _read_times_as_text(root: yaml.Node) -> None:
    """Read `8:00` as the time it means, not YAML 1.1's base-60 integer 480."""
    for node, _ in _walk(root):
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == _INT_TAG
            and node.style is None
            and _SEXAGESIMAL.match(node.value)
        ):
            node.value = ":".join(part.zfill(2) for part in node.value.split(":"))
            node.tag = _STR_TAG


@dataclass(frozen=True)
class _DuplicateKey:
    loc: Loc
    line: int
    first_line: int


def _duplicate_keys(root: yaml.Node) -> list[_DuplicateKey]:
    """Keys repeated in one mapping, found before `<<` merge keys are flattened."""
    duplicates: list[_DuplicateKey] = []
    for node, loc in _walk(root):
        if not isinstance(node, yaml.MappingNode):
            continue
        first_line: dict[str, int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
                continue
            if key.value in first_line:
                duplicates.append(
                    _DuplicateKey((*loc, key.value), _line(key), first_line[key.value])
                )
            else:
                first_line[key.value] = _line(key)
    return duplicates


# --- pydantic errors ------------------------------------------------------------------------


def _pydantic_message(error: Any, root_model: type[BaseModel]) -> str:
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


# --- semantic checks ------------------------------------------------------------------------


def _report_duplicates(document: _Document, list_loc: Loc, key: str, noun: str) -> None:
    """Report every entry of a list whose `key` repeats an earlier entry's."""
    first: dict[str, int] = {}
    for index, entry in enumerate(document.raw_list(list_loc)):
        value = entry.get(key) if isinstance(entry, dict) else None
        if not isinstance(value, str):
            continue
        loc = (*list_loc, index, key)
        if value in first:
            document.report(loc, f"duplicate {noun} '{value}' (also on line {first[value]})")
        else:
            first[value] = document.line_of(loc)


def _valid_entries(model: type[M], document: _Document, list_loc: Loc) -> list[tuple[Loc, M]]:
    """The entries of a list that validate on their own, with their paths."""
    valid: list[tuple[Loc, M]] = []
    for index, raw in enumerate(document.raw_list(list_loc)):
        try:
            valid.append(((*list_loc, index), model.model_validate(raw)))
        except ValidationError:
            continue  # already reported by the whole-file validation
    return valid


def _validate_or_none(model: type[M], raw: Any) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _check_units(document: _Document) -> list[UnitConfig]:
    """Check unit codes and names are unique; return the units that validate."""
    _report_duplicates(document, ("units",), "code", "unit code")
    _report_duplicates(document, ("units",), "name", "unit name")
    return [unit for _, unit in _valid_entries(UnitConfig, document, ("units",))]


def _check_schedule(document: _Document) -> list[str] | None:
    """Check periods, reminders, office hours and years; return the period kinds defined."""
    _report_duplicates(document, ("periods",), "code", "period code")
    _report_duplicates(document, ("reminders", "schedule"), "kind", "reminder kind")
    for loc, period in _valid_entries(PeriodRule, document, ("periods",)):
        _check_period_days(document, loc, period)

    hours = _validate_or_none(OfficeHours, document.raw(("office_hours",)) or {})
    if hours is not None and hours.start >= hours.end:
        document.report(
            ("office_hours", "start"),
            f"office hours must start ({hours.start:%H:%M}) before they end ({hours.end:%H:%M})",
        )
    years = _validate_or_none(YearRange, document.raw(("years",)))
    if years is not None and years.last is not None and years.last < years.first:
        document.report(
            ("years", "last"), f"last year {years.last} is before first year {years.first}"
        )

    if not isinstance(document.raw(("periods",)), list):
        return None
    codes = [
        entry["code"]
        for entry in document.raw_list(("periods",))
        if isinstance(entry, dict) and isinstance(entry.get("code"), str)
    ]
    return list(dict.fromkeys(codes))


def _check_period_days(document: _Document, loc: Loc, period: PeriodRule) -> None:
    """Check a period's days exist and come in order: window start ≤ window end ≤ deadline."""
    names = ("window_start", "window_end", "deadline")
    rules: dict[str, DayRule] = {
        "window_start": period.window_start,
        "window_end": period.window_end,
        "deadline": period.deadline,
    }
    for name in names:
        rule = rules[name]
        try:
            for year in SAMPLE_YEARS:
                rule.on(year)
        except ValueError:
            document.report((*loc, name), f"{rule.day}/{rule.month} is not a day of the year")
            return
    for year in SAMPLE_YEARS:
        start, end, deadline = (rules[name].on(year) for name in names)
        if start > end:
            document.report(
                (*loc, "window_start"),
                f"the data window starts after it ends ({start:%d/%m/%Y} > {end:%d/%m/%Y} "
                f"for {year})",
            )
            return
        if end > deadline:
            document.report(
                (*loc, "window_end"),
                f"the data window ends after the deadline ({end:%d/%m/%Y} > "
                f"{deadline:%d/%m/%Y} for {year})",
            )
            return


_ALLOWED_FLAGS: tuple[str, ...] = tuple(UnitConfig(code="x", name="x", kind=UnitKind.XA).flags())
_RULE_TYPES_NOT_NUMERIC = frozenset({IndicatorType.TEXT, IndicatorType.CHOICE})


@dataclass(frozen=True)
class _Placed:
    """A validated indicator with its path, questionnaire position and section rule."""

    loc: Loc
    position: int
    indicator: Indicator
    section: Section


class _QuestionnaireChecker:
    """The cross-field and cross-file checks of `questionnaire.yaml`."""

    def __init__(
        self,
        document: _Document,
        period_kinds: list[str] | None,
        units: list[UnitConfig] | None,
    ) -> None:
        self.document = document
        self.period_kinds = period_kinds
        self.units = units
        self.ids_in_file: dict[str, int] = {}
        self.placed: dict[str, _Placed] = {}
        self.unknown_flags = False  # then who is asked what is unknown: skip those checks

    def run(self) -> None:
        """Report every semantic problem of the file."""
        document = self.document
        _report_duplicates(document, ("sections",), "code", "section code")
        self._collect()
        for index, _ in enumerate(document.raw_list(("sections",))):
            applies = self._section_applies_to(index)
            if applies is not None:
                self._check_applies_to(("sections", index, "applies_to"), applies)
        for placed in self._all_placed():
            if placed.indicator.applies_to is not None:
                self._check_applies_to((*placed.loc, "applies_to"), placed.indicator.applies_to)
        for placed in self._all_placed():
            self._check_indicator(placed)

    def _collect(self) -> None:
        """Index every indicator id (reporting duplicates) and validate indicators one by one."""
        position = 0
        first_line: dict[str, int] = {}
        for s_index, raw_section in enumerate(self.document.raw_list(("sections",))):
            section = self._section_model(s_index, raw_section)
            indicators_loc: Loc = ("sections", s_index, "indicators")
            for i_index, raw in enumerate(self.document.raw_list(indicators_loc)):
                loc = (*indicators_loc, i_index)
                position += 1
                ident = raw.get("id") if isinstance(raw, dict) else None
                if isinstance(ident, str):
                    if ident in first_line:
                        self.document.report(
                            (*loc, "id"),
                            f"duplicate indicator id '{ident}' (also on line {first_line[ident]})",
                        )
                        continue
                    first_line[ident] = self.document.line_of((*loc, "id"))
                    self.ids_in_file[ident] = position
                indicator = _validate_or_none(Indicator, raw)
                if indicator is not None:
                    self.placed[indicator.id] = _Placed(loc, position, indicator, section)

    def _section_applies_to(self, index: int) -> AppliesTo | None:
        raw = self.document.raw(("sections", index, "applies_to"))
        return None if raw is None else _validate_or_none(AppliesTo, raw)

    def _section_model(self, index: int, raw: Any) -> Section:
        code = raw.get("code") if isinstance(raw, dict) else None
        return Section.model_construct(
            code=code if isinstance(code, str) else f"sections[{index}]",
            title="",
            applies_to=self._section_applies_to(index),
            indicators=[],
        )

    def _all_placed(self) -> list[_Placed]:
        return sorted(self.placed.values(), key=lambda placed: placed.position)

    def _check_indicator(self, placed: _Placed) -> None:
        ind, loc = placed.indicator, placed.loc
        report = self.document.report
        self._check_period_list((*loc, "periods"), ind.periods)
        if ind.periods == []:
            report((*loc, "periods"), "must name at least one period kind (or be left out)")
        self._check_target(placed)
        self._check_ratio(placed)
        self._check_choice(loc, ind)
        self._check_limits(loc, ind)
        for index, check in enumerate(ind.checks):
            self._check_rule((*loc, "checks", index, "rule"), check.rule)

    def _check_applies_to(self, loc: Loc, applies: AppliesTo) -> None:
        for name in applies.flags:
            if name not in _ALLOWED_FLAGS:
                self.unknown_flags = True
                self.document.report(
                    (*loc, "flags", name),
                    f"unknown flag '{name}'; allowed flags: {', '.join(_ALLOWED_FLAGS)}",
                )

    def _check_period_list(self, loc: Loc, periods: list[str] | None) -> None:
        if periods is None or self.period_kinds is None:
            return
        for index, kind in enumerate(periods):
            if kind not in self.period_kinds:
                defined = ", ".join(self.period_kinds) or "none"
                self.document.report(
                    (*loc, index),
                    f"unknown period kind '{kind}'; {SCHEDULE_FILE} defines: {defined}",
                )

    def _check_target(self, placed: _Placed) -> None:
        ind, loc = placed.indicator, placed.loc
        if ind.target is None:
            return
        if ind.type not in NUMERIC_TYPES and ind.type is not IndicatorType.RATIO:
            self.document.report(
                (*loc, "target"), f"a target needs a number, but the type is {ind.type}"
            )
        self._check_period_list((*loc, "target", "periods"), ind.target.periods)
        if ind.target.periods is not None and ind.periods is not None:
            for index, kind in enumerate(ind.target.periods):
                if kind not in ind.periods and (
                    self.period_kinds is None or kind in self.period_kinds
                ):
                    self.document.report(
                        (*loc, "target", "periods", index),
                        f"the indicator is not asked in period {kind} (see periods)",
                    )

    def _check_ratio(self, placed: _Placed) -> None:
        ind, loc = placed.indicator, placed.loc
        parts = {"numerator": ind.numerator, "denominator": ind.denominator}
        if ind.type is not IndicatorType.RATIO:
            for name, part in parts.items():
                if part is not None:
                    self.document.report(
                        (*loc, name), f"only a ratio has a {name}, but the type is {ind.type}"
                    )
            return
        for name, part in parts.items():
            part_loc = (*loc, name)
            if part is None:
                self.document.report(
                    part_loc, f"a ratio needs a {name}: {{label: ..., unit: ...}} or {{from: id}}"
                )
            elif part.label is not None and part.from_ is not None:
                self.document.report(part_loc, "give either label or from, not both")
            elif part.label is None and part.from_ is None:
                self.document.report(
                    part_loc, "needs a label (asked) or from (taken from another indicator)"
                )
            elif part.from_ is not None:
                self._check_source(placed, (*part_loc, "from"), part.from_)

    def _check_source(self, placed: _Placed, loc: Loc, source_id: str) -> None:
        """Check a ratio part's `from`: an earlier integer indicator asked wherever the ratio is."""
        report = self.document.report
        if source_id == placed.indicator.id:
            report(loc, "a ratio cannot take its own value")
            return
        if source_id not in self.ids_in_file:
            report(loc, self._unknown_indicator(source_id))
            return
        source = self.placed.get(source_id)
        if source is None:
            return  # the source itself is broken and reported
        if source.indicator.type is not IndicatorType.INTEGER:
            report(
                loc,
                f"'{source_id}' is a {source.indicator.type} indicator; "
                "from must name an integer indicator",
            )
            return
        if source.position > placed.position:
            report(loc, f"'{source_id}' must come before this indicator (it is asked first)")
            return
        if self.units is None or self.period_kinds is None or self.unknown_flags:
            return
        for unit in self.units:
            for kind in self.period_kinds:
                if placed.indicator.applies(unit, kind, placed.section) and not (
                    source.indicator.applies(unit, kind, source.section)
                ):
                    report(
                        loc,
                        f"'{source_id}' is not asked of unit {unit.code} in period {kind}, "
                        "but this ratio is",
                    )
                    return

    def _check_choice(self, loc: Loc, ind: Indicator) -> None:
        if ind.type is not IndicatorType.CHOICE:
            if ind.options is not None:
                self.document.report(
                    (*loc, "options"), f"only a choice has options, but the type is {ind.type}"
                )
            return
        if ind.options is None or len(ind.options) < 2:
            self.document.report((*loc, "options"), "a choice needs at least 2 options")
            return
        seen: set[str] = set()
        for index, option in enumerate(ind.options):
            key = option.strip().casefold()
            if key in seen:
                self.document.report((*loc, "options", index), f"duplicate option '{option}'")
            seen.add(key)

    def _check_limits(self, loc: Loc, ind: Indicator) -> None:
        report = self.document.report
        numeric = ind.type in NUMERIC_TYPES or ind.type is IndicatorType.RATIO
        for name, limit in (("min", ind.min), ("max", ind.max)):
            if limit is not None and not numeric:
                report((*loc, name), f"{name} applies to numbers only, but the type is {ind.type}")
        if ind.min is not None and ind.max is not None and ind.min > ind.max:
            report((*loc, "min"), f"min ({ind.min:g}) is greater than max ({ind.max:g})")
        for name, length in (("min_length", ind.min_length), ("max_length", ind.max_length)):
            if length is not None and ind.type is not IndicatorType.TEXT:
                report((*loc, name), f"{name} applies to text only, but the type is {ind.type}")
        if (
            ind.min_length is not None
            and ind.max_length is not None
            and ind.min_length > ind.max_length
        ):
            report(
                (*loc, "min_length"),
                f"min_length ({ind.min_length}) is greater than max_length ({ind.max_length})",
            )

    def _check_rule(self, loc: Loc, text: str) -> None:
        report = self.document.report
        try:
            rule = parse_rule(text)
        except RuleSyntaxError as exc:
            report(loc, f"cannot read the rule: {exc}")
            return
        for ref in sorted(rule.references):
            if ref.indicator_id not in self.ids_in_file:
                report(loc, self._unknown_indicator(ref.indicator_id))
                continue
            source = self.placed.get(ref.indicator_id)
            if source is None:
                continue
            kind = source.indicator.type
            if ref.part != "value" and kind is not IndicatorType.RATIO:
                report(loc, f"'{ref.indicator_id}' is not a ratio, so it has no .{ref.part}")
            elif kind in _RULE_TYPES_NOT_NUMERIC:
                report(loc, f"'{ref.indicator_id}' is a {kind} indicator, not a number")

    def _unknown_indicator(self, ident: str) -> str:
        message = f"unknown indicator '{ident}'"
        close = difflib.get_close_matches(ident, list(self.ids_in_file), n=1)
        return f"{message}; did you mean '{close[0]}'?" if close else message
