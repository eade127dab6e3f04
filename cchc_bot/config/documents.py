"""Reading the YAML files with line numbers: paths to entries and fields, duplicate keys."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cchc_bot.config.issues import (
    FILE_ENTRY,
    QUESTIONNAIRE_FILE,
    SCHEDULE_FILE,
    TASKS_FILE,
    TOP_LEVEL_ENTRY,
    UNITS_FILE,
    ConfigIssue,
    Loc,
)

_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SEXAGESIMAL = re.compile(r"^\d{1,2}(?::[0-5]?\d){1,2}$")

M = TypeVar("M", bound=BaseModel)


class Document:
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
        if self.file == UNITS_FILE and head == "groups" and indexed:
            return self._named(loc[:2], "group", "code"), _dotted(loc[2:])
        if self.file == UNITS_FILE and head == "kinds" and indexed:
            return self._named(loc[:2], "kind", "code"), _dotted(loc[2:])
        if self.file == QUESTIONNAIRE_FILE and head == "sections" and indexed:
            if len(loc) >= 4 and loc[2] == "indicators" and isinstance(loc[3], int):
                return self._named(loc[:4], "indicator", "id"), _dotted(loc[4:])
            return self._named(loc[:2], "section", "code"), _dotted(loc[2:])
        if self.file == TASKS_FILE and head == "tasks" and indexed:
            return self._named(loc[:2], "task", "id"), _dotted(loc[2:])
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


def read_document(directory: Path, file: str, issues: list[ConfigIssue]) -> Document | None:
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
    document = Document(file, data, root)
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


# --- helpers of the semantic checks ---------------------------------------------------------


def report_duplicates(document: Document, list_loc: Loc, key: str, noun: str) -> None:
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


def valid_entries(model: type[M], document: Document, list_loc: Loc) -> list[tuple[Loc, M]]:
    """The entries of a list that validate on their own, with their paths."""
    valid: list[tuple[Loc, M]] = []
    for index, raw in enumerate(document.raw_list(list_loc)):
        try:
            valid.append(((*list_loc, index), model.model_validate(raw)))
        except ValidationError:
            continue  # already reported by the whole-file validation
    return valid


def validate_or_none(model: type[M], raw: Any) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None
