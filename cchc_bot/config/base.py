"""Shared pieces of the configuration models: strictness and unit kinds."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A frozen model that rejects unknown keys, so typos in YAML are reported."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class UnitKind(StrEnum):
    """The four kinds of reporting unit of the district plan (CONTRACT.md)."""

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
