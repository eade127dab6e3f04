"""The `units.yaml` model: every unit that reports, with its kind and flags."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from cchc_bot.config.base import (
    DEFAULT_KINDS,
    KIND_GROUPS,
    UNIT_CODE_PATTERN,
    KindConfig,
    StrictModel,
    as_kind,
)
from cchc_bot.config.organisation import Organisation, bundled_organisation

__all__ = ["KIND_GROUPS", "UNIT_CODE_PATTERN"]
# A phone number as people write it: digits with spaces, dots or dashes, "+84" allowed.
PHONE_PATTERN = r"^\+?[0-9][0-9 .\-]{7,18}[0-9]$"


class GroupConfig(StrictModel):
    """A group of units with its own subtotal (cấp huyện, ngành dọc, cấp xã...)."""

    code: str = Field(pattern=UNIT_CODE_PATTERN, max_length=40)
    label: str = Field(min_length=1, max_length=200)
    order: int | None = None
    # False: the group is shown on its own but left out of the district total.
    in_total: bool = True


DEFAULT_GROUPS: tuple[GroupConfig, ...] = (
    GroupConfig(code="cap_huyen", label="Cấp huyện", order=1),
    GroupConfig(code="nganh_doc", label="Cơ quan ngành dọc trên địa bàn", order=2),
    GroupConfig(code="cap_xa", label="Cấp xã", order=3),
)
"""The groups of a `units.yaml` that declares none (all in the total, as before groups)."""


def default_group(kind: str, kinds: tuple[KindConfig, ...] | list[KindConfig] = ()) -> str:
    """The group a unit of this kind belongs to when it names none."""
    for declared in kinds:
        if declared.code == kind:
            return declared.group_code
    return KIND_GROUPS.get(str(kind), str(kind))


def ordered_groups(groups: list[GroupConfig]) -> list[GroupConfig]:
    """Groups by `order` (those without one after, in file order)."""
    indexed = list(enumerate(groups))
    indexed.sort(key=lambda item: (item[1].order is None, item[1].order or 0, item[0]))
    return [group for _, group in indexed]


class UnitConfig(StrictModel):
    """One reporting unit (phòng, đơn vị sự nghiệp, cơ quan tỉnh or xã/thị trấn)."""

    code: str = Field(pattern=UNIT_CODE_PATTERN, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    # One of the four default kinds, or one declared in `kinds:` (checked across the file).
    kind: str = Field(pattern=UNIT_CODE_PATTERN, max_length=20)
    has_tthc: bool = False
    active: bool = True
    note: str | None = None
    # Whom Phòng Nội vụ calls when nobody of the unit is reachable on Telegram.
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    # The subtotal the unit is counted in; by default derived from the kind (KIND_GROUPS).
    group: str | None = Field(default=None, pattern=UNIT_CODE_PATTERN, max_length=40)
    # The unit above this one in the organisation tree (a unit code); none: a root.
    parent: str | None = Field(default=None, pattern=UNIT_CODE_PATTERN, max_length=40)
    # First and last day (both inclusive) the unit exists; none: always.
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # The units that took over when this one ended (merge: one, split: several).
    successors: list[Annotated[str, Field(pattern=UNIT_CODE_PATTERN, max_length=40)]] = Field(
        default_factory=list
    )
    # The node's coordinator confirms its subtree's aggregate and submits it upward, where it
    # counts as this unit's report (DHIS2's approval levels, for chat).
    consolidates: bool = False

    @field_validator("kind")
    @classmethod
    def _default_kind_as_enum(cls, value: str) -> str:
        """Keep the four default kinds as UnitKind members (`unit.kind is UnitKind.XA`)."""
        return as_kind(value)

    @property
    def group_code(self) -> str:
        """The unit's group: the one written, else the default of its kind."""
        return self.group if self.group is not None else default_group(self.kind)

    def valid_on(self, day: dt.date) -> bool:
        """Whether the unit exists on a day (its `valid_from` .. `valid_to`)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def flags(self) -> dict[str, bool]:
        """Return the boolean flags that `applies_to` rules can test."""
        return {"has_tthc": self.has_tthc, "active": self.active}


class UnitsFile(StrictModel):
    """The whole `units.yaml` file."""

    # Who runs the reporting; a file that names none gets the bundled configuration's.
    organisation: Organisation = Field(default_factory=bundled_organisation)
    # Superseded by `organisation:` (its `name`); still read so older files load.
    district: str | None = None
    units: list[UnitConfig] = Field(min_length=1)
    groups: list[GroupConfig] | None = Field(default=None, min_length=1)
    kinds: list[KindConfig] | None = Field(default=None, min_length=1)
    # Names of the tree's levels from the root down ("Thành phố", "Xã, phường", ...).
    levels: list[str] | None = Field(default=None, min_length=1)

    def unit_kinds(self) -> list[KindConfig]:
        """The kinds units may have: the declared ones, else the four defaults."""
        return list(self.kinds) if self.kinds is not None else list(DEFAULT_KINDS)

    @model_validator(mode="before")
    @classmethod
    def _kind_groups(cls, data: Any) -> Any:
        """Give a unit that names no group the default group of its declared kind."""
        if not isinstance(data, dict):
            return data
        kinds, units = data.get("kinds"), data.get("units")
        if not isinstance(kinds, list) or not isinstance(units, list):
            return data
        groups = {
            kind.get("code"): kind.get("group")
            for kind in kinds
            if isinstance(kind, dict) and isinstance(kind.get("group"), str)
        }
        filled = [
            {**unit, "group": groups[unit.get("kind")]}
            if isinstance(unit, dict) and "group" not in unit and unit.get("kind") in groups
            else unit
            for unit in units
        ]
        return {**data, "units": filled}

    def depth_of(self, code: str) -> int:
        """How many units lie above a unit in the tree (0 for a root); cycles stop the walk."""
        units = self.by_code()
        depth, seen = 0, {code}
        parent = units[code].parent if code in units else None
        while parent is not None and parent in units and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = units[parent].parent
        return depth

    def level_label(self, code: str) -> str | None:
        """The name of a unit's level when `levels:` is declared and reaches that deep."""
        if self.levels is None:
            return None
        depth = self.depth_of(code)
        return self.levels[depth] if depth < len(self.levels) else None

    def unit_groups(self) -> list[GroupConfig]:
        """The groups in display order: the declared ones, else DEFAULT_GROUPS."""
        return ordered_groups(self.groups) if self.groups is not None else list(DEFAULT_GROUPS)

    def by_code(self) -> dict[str, UnitConfig]:
        """Index the units by code."""
        return {unit.code: unit for unit in self.units}
