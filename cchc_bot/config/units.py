"""The `units.yaml` model: every unit that reports, with its kind and flags."""

from __future__ import annotations

from pydantic import Field

from cchc_bot.config.base import StrictModel, UnitKind

UNIT_CODE_PATTERN = r"^[a-z0-9_]+$"
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

KIND_GROUPS: dict[str, str] = {
    UnitKind.PHONG: "cap_huyen",
    UnitKind.DVSN: "cap_huyen",
    UnitKind.CO_QUAN_TINH: "nganh_doc",
    UnitKind.XA: "cap_xa",
}
"""The group of a unit that names none, by its kind."""


def default_group(kind: str) -> str:
    """The group a unit of this kind belongs to when it names none."""
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
    kind: UnitKind
    has_tthc: bool = False
    active: bool = True
    note: str | None = None
    # Whom Phòng Nội vụ calls when nobody of the unit is reachable on Telegram.
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    # The subtotal the unit is counted in; by default derived from the kind (KIND_GROUPS).
    group: str | None = Field(default=None, pattern=UNIT_CODE_PATTERN, max_length=40)

    @property
    def group_code(self) -> str:
        """The unit's group: the one written, else the default of its kind."""
        return self.group if self.group is not None else default_group(self.kind)

    def flags(self) -> dict[str, bool]:
        """Return the boolean flags that `applies_to` rules can test."""
        return {"has_tthc": self.has_tthc, "active": self.active}


class UnitsFile(StrictModel):
    """The whole `units.yaml` file."""

    district: str = "Huyện Trần Đề"
    units: list[UnitConfig] = Field(min_length=1)
    groups: list[GroupConfig] | None = Field(default=None, min_length=1)

    def unit_groups(self) -> list[GroupConfig]:
        """The groups in display order: the declared ones, else DEFAULT_GROUPS."""
        return ordered_groups(self.groups) if self.groups is not None else list(DEFAULT_GROUPS)

    def by_code(self) -> dict[str, UnitConfig]:
        """Index the units by code."""
        return {unit.code: unit for unit in self.units}
