"""Cross-checks of `units.yaml`: unique codes and names, groups that exist."""

from __future__ import annotations

from dataclasses import dataclass

from cchc_bot.config.documents import Document, report_duplicates, valid_entries
from cchc_bot.config.issues import UNITS_FILE
from cchc_bot.config.units import DEFAULT_GROUPS, GroupConfig, UnitConfig, default_group


@dataclass(frozen=True)
class CheckedUnits:
    """The units that validate and the groups known to the other files (None: unknown)."""

    units: list[UnitConfig]
    groups: list[GroupConfig] | None


def unknown_group(code: str, groups: list[GroupConfig]) -> str:
    """The message for a group code that `units.yaml` does not define."""
    defined = ", ".join(group.code for group in groups) or "none"
    return f"unknown group '{code}'; {UNITS_FILE} defines: {defined}"


def check_units(document: Document) -> CheckedUnits:
    """Check unit codes and names are unique and groups exist; return what validates."""
    report_duplicates(document, ("units",), "code", "unit code")
    report_duplicates(document, ("units",), "name", "unit name")
    units = valid_entries(UnitConfig, document, ("units",))
    groups = _check_groups(document)
    if groups is not None:
        declared = document.raw(("groups",)) is not None
        known = {group.code for group in groups}
        for loc, unit in units:
            if unit.group is not None and unit.group not in known:
                document.report((*loc, "group"), unknown_group(unit.group, groups))
            elif unit.group is None and declared and unit.group_code not in known:
                document.report(
                    (*loc, "group"),
                    f"a unit of kind {unit.kind} belongs to group "
                    f"'{default_group(unit.kind)}' unless it names one, and groups does not "
                    "define it: add `group:` to the unit or define the group",
                )
    return CheckedUnits([unit for _, unit in units], groups)


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
