"""Wording of the figures features: carry-over ratios, versions in an export, imports."""

from __future__ import annotations

NUMERATOR_ABOVE_DENOMINATOR_WARNING = (
    "Tử số lớn hơn mẫu số: có thể do việc của kỳ trước chuyển sang — đề nghị giải trình."
)
"""The warning of a ratio whose numerator may exceed its denominator (carry-over)."""
