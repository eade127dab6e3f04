"""Wording of the figures features: carry-over ratios, versions in an export, imports."""

from __future__ import annotations

NUMERATOR_ABOVE_DENOMINATOR_WARNING = (
    "Tử số lớn hơn mẫu số: có thể do việc của kỳ trước chuyển sang — đề nghị giải trình."
)
"""The warning of a ratio whose numerator may exceed its denominator (carry-over)."""

# --- an export of a period answered on more than one questionnaire version -----------------

VERSIONS_LABEL = "Phiên bản phiếu"
"""The summary sheet's label of the versions note, and the status sheet's column header."""

VERSIONS_NOTE = (
    "Kỳ này có báo cáo theo {count} phiên bản phiếu; số liệu được xếp theo mã chỉ tiêu, chỉ "
    "tiêu không có trong phiên bản đơn vị đã trả lời để trống. {versions}."
)
VERSION_UNITS = "Phiên bản {version}: {units}"
VERSION_UNIT_COUNT = "Phiên bản {version}: {count} đơn vị"
