"""Every sentence the bot says, in Vietnamese; handlers render replies only from here."""

from __future__ import annotations

from html import escape

BOT_TITLE = "Bot báo cáo cải cách hành chính huyện Trần Đề"

START_UNLINKED = (
    "Xin chào! Đây là <b>" + BOT_TITLE + "</b>.\n\n"
    "Tài khoản Telegram của anh/chị chưa được liên kết với cơ quan, đơn vị nào.\n"
    "Để sử dụng, anh/chị cần đường liên kết mời (hoặc mã mời) do Phòng Nội vụ cấp. "
    "Khi có, bấm vào đường liên kết hoặc gửi: <code>/start MÃ_MỜI</code>.\n\n"
    "Mã số Telegram của anh/chị là <code>{telegram_user_id}</code>; "
    "hãy gửi mã này cho Phòng Nội vụ khi đề nghị cấp quyền."
)

HELP_UNLINKED = (
    "Anh/chị chưa có quyền sử dụng bot.\n"
    "Liên hệ Phòng Nội vụ để nhận mã mời, rồi gửi <code>/start MÃ_MỜI</code>."
)

PRIVATE_CHAT_ONLY = (
    "Bot chỉ làm việc trong tin nhắn riêng. Vui lòng mở cuộc trò chuyện riêng với bot để báo cáo."
)

UNEXPECTED_ERROR = (
    "Xin lỗi, đã có lỗi ngoài ý muốn. Dữ liệu anh/chị đã nhập vẫn được lưu. "
    "Vui lòng thử lại sau ít phút; nếu vẫn lỗi, báo Phòng Nội vụ."
)

UNKNOWN_COMMAND = "Bot không hiểu lệnh này. Gửi /help để xem các lệnh anh/chị dùng được."


def start_unlinked(telegram_user_id: int) -> str:
    """The reply to /start from an account that is not linked."""
    return START_UNLINKED.format(telegram_user_id=telegram_user_id)


def html(text: str) -> str:
    """Escape user or configuration text for Telegram's HTML parse mode."""
    return escape(text, quote=False)


# --- Accounts and linking -------------------------------------------------------------

ROLE_LABELS = {
    "head": "Thủ trưởng / Chủ tịch UBND",
    "staff": "Công chức nhập số liệu",
    "coordinator": "Phòng Nội vụ (tổng hợp)",
}

LINK_FAILURES = {
    "malformed": (
        "Mã mời không đúng định dạng. Hãy bấm lại đường liên kết Phòng Nội vụ gửi, "
        "hoặc gửi đúng <code>/start MÃ_MỜI</code> (không thêm dấu cách)."
    ),
    "unknown": "Mã mời không đúng. Kiểm tra lại mã, hoặc đề nghị Phòng Nội vụ cấp mã mới.",
    "expired": "Mã mời đã hết hạn. Đề nghị Phòng Nội vụ cấp mã mời mới.",
    "revoked": "Mã mời này đã bị thu hồi. Đề nghị Phòng Nội vụ cấp mã mời mới.",
    "used": (
        "Mã mời này đã được sử dụng (mỗi mã chỉ dùng một lần). "
        "Nếu không phải anh/chị đã dùng, báo ngay cho Phòng Nội vụ."
    ),
    "unit_inactive": (
        "Đơn vị của mã mời này đã ngừng hoạt động trên hệ thống. Liên hệ Phòng Nội vụ."
    ),
}

TOO_MANY_ATTEMPTS = (
    "Anh/chị đã nhập sai mã mời quá nhiều lần. Vui lòng thử lại sau khoảng {minutes} phút."
)

LINKED_HEAD = (
    "✅ Đã liên kết tài khoản với <b>{unit}</b>, vai trò <b>{role}</b>.\n\n"
    "Chào {name}! Từ nay bot sẽ nhắc anh/chị trước mỗi hạn báo cáo CCHC.\n"
    "• /report (/baocao) — nhập hoặc tiếp tục báo cáo của đơn vị\n"
    "• /status (/tinhtrang) — tình trạng báo cáo của đơn vị\n"
    "• /help (/huongdan) — hướng dẫn"
)

LINKED_COORDINATOR = (
    "✅ Đã liên kết tài khoản, vai trò <b>{role}</b>.\n\n"
    "Chào {name}! Anh/chị theo dõi báo cáo CCHC của tất cả đơn vị:\n"
    "• /status (/tinhtrang) — tình trạng nộp báo cáo\n"
    "• /remind (/nhacnho) — nhắc các đơn vị chưa nộp\n"
    "• /return (/tralai) — trả lại báo cáo để chỉnh sửa\n"
    "• /export (/xuat) — tải bảng tổng hợp Excel\n"
    "• /help (/huongdan) — hướng dẫn"
)

ALREADY_LINKED = "Tài khoản của anh/chị đã được liên kết: <b>{current}</b>. Không có gì thay đổi."

