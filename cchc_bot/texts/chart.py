"""Chart wording: titles, axes and legend of the status charts."""

from __future__ import annotations

TEXTS = {
    "title": "Tình hình nộp báo cáo CCHC — {label}",
    "closed": "{title} (kỳ đã khóa)",
    "kinds": "Tình trạng theo loại đơn vị",
    "units_axis": "Số đơn vị",
    "days": "Số báo cáo đã nộp, cộng dồn theo ngày",
    "reports_axis": "Số báo cáo",
    "deadline": "Hạn nộp {day}",
    "total": "Tổng số đơn vị: {count}",
    "empty": "Chưa có báo cáo nào được nộp",
}

CATEGORY_LABELS = {
    "submitted_on_time": "Nộp đúng hạn",
    "submitted_late": "Nộp muộn",
    "draft": "Đang nhập",
    "not_started": "Chưa bắt đầu",
    "no_account": "Chưa có tài khoản",
    "returned": "Bị trả lại",
}
