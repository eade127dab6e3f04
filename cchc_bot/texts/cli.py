"""Operator command-line wording: table titles, column headers and one-line summaries."""

from __future__ import annotations

ERROR_PREFIX = "[red]Lỗi / error:[/red] "

CALENDAR_TITLE = "Lịch báo cáo CCHC năm {year}"
CALENDAR_COLUMNS = ("Kỳ", "Tên", "Số liệu từ", "đến", "Hạn nộp", "Mở nhập", "Đóng", "Nhắc việc")

UNITS_TITLE = "Đơn vị báo cáo"
UNITS_COLUMNS = ("Mã", "Tên", "Loại", "Hoạt động", "Tài khoản đã liên kết")
YES = "có"
NO = "không"

STATUS_HEADLINE = "{label} ({code}), hạn {deadline}{closed}"
STATUS_CLOSED = " — đã đóng"
STATUS_COUNTS = (
    "đúng hạn {on_time} · muộn {late} · đang nhập {draft} · chưa bắt đầu {not_started} · "
    "bị trả lại {returned} · không liên lạc được {unreachable}"
)
STATUS_COLUMNS = ("Mã", "Đơn vị", "Loại", "Tình trạng", "Tiến độ", "Nộp lúc", "Muộn", "Liên lạc")
STATUS_LATE = "muộn"
STATUS_UNLINKED = "chưa liên kết"

INVITE_SHEET_COLUMNS = ("Mã đơn vị", "Tên đơn vị", "Vai trò", "Đường liên kết", "Mã mời", "Hết hạn")
INVITES_TITLE = "Mã mời"
MEMBERS_TITLE = "Tài khoản đã liên kết"