CONFIRM_RELINK = (
    "Tài khoản của anh/chị đang liên kết: <b>{current}</b>.\n"
    "Mã mời này sẽ đổi thành: <b>{new}</b>.\n\n"
    "Anh/chị có muốn đổi không? Liên kết cũ sẽ chấm dứt, các báo cáo đã gửi vẫn được giữ."
)
CONFIRM_RELINK_YES = "✅ Đồng ý đổi"
CONFIRM_RELINK_NO = "✖️ Giữ nguyên"
RELINK_KEPT = "Đã giữ nguyên liên kết cũ: <b>{current}</b>."

START_LINKED = "Chào {name}! Tài khoản của anh/chị đang liên kết: <b>{current}</b>.\n\n{help}"

HELP_HEAD = (
    "<b>Hướng dẫn</b> ({role} — {unit})\n"
    "• /report hoặc /baocao — nhập, tiếp tục hoặc sửa báo cáo CCHC của đơn vị; "
    "bot hỏi từng câu, có nút bấm, nhập số theo kiểu Việt Nam (1.234 hoặc 95,5)\n"
    "• /status hoặc /tinhtrang — tình trạng báo cáo của đơn vị\n"
    "• /cancel hoặc /huy — tạm dừng; số liệu đã nhập vẫn được lưu\n"
    "• /help hoặc /huongdan — hướng dẫn này"
)

HELP_COORDINATOR = (
    "<b>Hướng dẫn</b> ({role})\n"
    "• /status hoặc /tinhtrang [MÃ_KỲ] — tình trạng nộp báo cáo của các đơn vị\n"
    "• /remind hoặc /nhacnho [MÃ_KỲ] — nhắc các đơn vị chưa nộp\n"
    "• /return hoặc /tralai MÃ_ĐƠN_VỊ MÃ_KỲ LÝ_DO — trả lại báo cáo để đơn vị sửa\n"
    "• /export hoặc /xuat [MÃ_KỲ] — bảng tổng hợp Excel\n"
    "• /help hoặc /huongdan — hướng dẫn này\n"
    "Mã kỳ có dạng 2024-Q1, 2024-H1, 2024-Q3, 2024-Y."
)

NOT_LINKED = (
    "Tài khoản của anh/chị chưa được liên kết nên chưa dùng được lệnh này.\n"
    "Gửi /start để xem cách nhận quyền truy cập."
)
COORDINATOR_ONLY = "Lệnh này chỉ dành cho Phòng Nội vụ."
UNIT_MEMBERS_ONLY = "Lệnh này dành cho thủ trưởng và công chức của các đơn vị báo cáo."
STALE_BUTTON = "Nút này đã hết hiệu lực."
IDLE_UNIT_MEMBER = (
    "Bot chưa hỏi gì nên chưa dùng được tin nhắn này. "
    "Gửi /report để nhập báo cáo, /status để xem tình trạng, /help để xem hướng dẫn."
)
IDLE_COORDINATOR = (
    "Bot chưa hỏi gì nên chưa dùng được tin nhắn này. "
    "Gửi /status để xem tình trạng nộp báo cáo, /help để xem các lệnh."
)

# Command menus (setMyCommands): (command, description) per role.
MENU_EVERYONE = [("start", "Bắt đầu / liên kết tài khoản"), ("help", "Hướng dẫn")]
MENU_HEAD = [
    ("report", "Nhập hoặc tiếp tục báo cáo CCHC"),
    ("status", "Tình trạng báo cáo của đơn vị"),
    ("help", "Hướng dẫn"),
    ("cancel", "Tạm dừng, giữ số liệu đã nhập"),
]
MENU_COORDINATOR = [
    ("status", "Tình trạng nộp báo cáo"),
    ("remind", "Nhắc đơn vị chưa nộp"),
    ("export", "Tải bảng tổng hợp Excel"),
    ("return", "Trả lại báo cáo để sửa"),
    ("help", "Hướng dẫn"),
]


def role_and_unit(role: str, unit_name: str | None) -> str:
    """Describe a role and unit, e.g. "Thủ trưởng / Chủ tịch UBND — Xã Tài Văn"."""
    label = ROLE_LABELS.get(role, role)
    return f"{label} — {html(unit_name)}" if unit_name else label


def too_many_attempts(minutes: int) -> str:
    """Refusal while the brute-force guard is on."""
    return TOO_MANY_ATTEMPTS.format(minutes=max(1, minutes))


def help_for(role: str, unit_name: str | None) -> str:
    """The /help text for a linked role."""
    if role == "coordinator":
        return HELP_COORDINATOR.format(role=ROLE_LABELS[role])
    return HELP_HEAD.format(role=ROLE_LABELS.get(role, role), unit=html(unit_name or ""))


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
    "Đề nghị thủ trưởng chỉ đạo hoàn thành và gửi ngay hôm nay; "
    "Phòng Nội vụ đang theo dõi để tổng hợp báo cáo UBND huyện."
)
REMINDER_MANUAL = (
    "📣 <b>Phòng Nội vụ nhắc: báo cáo CCHC {label}</b>\n"
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
DIGEST_UNREACHABLE_TITLE = "\n☎️ <b>Không nhắc được qua Telegram</b> (cần gọi điện):"
DIGEST_UNREACHABLE_LINE = "• {unit}"
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
