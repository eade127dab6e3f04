"""Chat wording for coordinators: status, nudges, returns, periods, exports, /view."""

from __future__ import annotations

# --- Status, nudges, returns, periods, export ------------------------------------------

STATUS_TITLE = "📊 <b>Tình trạng báo cáo CCHC {label}</b>\nHạn nộp: {deadline} — {left}{closed}"
STATUS_CLOSED = " · <b>kỳ đã đóng</b>"
STATUS_COUNTS = (
    "✅ Nộp đúng hạn: {on_time} · ⏰ Nộp muộn: {late}\n"
    "✏️ Đang nhập: {draft} · ⭕ Chưa bắt đầu: {not_started}\n"
    "↩️ Bị trả lại: {returned} · ☎️ Không liên lạc được: {unreachable}"
)
STATUS_KIND = "\n<b>{kind}</b>"
STATUS_LINE = "{icon} {name} (<code>{code}</code>) — {detail}"
STATUS_ICONS = {"submitted": "✅", "draft": "✏️", "not_started": "⭕", "returned": "↩️"}
STATUS_SUBMITTED = "nộp {at}"
STATUS_SUBMITTED_LATE = "nộp {at}, muộn {days} ngày"
STATUS_DRAFT = "đang nhập {answered}/{total}"
STATUS_NOT_STARTED = "chưa bắt đầu"
STATUS_RETURNED = "bị trả lại: {reason}"
STATUS_OVERDUE = " · quá hạn"
STATUS_UNREACHABLE = " · ☎️ không nhắn được"
STATUS_UNLINKED = " · chưa có tài khoản"
STATUS_PAGE = "Trang {page}/{pages}"
STATUS_PREVIOUS = "⬅️ Trang trước"
STATUS_NEXT = "Trang sau ➡️"
STATUS_RETURN_BUTTON = "↩️ Trả lại: {unit}"
STATUS_CHART_CAPTION = "Biểu đồ tình trạng nộp báo cáo {label}"
STATUS_UNIT = (
    "📊 <b>{unit}</b> — báo cáo CCHC {label}\n"
    "Hạn nộp: {deadline} — {left}\n"
    "Tình trạng: <b>{state}</b>"
)
STATUS_UNIT_STATES = {
    "not_started": "chưa bắt đầu",
    "draft": "đang nhập",
    "submitted": "đã gửi",
    "returned": "bị {office} trả lại",
}
STATUS_UNIT_PROGRESS = "Đã trả lời {answered}/{total} câu."
STATUS_UNIT_MISSING = "Còn thiếu: câu {numbers}."
STATUS_UNIT_SUBMITTED = "Đã gửi lúc {at} (phiên bản {version}){late}."
STATUS_UNIT_LATE = ", sau hạn"
STATUS_UNIT_RETURNED = "Lý do trả lại: <i>{reason}</i>. Gửi /report để sửa và gửi lại."
STATUS_UNIT_NEXT = "Gửi /report để nhập tiếp."
UNKNOWN_PERIOD = (
    "Không có kỳ báo cáo «{code}». Gõ Q1, quý 1, 6 tháng, quý 3 hoặc năm (của năm nay), "
    "hoặc mã như 2024-Q1, 2024-H1, 2024-Q3, 2024-Y."
)
UNIT_NOT_FOUND = (
    "Không tìm thấy đơn vị «{query}». Gõ tên, vài chữ đầu của tên hoặc mã đơn vị "
    "như trong /status (không cần dấu)."
)
UNIT_AMBIGUOUS = "«{query}» khớp với {count} đơn vị, xin gõ rõ hơn (hoặc gõ mã):"
UNIT_CANDIDATE = "• {name} — <code>{code}</code>"
UNIT_MORE_CANDIDATES = "… và {count} đơn vị khác."

REMIND_PLAN = (
    "📣 Nhắc báo cáo {label}: sẽ gửi cho <b>{people}</b> người của <b>{units}</b> đơn vị chưa nộp."
)
REMIND_RECENT = "Bỏ qua {count} đơn vị vừa được nhắc trong {hours} giờ qua:"
REMIND_NO_MEMBERS = "☎️ {count} đơn vị chưa có tài khoản liên kết (cần gọi điện):"
REMIND_UNIT_LINE = "• {name}{phone}"
REMIND_PHONE = " — ☎️ {phone}"
REMIND_NOBODY = "Không có đơn vị nào cần nhắc lúc này cho kỳ {label}."
REMIND_CONFIRM = "✅ Gửi nhắc"
REMIND_CANCEL = "✖️ Thôi"
REMIND_CANCELLED = "Đã hủy, không gửi nhắc."
REMIND_DONE = (
    "📣 Đã nhắc: gửi được {sent}, lỗi {failed} (sẽ thử lại), không nhắn được {unreachable}."
)

