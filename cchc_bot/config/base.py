"""Shared pieces of the configuration models: strictness and unit kinds."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

UNIT_CODE_PATTERN = r"^[a-z0-9_]+$"


class StrictModel(BaseModel):
    """A frozen model that rejects unknown keys, so typos in YAML are reported."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class UnitKind(StrEnum):
    """The four default kinds of reporting unit of the district plan (CONTRACT.md)."""

    PHONG = "phong"
    DVSN = "dvsn"
    CO_QUAN_TINH = "co_quan_tinh"
    XA = "xa"


UNIT_KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.PHONG: "Phòng chuyên môn",
    UnitKind.DVSN: "Đơn vị sự nghiệp",
    UnitKind.CO_QUAN_TINH: "Cơ quan tỉnh trên địa bàn",
    UnitKind.XA: "Xã, thị trấn",
}

KIND_GROUPS: dict[str, str] = {
    UnitKind.PHONG: "cap_huyen",
    UnitKind.DVSN: "cap_huyen",
    UnitKind.CO_QUAN_TINH: "nganh_doc",
    UnitKind.XA: "cap_xa",
}
"""The group of a unit of a default kind that names none."""


class KindConfig(StrictModel):
    """A kind of unit declared in `units.yaml` (`kinds:`): its code, label and default group."""

    code: str = Field(pattern=UNIT_CODE_PATTERN, max_length=40)
    label: str = Field(min_length=1, max_length=200)
    # The subtotal a unit of this kind is counted in when it names no `group`.
    group: str | None = Field(default=None, pattern=UNIT_CODE_PATTERN, max_length=40)

    @property
    def group_code(self) -> str:
        """The kind's default group: the one written, else the built-in one, else its code."""
        return self.group if self.group is not None else KIND_GROUPS.get(self.code, self.code)


DEFAULT_KINDS: tuple[KindConfig, ...] = tuple(
    KindConfig(code=kind.value, label=UNIT_KIND_LABELS[kind], group=KIND_GROUPS[kind])
    for kind in UnitKind
)
"""The kinds of a `units.yaml` that declares none: the contract's four."""


def as_kind(code: str) -> str:
    """A kind code, as the UnitKind member when it is one of the four defaults."""
    try:
        return UnitKind(code)
    except ValueError:
        return code


def kind_label(kind: str, kinds: tuple[KindConfig, ...] | list[KindConfig] = DEFAULT_KINDS) -> str:
    """A kind's label among the given kinds (default: the four), else the code itself."""
    for declared in kinds:
        if declared.code == kind:
            return declared.label
    return UNIT_KIND_LABELS.get(UnitKind(kind), kind) if kind in KIND_GROUPS else kind
