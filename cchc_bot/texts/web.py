"""Wording the web desk builds in Python (the pages' own wording is in their templates)."""

from __future__ import annotations

from typing import Final

WINDOW: Final = "Số liệu từ {start} đến {end}"
CONFIRM_READING: Final = "Đúng, tôi nhập {reading} ({interpretation})"
CONFIRM_WARNINGS: Final = "Tôi đã kiểm tra: số liệu đúng dù có cảnh báo trên"
SAVED: Final = "Đã lưu"
NOT_EDITABLE: Final = (
    "Báo cáo này không còn ở trạng thái nhập (đã gửi hoặc đang chờ duyệt). Hãy tải lại trang."
)
CLOSED: Final = "Kỳ báo cáo đã đóng nên không lưu được số liệu. Hãy liên hệ {office}."
UPLOAD_REFUSED: Final = {
    "type": "Chỉ nhận tệp PDF, Word hoặc Excel.",
    "size": "Tệp quá lớn (tối đa 20 MB).",
    "empty": "Tệp rỗng, hãy chọn lại.",
    "content": "Nội dung tệp không khớp với đuôi tên tệp.",
    "no_report": "Không có báo cáo đang nhập để đính kèm tệp.",
}
UPLOADED: Final = "Đã đính kèm tệp {name}."
RETURNED: Final = "Đã trả lại báo cáo của {unit} kèm lý do."
RETURN_REFUSED: Final = "Không trả lại được: báo cáo của đơn vị chưa được gửi hoặc đã bị trả lại."
RETURN_REASON_SHORT: Final = "Hãy ghi lý do trả lại (ít nhất 10 ký tự)."
NUDGED: Final = "Đã nhắc {count} người của {unit}."
NUDGE_NOBODY: Final = "Không nhắc được: đơn vị chưa có ai liên kết hoặc đã được nhắc gần đây."
PERIOD_CLOSED: Final = "Đã đóng kỳ {period}: đơn vị không gửi thêm được."
PERIOD_REOPENED: Final = "Đã mở lại kỳ {period}: đơn vị gửi tiếp được."
SANDBOX_WEB: Final = "Bàn làm việc trên web: {base} (mở đường dẫn dưới đây trong trình duyệt)"
SANDBOX_WEB_LINK: Final = "  {label}: {url}"
SANDBOX_WEB_NOTE: Final = (
    "Mỗi đường dẫn dùng được một lần trong 10 phút (theo đồng hồ của sandbox); "
    "khởi động lại sandbox để có đường dẫn mới."
)
