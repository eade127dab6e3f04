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

# /consolidate (/tonghop): a consolidating node's report, sent up a level (plain text).
CONSOLIDATE_PREVIEW = (
    "Báo cáo tổng hợp {label} của {node}: {counted}/{expected} đơn vị bên dưới đã nộp{missing}. "
    "Gửi /consolidate {code} gửi để xác nhận và gửi lên cấp trên; "
    "ở cấp trên, báo cáo này được tính là báo cáo của {node}."
)
CONSOLIDATE_MISSING = "; chưa nộp: {names}"
CONSOLIDATE_SUBMITTED = (
    "Đã gửi báo cáo tổng hợp {label} của {node} lên cấp trên "
    "(lần {version}, {counted}/{expected} đơn vị bên dưới đã nộp)."
)
CONSOLIDATE_ALREADY = (
    "Báo cáo tổng hợp {label} của {node} đã gửi lên cấp trên (lần {version}). "
    "Chỉ gửi lại khi cấp trên trả lại để sửa."
)
CONSOLIDATE_NOT_NODE = (
    "Anh/chị không phụ trách đơn vị nào tổng hợp báo cáo gửi lên cấp trên "
    "(trong units.yaml, đơn vị đó cần ghi consolidates: true)."
)
CONSOLIDATE_NOTHING = (
    "Chưa đơn vị nào bên dưới {node} nộp báo cáo {label}, nên chưa có gì để tổng hợp."
)
# The word that confirms: "/consolidate Q1 gửi" (also typed without diacritics).
CONSOLIDATE_CONFIRM_WORDS = ("gửi", "xác nhận")
