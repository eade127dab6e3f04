"""Wording of the organisation tree: coordinator scopes and subtotals per child node."""

from __future__ import annotations

# Chat replies (plain text) when a coordinator of one subtree reaches outside it.
OUT_OF_SCOPE_UNIT = (
    "{unit} không thuộc phạm vi anh/chị điều phối ({scope}). "
    "Anh/chị chỉ xem, nhắc, trả lại và xuất báo cáo của các đơn vị trong phạm vi này."
)
WHOLE_TREE_ONLY = (
    "Việc này áp dụng cho mọi đơn vị, nên chỉ đầu mối điều phối chung thực hiện được; "
    "phạm vi của anh/chị là {scope}."
)
# The status title's extra line for a scoped coordinator.
STATUS_SCOPE = "Phạm vi: {scope}"

# The export workbook's sheet of subtotals per child node of the scope.
NODE_SHEET = "Theo đơn vị cấp dưới"
NODE_SHEET_TITLE = "Tổng hợp theo đơn vị cấp dưới: {scope}, {label}"
NODE_HEADER_INDICATOR = "Chỉ tiêu"
NODE_HEADER_UNIT = "Đơn vị tính"

# The workbook's note on a data window that straddles a change of units (merge, split).
UNIT_CHANGES_LABEL = "Đơn vị thay đổi trong kỳ"
UNIT_CHANGES_NOTE = (
    "Thời gian chốt số liệu của kỳ có đơn vị bắt đầu hoặc kết thúc: {changes}. "
    "Số cùng kỳ, kỳ trước của đơn vị mới là số của các đơn vị trước đó cộng lại theo cách "
    "tính của từng chỉ tiêu."
)
UNIT_BEGAN = "{name} (từ {day})"
UNIT_ENDED = "{name} (đến {day})"
