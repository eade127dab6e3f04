"""Chat wording for reminders and the coordinators' overdue digest."""

from __future__ import annotations

# --- Reminders ------------------------------------------------------------------------

REPORT_BUTTON = "📝 Nộp báo cáo"
REMINDER_OPENED = (
    "📢 <b>Kỳ báo cáo CCHC {label} đã mở</b>\n"
    "Đơn vị: <b>{unit}</b>\n"
    "Số liệu tính {window}.\n"
    "Hạn nộp: <b>{deadline}</b>.\n"
    "{progress}\n"
    "Bấm nút dưới đây hoặc gửi /report để bắt đầu."
)
REMINDER_BEFORE = (
    "🔔 <b>Nhắc báo cáo CCHC {label}</b>\n"
    "Đơn vị: <b>{unit}</b>\n"
    "Số liệu tính {window}.\n"
    "Hạn nộp: <b>{deadline}</b> — {left}.\n"
    "{progress}"
)
REMINDER_OVERDUE = (
    "⚠️ <b>Báo cáo CCHC {label} đã QUÁ HẠN {late} ngày</b>\n"
    "Đơn vị: <b>{unit}</b> chưa gửi báo cáo (hạn {deadline}).\n"
    "{progress}\n"
    "Đề nghị anh/chị hoàn thành và gửi báo cáo ngay hôm nay; "
    "{office} đang chờ để tổng hợp báo cáo của {organisation}."
)
REMINDER_MANUAL = (
    "📣 <b>{office} nhắc: báo cáo CCHC {label}</b>\n"
    "Đơn vị: <b>{unit}</b> chưa gửi báo cáo. Hạn nộp: <b>{deadline}</b> — {left}.\n"
    "{progress}"
)
LEFT_DAYS = "còn {days} ngày"
LEFT_TODAY = "hôm nay là hạn cuối"
LEFT_LATE = "đã quá hạn {days} ngày"
PROGRESS_NONE = "Đơn vị chưa bắt đầu nhập số liệu."
PROGRESS_DRAFT = "Đã nhập {answered}/{total} câu — gửi /report để nhập tiếp."
DIGEST_TITLE = (
    "📋 <b>Đơn vị quá hạn báo cáo CCHC {label}</b> (hạn {deadline})\n{count} đơn vị chưa nộp:"
)
DIGEST_LINE = "• {unit} — {heads} — quá hạn {late} ngày"
DIGEST_NO_HEAD = "chưa có thủ trưởng liên kết"
DIGEST_NO_ACCOUNT_TITLE = "🔕 <b>Chưa có tài khoản trên bot</b> (cần gọi điện, gửi mã liên kết):"
DIGEST_UNREACHABLE_TITLE = (
    "☎️ <b>Không nhắc được qua Telegram</b> (đã chặn bot hoặc bỏ Telegram, cần gọi điện):"
)
DIGEST_REMINDED_TITLE = "⏰ <b>Đã được nhắc nhưng chưa nộp</b>:"
DIGEST_NOT_REMINDED_TITLE = "🆕 <b>Mới liên kết, chưa được nhắc lần nào</b>:"
DIGEST_PHONE = " — ☎ {phone}"
DIGEST_MORE = "… và {count} đơn vị khác (xem /status)."
DIGEST_FOOTER = "\nGửi /remind để nhắc lại các đơn vị chưa nộp."


def days_left_text(days: int) -> str:
    """ "còn 3 ngày", "hôm nay là hạn cuối" or "đã quá hạn 2 ngày"."""
    if days > 0:
        return LEFT_DAYS.format(days=days)
    if days == 0:
        return LEFT_TODAY
    return LEFT_LATE.format(days=-days)


def progress_text(answered: int, total: int) -> str:
    """How far the unit's draft got."""
    if answered <= 0:
        return PROGRESS_NONE
    return PROGRESS_DRAFT.format(answered=answered, total=total)


def limited_lines(title: str, lines: list[str], footer: str, limit: int = 3800) -> str:
    """Join lines under a title, cutting the list with a count so the message fits Telegram."""
    text = title
    for index, line in enumerate(lines):
        if len(text) + len(line) + len(footer) + 80 > limit:
            return text + "\n" + DIGEST_MORE.format(count=len(lines) - index) + footer
        text += "\n" + line
    return text + footer
