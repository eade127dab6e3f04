"""Which questionnaire version each unit answered, when a period spans more than one."""

from __future__ import annotations

from collections import defaultdict

from cchc_bot.aggregation import ExportData
from cchc_bot.texts import figures as words

NAMED_UNITS_LIMIT = 12
"""A version answered by more units than this is told by its count, not by every name."""


def answered_versions(data: ExportData) -> dict[str, list[str]]:
    """Questionnaire version -> names of the counted units whose figures were answered on it."""
    versions: defaultdict[str, list[str]] = defaultdict(list)
    for unit in data.units:
        if unit.counted and unit.questionnaire_version is not None:
            versions[unit.questionnaire_version].append(unit.name)
    return dict(versions)


def versions_note(data: ExportData) -> str | None:
    """The summary sheet's note naming who answered which version; None for a single one."""
    versions = answered_versions(data)
    if len(versions) < 2:
        return None
    parts = []
    for version in sorted(versions):
        names = versions[version]
        if len(names) > NAMED_UNITS_LIMIT:
            parts.append(words.VERSION_UNIT_COUNT.format(version=version, count=len(names)))
        else:
            parts.append(words.VERSION_UNITS.format(version=version, units=", ".join(names)))
    return words.VERSIONS_NOTE.format(count=len(versions), versions="; ".join(parts))