RETURN_USAGE = (
    "Cách dùng: <code>/return ĐƠN_VỊ KỲ LÝ_DO</code>\n"
    "Đơn vị: tên, vài chữ đầu của tên hoặc mã như trong /status; "
    "kỳ: Q1, quý 1, 6 tháng, quý 3, năm hoặc mã như 2024-Q1.\n"
    "Ví dụ: <code>/return Tài Văn Q1 Số hồ sơ quá hạn chưa khớp với phần mềm một cửa</code>"
)
RETURN_PROMPT = (
    "↩️ Trả lại báo cáo {label} của <b>{unit}</b>.\n"
    "Gõ lý do trả lại ở tin nhắn tiếp theo (đơn vị sẽ nhận được lý do), "
    "hoặc bấm «✖️ Thôi» nếu không trả lại."
)
RETURN_PROMPT_CANCEL = "✖️ Thôi"
RETURN_PROMPT_CANCELLED = "Đã thôi, không trả lại báo cáo nào."
RETURN_DONE = "↩️ Đã trả lại báo cáo {label} của {unit}."
RETURN_REACHED = "Đã báo cho: {names}."
RETURN_BLOCKED = "Không nhắn được (đã chặn bot; đã ghi là không liên lạc được): {names}."
RETURN_NOT_SENT = "Chưa gửi được cho: {names} (lỗi kết nối); xin báo lại cho họ."
RETURN_NOBODY = "Chưa ai của đơn vị nhận được tin: cần gọi điện báo{phone}."
RETURN_PHONE = " (☎️ {phone})"
RETURN_FAILED = {
    "unknown_unit": "Không có đơn vị mã «{code}». Xem mã ở /status.",
    "not_submitted": "{unit} chưa gửi báo cáo {label} nên chưa trả lại được.",
    "already_returned": "Báo cáo {label} của {unit} đã được trả lại trước đó.",
    "empty_reason": "Cần ghi lý do trả lại.",
}
RETURN_TO_UNIT = (
    "↩️ <b>{office} trả lại báo cáo CCHC {label}</b> của {unit} để chỉnh sửa.\n"
    "Lý do: <i>{reason}</i>\n"
    "Gửi /report để sửa (bot mở bảng tóm tắt), rồi bấm «Gửi báo cáo» để gửi lại."
)
REVISION_ARRIVED = "📬 {unit} đã gửi lại báo cáo {label} (phiên bản {version})."

PERIOD_USAGE = "Cách dùng: <code>/{command} MÃ_KỲ</code>, ví dụ <code>/{command} 2024-Q1</code>."
PERIOD_CLOSED_DONE = "🔒 Đã đóng kỳ {label}: đơn vị không nhập, không gửi thêm được."
PERIOD_REOPENED_DONE = (
    "🔓 Đã mở lại kỳ {label}: đơn vị nhập và gửi được (tính là muộn nếu sau hạn)."
)
PERIOD_UNCHANGED = "Kỳ {label} vốn đã ở trạng thái này."

EXPORT_CAPTION = "📎 Bảng tổng hợp báo cáo CCHC {label} ({units} đơn vị, {submitted} đã nộp)."
EXPORT_WORKING = "⏳ Đang lập bảng tổng hợp {label}…"
UNIT_REPORT_CAPTION = (
    "📄 Báo cáo {label} của đơn vị theo thể thức văn bản hành chính, lập từ số liệu vừa gửi. "
    "Thủ trưởng xem lại, ký (ký số hoặc ký trên giấy, rồi chụp/quét) và gửi lại tệp đã ký "
    "vào cuộc trò chuyện này: bot kèm tệp vào báo cáo đã gửi về {office}."
)
DRAFT_CAPTION = (
    "📝 Dự thảo báo cáo CCHC {label} ({units} đơn vị, {submitted} đã nộp). "
    "Các chỗ tô vàng là phần {office} cần bổ sung."
)
DRAFT_OUTLINE_BROKEN = (
    "Chưa lập được dự thảo: dàn ý báo cáo có lỗi.\n<code>{problem}</code>\n"
    "Nhờ người vận hành chạy <code>cchc-bot check-config</code>."
)

# --- /view: one unit's submitted report ------------------------------------------------

VIEW_USAGE = (
    "Cách dùng: <code>/view ĐƠN_VỊ [KỲ]</code>, ví dụ <code>/xem Tài Văn Q1</code>.\n"
    "Đơn vị: tên, vài chữ đầu của tên hoặc mã như trong /status."
)
VIEW_TITLE = (
    "🔎 <b>{unit}</b> (<code>{code}</code>) — báo cáo {label}\n"
    "Phiên bản {version}, gửi lúc {at}{late}. Tình trạng: {state}."
)
VIEW_LATE = ", sau hạn"
VIEW_STATES = {
    "submitted": "đã gửi",
    "revising": "đơn vị đang sửa (bản dưới đây vẫn được tính)",
    "returned": "đã trả lại để sửa",
}
VIEW_RETURNED = "Lý do trả lại: <i>{reason}</i>"
VIEW_NOT_SUBMITTED = "{unit} chưa gửi báo cáo {label} nên chưa có gì để xem."
VIEW_NO_ATTACHMENT = "📎 Đơn vị không đính kèm tệp."
VIEW_ATTACHMENT_CAPTION = "📎 Tệp đính kèm của {unit} — báo cáo {label}"
VIEW_RETURN_BUTTON = "↩️ Trả lại"
