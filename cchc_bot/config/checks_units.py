"""Cross-checks of `units.yaml`: unique codes and names, kinds and groups that exist, the tree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cchc_bot.config.base import DEFAULT_KINDS, KindConfig
from cchc_bot.config.documents import Document, report_duplicates, valid_entries
from cchc_bot.config.issues import UNITS_FILE, Loc
from cchc_bot.config.units import DEFAULT_GROUPS, GroupConfig, UnitConfig, default_group


@dataclass(frozen=True)
class CheckedUnits:
    """The units that validate and the groups and kinds known to the other files (None: unknown)."""

    units: list[UnitConfig]
    groups: list[GroupConfig] | None
    kinds: list[KindConfig] | None = None


def unknown_group(code: str, groups: list[GroupConfig]) -> str:
    """The message for a group code that `units.yaml` does not define."""
    defined = ", ".join(group.code for group in groups) or "none"
    return f"unknown group '{code}'; {UNITS_FILE} defines: {defined}"


def unknown_kind(code: str, kinds: list[KindConfig]) -> str:
    """The message for a unit kind that is neither a default nor declared in `kinds:`."""
    allowed = list(dict.fromkeys(kind.code for kind in kinds))
    return f"unknown unit kind '{code}'; allowed kinds: {', '.join(allowed)}"


def check_units(document: Document) -> CheckedUnits:
    """Check codes, names, kinds, groups, parents and successors; return what validates."""
    report_duplicates(document, ("units",), "code", "unit code")
    units = valid_entries(UnitConfig, document, ("units",))
    _check_names(document, units)
    kinds = _check_kinds(document)
    groups = _check_groups(document)
    known_kinds = {kind.code for kind in kinds} if kinds is not None else None
    if known_kinds is not None:
        for loc, unit in units:
            if unit.kind not in known_kinds:
                document.report((*loc, "kind"), unknown_kind(unit.kind, kinds or []))
    if groups is not None and kinds is not None:
        _check_unit_groups(document, units, groups, kinds)
    _check_tree(document, units)
    _check_time(document, units)
    return CheckedUnits([unit for _, unit in units], groups, kinds)


def _check_names(document: Document, units: list[tuple[Loc, UnitConfig]]) -> None:
    """Two units may share a name only when their life spans do not overlap (old and new xã)."""
    seen: dict[str, list[tuple[int, UnitConfig]]] = {}
    for loc, unit in units:
        earlier = seen.setdefault(unit.name, [])
        clash = next((line for line, other in earlier if _overlap(unit, other)), None)
        if clash is not None:
            document.report(
                (*loc, "name"), f"duplicate unit name '{unit.name}' (also on line {clash})"
            )
        earlier.append((document.line_of((*loc, "name")), unit))


def _overlap(one: UnitConfig, other: UnitConfig) -> bool:
    """Whether two life spans share a day (open ends reach forever)."""
    return (
        one.valid_to is None or other.valid_from is None or other.valid_from <= one.valid_to
    ) and (other.valid_to is None or one.valid_from is None or one.valid_from <= other.valid_to)


def _check_unit_groups(
    document: Document,
    units: list[tuple[Loc, UnitConfig]],
    groups: list[GroupConfig],
    kinds: list[KindConfig],
) -> None:
    """Written groups must exist; with `groups:` declared, so must every default group used."""
    declared = document.raw(("groups",)) is not None
    kinds_declared = document.raw(("kinds",)) is not None
    known = {group.code for group in groups}
    known_kinds = {kind.code for kind in kinds}
    if declared and kinds_declared:
        for index, kind in enumerate(kinds):
            if kind.group_code not in known:
                message = unknown_group(kind.group_code, groups)
                document.report(("kinds", index, "group"), message)
    for loc, unit in units:
        written = document.raw((*loc, "group")) is not None
        if written and unit.group is not None and unit.group not in known:
            document.report((*loc, "group"), unknown_group(unit.group, groups))
        elif (
            not written
            and declared
            and not kinds_declared
            and unit.kind in known_kinds
            and unit.group_code not in known
        ):
            document.report(
                (*loc, "group"),
                f"a unit of kind {unit.kind} belongs to group "
                f"'{default_group(unit.kind)}' unless it names one, and groups does not "
                "define it: add `group:` to the unit or define the group",
            )


def _check_tree(document: Document, units: list[tuple[Loc, UnitConfig]]) -> None:
    """Parents must be known units, with no cycle; the tree must fit the declared levels;
    a consolidating unit must have units below it."""
    by_code = {unit.code: unit for _, unit in units}
    for loc, unit in units:
        if unit.parent is None:
            continue
        if unit.parent == unit.code:
            document.report((*loc, "parent"), "a unit cannot be its own parent")
        elif unit.parent not in by_code:
            document.report((*loc, "parent"), f"unknown unit '{unit.parent}'")
    for loc, unit in units:
        cycle = _cycle_from(unit.code, lambda code: _listed(_parent(by_code, code)))
        if cycle and cycle[0] == unit.code and len(cycle) > 1:
            path = " -> ".join([*cycle, cycle[0]])
            document.report((*loc, "parent"), f"parents form a cycle: {path}")
    with_children = {unit.parent for _, unit in units if unit.parent is not None}
    for loc, unit in units:
        if unit.consolidates and unit.code not in with_children:
            document.report(
                (*loc, "consolidates"),
                "a consolidating unit needs units below it (their parent: this unit)",
            )
    levels = document.raw(("levels",))
    if isinstance(levels, list) and levels:
        for loc, unit in units:
            depth = _depth(by_code, unit.code)
            if depth is not None and depth >= len(levels):
                document.report(
                    (*loc, "parent"),
                    f"the unit is on level {depth + 1} of the tree, "
                    f"and levels names only {len(levels)}",
                )


def _check_time(document: Document, units: list[tuple[Loc, UnitConfig]]) -> None:
    """Validity dates in order; successors known, other than the unit, without cycles."""
    by_code = {unit.code: unit for _, unit in units}
    for loc, unit in units:
        if unit.valid_from and unit.valid_to and unit.valid_to < unit.valid_from:
            document.report(
                (*loc, "valid_to"),
                f"{unit.valid_to.isoformat()} is before valid_from {unit.valid_from.isoformat()}",
            )
        if unit.successors and unit.valid_to is None:
            document.report((*loc, "successors"), "a unit with successors needs valid_to")
        for index, code in enumerate(unit.successors):
            if code == unit.code:
                document.report((*loc, "successors", index), "a unit cannot succeed itself")
            elif code not in by_code:
                document.report((*loc, "successors", index), f"unknown unit '{code}'")
    for loc, unit in units:

        def successors(code: str) -> list[str]:
            found = by_code.get(code)
            return [s for s in found.successors if s in by_code] if found else []

        cycle = _cycle_from(unit.code, successors)
        if cycle and cycle[0] == unit.code and len(cycle) > 1:
            path = " -> ".join([*cycle, cycle[0]])
            document.report((*loc, "successors"), f"successors form a cycle: {path}")


def _parent(by_code: dict[str, UnitConfig], code: str) -> str | None:
    unit = by_code.get(code)
    if unit is None or unit.parent is None or unit.parent not in by_code:
        return None
    return unit.parent


def _depth(by_code: dict[str, UnitConfig], code: str) -> int | None:
    """How many ancestors a unit has; None when its parents loop."""
    depth, seen, current = 0, {code}, _parent(by_code, code)
    while current is not None:
        if current in seen:
            return None
        seen.add(current)
        depth += 1
        current = _parent(by_code, current)
    return depth


def _listed(code: str | None) -> list[str]:
    return [] if code is None else [code]


def _cycle_from(start: str, following: Callable[[str], list[str]]) -> list[str]:
    """A path start -> ... that returns to start by following links, else empty."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        code, path = stack.pop()
        for nxt in following(code):
            if nxt == start:
                return path
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return []


def _check_kinds(document: Document) -> list[KindConfig] | None:
    """The declared kinds (DEFAULT_KINDS without any); None when the list is broken."""
    raw = document.raw(("kinds",))
    if raw is None:
        return list(DEFAULT_KINDS)
    if not isinstance(raw, list) or not raw:
        return None  # reported by the whole-file validation
    report_duplicates(document, ("kinds",), "code", "kind code")
    kinds = valid_entries(KindConfig, document, ("kinds",))
    if len(kinds) != len(raw):
        return None
    return [kind for _, kind in kinds]


def _check_groups(document: Document) -> list[GroupConfig] | None:
    """The declared groups (DEFAULT_GROUPS without any); None when the list is broken."""
    raw = document.raw(("groups",))
    if raw is None:
        return list(DEFAULT_GROUPS)
    if not isinstance(raw, list) or not raw:
        return None  # reported by the whole-file validation
    report_duplicates(document, ("groups",), "code", "group code")
    groups = valid_entries(GroupConfig, document, ("groups",))
    if len(groups) != len(raw):
        return None  # a broken entry is reported; its units cannot be checked against it
    return [group for _, group in groups]
