"""The dashboard's status table: rows from the status service, filtered, searched and sorted."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from cchc_bot import date_format, lookup
from cchc_bot.services.status import STATES, PeriodStatus, UnitStatus

LATE_CHOICES = ("late", "on_time")
_TAG = re.compile(r"<[^>]*>")


def plain(telegram_html: str) -> str:
    """Text made for Telegram's HTML mode as plain text (the page template escapes it again)."""
    return html.unescape(_TAG.sub("", telegram_html))


@dataclass(frozen=True)
class Filters:
    """What the coordinator asked the table to show (empty: everything)."""

    kind: str = ""
    state: str = ""
    late: str = ""
    query: str = ""
    group: str = ""
    # Each unit's group (units.yaml `group`, else its kind's), to filter by group.
    group_of: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(
        cls,
        query: Mapping[str, str],
        kinds: Sequence[str],
        group_of: Mapping[str, str] | None = None,
    ) -> Filters:
        """Read the filters from the URL's query, dropping values that are not choices."""
        group_of = group_of or {}
        group = query.get("group", "")
        kind = query.get("kind", "")
        state = query.get("state", "")
        late = query.get("late", "")
        return cls(
            kind=kind if kind in kinds else "",
            state=state if state in STATES else "",
            late=late if late in LATE_CHOICES else "",
            query=query.get("q", "").strip()[:100],
            group=group if group in set(group_of.values()) else "",
            group_of=group_of,
        )

    def keeps(self, unit: UnitStatus) -> bool:
        """Whether a unit passes every filter."""
        if self.kind and unit.kind != self.kind:
            return False
        if self.group and self.group_of.get(unit.code) != self.group:
            return False
        if self.state and unit.state != self.state:
            return False
        if self.late == "late" and not unit.late:
            return False
        if self.late == "on_time" and unit.late:
            return False
        if self.query:
            wanted = lookup.fold(self.query)
            return wanted in lookup.fold(unit.name) or wanted in unit.code
        return True


@dataclass(frozen=True)
class StatusRow:
    """One unit's line of the table, ready to show."""

    code: str
    name: str
    kind: str
    state: str
    late: bool
    answered: int
    total: int
    last_activity: str
    submitted_at: str
    linked: bool
    reachable: bool


def _shown(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    return date_format.format_datetime(moment, tz) if moment is not None else ""


def status_rows(status: PeriodStatus, filters: Filters, tz: ZoneInfo) -> list[StatusRow]:
    """The units that pass the filters, in Vietnamese alphabetical order of their names."""
    kept = sorted(
        (unit for unit in status.units if filters.keeps(unit)),
        key=lambda unit: lookup.sort_key(unit.name),
    )
    return [
        StatusRow(
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            state=unit.state,
            late=unit.late,
            answered=unit.answered,
            total=unit.total,
            last_activity=_shown(unit.last_activity, tz),
            submitted_at=_shown(unit.submitted_at, tz),
            linked=unit.linked,
            reachable=unit.reachable,
        )
        for unit in kept
    ]
