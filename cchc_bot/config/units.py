"""The `units.yaml` model: every unit that reports, with its kind and flags."""

from __future__ import annotations

from pydantic import Field

from cchc_bot.config.base import StrictModel, UnitKind

UNIT_CODE_PATTERN = r"^[a-z0-9_]+$"
# A phone number as people write it: digits with spaces, dots or dashes, "+84" allowed.
PHONE_PATTERN = r"^\+?[0-9][0-9 .\-]{7,18}[0-9]$"


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

    def flags(self) -> dict[str, bool]:
        """Return the boolean flags that `applies_to` rules can test."""
        return {"has_tthc": self.has_tthc, "active": self.active}


class UnitsFile(StrictModel):
    """The whole `units.yaml` file."""

    district: str = "Huyện Trần Đề"
    units: list[UnitConfig] = Field(min_length=1)

    def by_code(self) -> dict[str, UnitConfig]:
        """Index the units by code."""
        return {unit.code: unit for unit in self.units}
