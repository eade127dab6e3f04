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

# Sent on start to a chat whose message was being handled when the bot stopped abruptly.
INTERRUPTED_BY_RESTART = (
    "Bot vừa khởi động lại khi đang xử lý tin nhắn gần nhất của anh/chị. "
    "Tin nhắn đó đã được ghi nhận nhưng có thể anh/chị chưa nhận được trả lời: "
    "gửi /report để xem báo cáo đang ở câu nào, hoặc /help."
)


def start_unlinked(telegram_user_id: int) -> str:
    """The reply to /start from an account that is not linked."""
    return START_UNLINKED.format(telegram_user_id=telegram_user_id)


def html(text: str) -> str:
    """Escape user or configuration text for Telegram's HTML parse mode."""
    return escape(text, quote=False)


def mid_sentence(label: str) -> str:
    """A label as said inside a sentence: "Số hồ sơ" -> "số hồ sơ"; "TTHC" stays as it is."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


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
    "• /view (/xem) — xem báo cáo một đơn vị đã gửi\n"
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
    "<b>Hướng dẫn</b> — {role}, {unit}\n"
    "• /report hoặc /baocao — nhập, tiếp tục hoặc sửa báo cáo CCHC của đơn vị; "
    "bot hỏi từng câu, có nút bấm, nhập số theo kiểu Việt Nam (1.234 hoặc 95,5)\n"
    "• /status hoặc /tinhtrang — tình trạng báo cáo của đơn vị\n"
    "• /cancel hoặc /huy — tạm dừng; số liệu đã nhập vẫn được lưu\n"
    "• /web — đường dẫn mở bàn làm việc trên trình duyệt (nếu máy chủ đã bật)\n"
    "• /help hoặc /huongdan — hướng dẫn này"
)

HELP_COORDINATOR = (
    "<b>Hướng dẫn</b> — {role}\n"
    "• /status hoặc /tinhtrang [KỲ] — tình trạng nộp báo cáo của các đơn vị\n"
    "• /view hoặc /xem ĐƠN_VỊ [KỲ] — xem báo cáo đơn vị đã gửi (số liệu, cảnh báo, giải trình, tệp)\n"
    "• /remind hoặc /nhacnho [KỲ hoặc ĐƠN_VỊ] — nhắc các đơn vị chưa nộp\n"
    "• /return hoặc /tralai ĐƠN_VỊ KỲ LÝ_DO — trả lại báo cáo để đơn vị sửa\n"
    "• /export hoặc /xuat [KỲ] — bảng tổng hợp Excel\n"
    "• /draftreport hoặc /duthao [KỲ] — dự thảo báo cáo CCHC của huyện (Word)\n"
    "• /close hoặc /dongky KỲ — đóng kỳ, không nhận thêm báo cáo; /reopen hoặc /moky KỲ — mở lại\n"
    "• /web — đường dẫn mở bàn làm việc trên trình duyệt: bảng tình trạng, lọc, tải Excel\n"
    "• /help hoặc /huongdan — hướng dẫn này\n"
    "Đơn vị: tên, vài chữ đầu của tên hoặc mã như trong /status (không cần dấu). "
    "Kỳ: Q1, quý 1, 6 tháng, quý 3, năm (của năm nay) hoặc mã như 2024-Q1."
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
    ("draftreport", "Dự thảo báo cáo CCHC (Word)"),
    ("view", "Xem báo cáo một đơn vị đã gửi"),
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
    "Đề nghị anh/chị hoàn thành và gửi báo cáo ngay hôm nay; "
    "Phòng Nội vụ đang chờ để tổng hợp báo cáo UBND huyện."
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


# --- The report conversation ----------------------------------------------------------

PROGRESS_FULL = "▰"
PROGRESS_EMPTY = "▱"
QUESTION_HEADER = "<b>{section}</b>\nCâu {number}/{total} {bar}"
QUESTION_WINDOW = "<i>Số liệu tính từ {start} đến {end}</i>"
QUESTION_UNIT = "Đơn vị tính: {unit}"
QUESTION_TARGET = "Chỉ tiêu: {target}"
QUESTION_OPTIONAL = "(Câu không bắt buộc)"
QUESTION_CURRENT = "Đã trả lời: <b>{value}</b>. Gõ câu trả lời mới, hoặc bấm «Giữ nguyên»."
PROMPTS = {
    "integer": "Nhập một số nguyên, ví dụ 1.234.",
    "decimal": "Nhập một số, ví dụ 1.234 hoặc 12,5.",
    "percent": "Nhập tỷ lệ phần trăm, ví dụ 95,5.",
    "boolean": "Chọn «Có» hoặc «Không» (hoặc gõ: có / không).",
    "choice": "Chọn một phương án (hoặc gõ số thứ tự):",
    "text": "Gõ câu trả lời (tối đa {max_length} ký tự).",
}
PROMPT_TEXT_MIN = "Gõ câu trả lời (ít nhất {min_length}, tối đa {max_length} ký tự)."
PROMPT_NUMERATOR = (
    "Nhập <b>{numerator}</b>{unit}.\n"
    "Có thể gõ cả tử số và mẫu số trong một tin, ví dụ 17/20 nghĩa là tử số 17, mẫu số 20."
)
PROMPT_NUMERATOR_FIXED = (
    "Mẫu số lấy từ câu {source} — {denominator}: <b>{denominator_value}</b>.\n"
    "Nhập <b>{numerator}</b>{unit}."
)
PROMPT_NUMERATOR_FIXED_UNNAMED = (
    "Mẫu số lấy từ câu {source}: <b>{denominator_value}</b>.\nNhập <b>{numerator}</b>{unit}."
)
PROMPT_DENOMINATOR = "Đã nhận tử số: <b>{numerator_value}</b>.\nNhập <b>{denominator}</b>{unit}."
PROMPT_CONFIRM_NUMBER = (
    "Bot hiểu số anh/chị nhập là <b>{reading}</b> ({interpretation}). Đúng không?"
)
PROMPT_CONFIRM_NUMBER_PLAIN = "Bot hiểu số anh/chị nhập là <b>{reading}</b>. Đúng không?"
OLD_INTERPRETATION_PREFIX = "Hiểu là "
NUMERATOR_WORD = "tử số"
DENOMINATOR_WORD = "mẫu số"
PROMPT_CONFIRM_WARNING = "Anh/chị xác nhận số liệu trên là đúng, hay sửa lại?"
PROMPT_EXPLANATION = "Vui lòng ghi ngắn gọn lý do chưa đạt chỉ tiêu (giải trình), ít nhất 10 ký tự."
PROMPT_EXPLANATION_WARNING = (
    "Anh/chị đã xác nhận số liệu đúng. Vui lòng ghi ngắn gọn giải trình cho số liệu này, "
    "ít nhất 10 ký tự."
)
CHOICE_LINE = "{number}. {option}"
ANSWER_YES = "Có"
ANSWER_NO = "Không"
ANSWER_NOT_APPLICABLE = "Không phát sinh"
ANSWER_SKIPPED = "Bỏ qua"
ANSWER_RATIO = "{numerator}/{denominator} = {percent}"
ANSWER_RATIO_NA = "{numerator}/{denominator} (không phát sinh)"
ANSWER_AUTOMATIC = "Không phát sinh (tự động)"
ANSWER_EXPLANATION = "Giải trình: {explanation}"

BUTTON_LABELS = {
    "yes": "✅ Có",
    "no": "❌ Không",
    "not_applicable": "Không phát sinh",
    "skip": "⏭ Bỏ qua",
    "keep": "👌 Giữ nguyên",
    "back": "⬅️ Quay lại",
    "review": "📋 Xem lại",
    "number_correct": "✅ Đúng",
    "number_wrong": "✏️ Sai, nhập lại",
    "warning_confirm": "✅ Số liệu đúng",
    "warning_correct": "✏️ Sửa lại",
    "submit": "✅ Gửi báo cáo",
    "continue": "▶️ Nhập tiếp",
    "edit": "✏️ Sửa",
}
BUTTON_FIX = "✏️ Sửa câu {number}"

NOTICES = {
    "invalid_number": "⚠️ {message}",
    "invalid_ratio": "⚠️ {message}",
    "numerator_above_denominator": "⚠️ Tử số ({numerator}) không được lớn hơn mẫu số ({denominator}).",
    "part_above_maximum": "⚠️ Số này vượt quá mức tối đa {maximum}.",
    "part_mismatch": "⚠️ Mẫu số phải bằng số đã trả lời ở câu {source_number} ({expected}).",
    "not_a_boolean": "⚠️ Vui lòng chọn «Có» hoặc «Không» (gõ: có / không).",
    "not_a_choice": "⚠️ Vui lòng chọn một phương án từ 1 đến {count}.",
    "text_not_meaningful": "⚠️ Câu trả lời cần có nội dung bằng chữ.",
    "text_too_short": "⚠️ Câu trả lời quá ngắn: cần ít nhất {min_length} ký tự (mới có {length}).",
    "text_too_long": "⚠️ Câu trả lời quá dài: tối đa {max_length} ký tự (đang có {length}). Vui lòng rút gọn.",
    "explanation_too_short": "⚠️ Giải trình cần ít nhất {min_length} ký tự (mới có {length}).",
    "explanation_too_long": "⚠️ Giải trình tối đa {max_length} ký tự (đang có {length}).",
    "skip_not_allowed": "⚠️ Câu này bắt buộc, không bỏ qua được.",
    "not_applicable_not_allowed": "⚠️ Câu này không có lựa chọn «Không phát sinh».",
    "nothing_to_keep": "⚠️ Câu này chưa có câu trả lời để giữ nguyên.",
    "at_first_question": "Đây là câu đầu tiên.",
    "submit_only_from_summary": "Anh/chị chỉ gửi được báo cáo từ bảng tóm tắt (bấm «Xem lại»).",
    "stale_button": "Nút này thuộc câu hỏi trước, không còn dùng được.",
    "unrecognized": "⚠️ Bot chưa hiểu câu trả lời này.",
    "ambiguous_rejected": "Vui lòng nhập lại số cho rõ.",
    "rule_error": "⛔ {message} (các câu {numbers})",
    "rule_warning": "⚠️ {message} (các câu {numbers})",
    "dependent_changed": (
        "🔁 Câu {number} lấy số từ câu {source_number} nên đã đổi: "
        "{before_numerator}/{before_denominator} = {before_percent} → "
        "{numerator}/{denominator} = {percent}."
    ),
    "dependent_cleared": (
        "🔁 Câu {number} lấy số từ câu {source_number}: số cũ không còn hợp lệ, cần trả lời lại."
    ),
    "warning_not_explained": "• Câu {number}: {message} Cần ghi giải trình.",
    "jump": "⚠️ {value} cao hơn {factor} lần so với kỳ trước ({previous}).",
    "below_first_quarter": (
        "⚠️ Số lũy kế {value} thấp hơn số đã báo cáo ở Quý I ({first_quarter}); "
        "số 6 tháng và cả năm phải bao gồm cả Quý I."
    ),
    "target_missed": "📉 Số liệu {value} chưa đạt chỉ tiêu {target}.",
    "ratio_saved": "✅ Câu {number}: {numerator}/{denominator} = {percent}.",
    "value_saved": "✅ Câu {number}: {value}.",
    "not_applicable_saved": "✅ Câu {number}: Không phát sinh.",
    "passed_over": "ℹ️ Câu {number} tự động ghi «Không phát sinh» vì câu {source_number} bằng 0.",
    "resumed": "▶️ Tiếp tục báo cáo: đã trả lời {answered}/{total} câu.",
    "position_reset": "ℹ️ Phiếu báo cáo đã thay đổi, bot đưa anh/chị về câu chưa trả lời.",
    "edit_needs_number": "✏️ Gõ số thứ tự câu cần sửa (1–{total}), ví dụ: sửa 7.",
    "edit_out_of_range": "⚠️ Không có câu {number}; chọn từ 1 đến {total}.",
    "edit_passed_over": "ℹ️ Câu {number} được ghi tự động theo câu {source_number}; hãy sửa câu {source_number}.",
    "all_answered": "✅ Đã trả lời đủ các câu. Kiểm tra bảng tóm tắt rồi bấm «Gửi báo cáo».",
    "missing_answer": "• Câu {number} chưa trả lời.",
    "invalid_answer": "• Câu {number}: câu trả lời không hợp lệ, vui lòng sửa.",
    "explanation_missing": "• Câu {number}: chưa đạt chỉ tiêu {target}, cần giải trình.",
    "pending_step": "• Câu {number} đang trả lời dở.",
    "submit_blocked": "⛔ Chưa gửi được: còn {count} vấn đề cần xử lý (xem danh sách).",
    "already_submitted": "Báo cáo đã gửi.",
}

SUMMARY_TITLE = "📋 <b>Tóm tắt báo cáo {label}</b> — {unit}\nĐã trả lời {answered}/{total} câu."
SUMMARY_SECTION = "\n<b>{title}</b>"
SUMMARY_ITEM = "{number}. {label}: <b>{value}</b>"
SUMMARY_ITEM_ERROR = "{number}. ❗ {label}: <b>{value}</b>"
SUMMARY_UNANSWERED = "—"
SUMMARY_ERRORS = "\n⛔ <b>Cần sửa trước khi gửi:</b>"
SUMMARY_WARNINGS = "\n⚠️ <b>Lưu ý (đã xác nhận):</b>"
SUMMARY_ATTACHMENT = "\n📎 Tệp báo cáo đã ký: {name}"
SUMMARY_NO_ATTACHMENT = (
    "\n📎 Có thể gửi kèm tệp báo cáo đã ký số (PDF, DOC/DOCX, XLS/XLSX) trước khi gửi."
)
SUMMARY_RETURNED = "↩️ Phòng Nội vụ trả lại báo cáo: <i>{reason}</i>"
# A rule not met, written out with the person's figures: "1.150 + 40 = 1.190, nhưng …".
RULE_WITH_ARITHMETIC = {
    "rule_error": "⛔ {message}\n{arithmetic} (câu {numbers})",
    "rule_warning": "⚠️ {message}\n{arithmetic} (câu {numbers})",
}
RULE_SIDE_FIGURE = "{label} là {value}"
RULE_SIDE_SUM = "{expression} = {value}"
RULE_SIDE_FIGURE_SHORT = "{label} ({value})"
RULE_ARITHMETIC = {
    "==": "{left}, nhưng {right}",
    "!=": "{left}, bằng {right_short}",
    "<=": "{left}, lớn hơn {right_short}",
    "<": "{left}, không nhỏ hơn {right_short}",
    ">=": "{left}, nhỏ hơn {right_short}",
    ">": "{left}, không lớn hơn {right_short}",
}
SUMMARY_CHANGED = "✏️ Đã lưu:"
SUMMARY_PROGRESS = "Đã trả lời {answered}/{total} câu."
SUMMARY_LEFT = "Còn <b>{count}</b> câu chưa trả lời."
SUMMARY_MISSING_GROUP = "• {count} câu chưa trả lời: câu {numbers}."
SUMMARY_HOW = "Bấm {ways}."
SUMMARY_HOW_SEPARATOR = "; "
SUMMARY_WAYS = {
    "submit": "«✅ Gửi báo cáo» để nộp",
    "continue": "«▶️ Nhập tiếp» để trả lời các câu còn lại",
    "fix": "«✏️ Sửa câu …» để sửa câu có vấn đề",
    "edit": "«✏️ Sửa» (hoặc gõ «sửa 7») để sửa một câu",
    "review": "gõ «xem lại» để xem toàn bộ bảng tóm tắt",
}
REPORT_OPENING = (
    "📝 <b>Báo cáo CCHC {label}</b> — {unit}\n"
    "Số liệu tính từ {start} đến {end}.\n"
    "Hạn nộp: <b>{deadline}</b> ({left}).\n"
    "{questions} câu hỏi, mất khoảng {minutes} phút. Mỗi câu trả lời được lưu ngay: "
    "có thể dừng (/cancel) và nhập tiếp bất cứ lúc nào."
)
REPORT_OPENING_RESUME = (
    "📝 <b>Báo cáo CCHC {label}</b> — {unit}\n"
    "Số liệu tính từ {start} đến {end}.\n"
    "Hạn nộp: <b>{deadline}</b> ({left}).\n"
    "Còn {left_questions}/{questions} câu, mất khoảng {minutes} phút."
)
REPORT_OPENING_READY = (
    "📝 <b>Báo cáo CCHC {label}</b> — {unit}\n"
    "Số liệu tính từ {start} đến {end}.\n"
    "Hạn nộp: <b>{deadline}</b> ({left}).\n"
    "Đã trả lời đủ {questions} câu: kiểm tra bảng tóm tắt bên dưới trước khi gửi."
)

REPORT_CHOOSE_PERIOD = "Đơn vị đang có {count} kỳ báo cáo mở. Chọn kỳ muốn nhập:"
REPORT_PERIOD_LINE = "{number}. {label} — hạn {deadline} ({state})"
REPORT_PERIOD_STATES = {
    "not_started": "chưa nhập",
    "draft": "đang nhập",
    "returned": "bị trả lại",
    "revising": "đang sửa",
    "submitted": "đã gửi",
    "awaiting_approval": "chờ thủ trưởng duyệt",
}
REPORT_NO_OPEN_PERIOD = "Hiện không có kỳ báo cáo CCHC nào đang mở cho đơn vị."
REPORT_NEXT_PERIOD = "Kỳ tiếp theo: <b>{label}</b>, mở nhập từ {opens}, hạn nộp {deadline}."
REPORT_PERIOD_CLOSED = "Kỳ báo cáo này đã đóng. Gửi /report để xem các kỳ đang mở."
REPORT_NOT_IN_REPORT = "Anh/chị chưa mở báo cáo nào. Gửi /report để bắt đầu."
REPORT_STALE = "Nút này thuộc một câu hỏi cũ. Câu hiện tại:"
REPORT_CANCELLED = "⏸ Đã tạm dừng. Số liệu đã nhập vẫn được lưu; gửi /report để nhập tiếp."
REPORT_CANCEL_NOTHING = "Không có báo cáo nào đang nhập. Gửi /report để bắt đầu."
REPORT_RECEIPT = (
    "✅ <b>Đã gửi báo cáo CCHC {label}</b>\n"
    "Đơn vị: {unit}\n"
    "Đã trả lời: {answered}/{total} câu{details}\n"
    "{attachment}\n"
    "Thời gian gửi: {at}\n"
    "{timeliness}\n"
    "Phiên bản: {version}\n"
    "Cảm ơn anh/chị! Nếu cần sửa trước hạn, gửi /report."
)
REPORT_ON_TIME = "Đúng hạn ✅"
RECEIPT_DETAILS = " ({parts})"
RECEIPT_PARTS = {
    "not_applicable": "{count} không phát sinh",
    "skipped": "{count} bỏ qua",
}
RECEIPT_ATTACHMENT = "Tệp đính kèm: {name}"
RECEIPT_NO_ATTACHMENT = "Không có tệp đính kèm."
REPORT_LATE = "Nộp muộn (sau hạn {deadline}) ⚠️"
REPORT_AWAITING = (
    "📨 Đã chuyển báo cáo {label} cho thủ trưởng đơn vị duyệt. "
    "Báo cáo được tính là đã nộp khi thủ trưởng bấm «Duyệt»."
)
REPORT_ALREADY = "Báo cáo {label} của {unit} đã gửi lúc {at} (phiên bản {version})."
REPORT_CAN_REVISE = "Chưa hết hạn nên anh/chị vẫn sửa được: bấm «Sửa báo cáo» để tạo phiên bản mới."
REPORT_CANNOT_REVISE = "Đã quá hạn; nếu cần sửa, đề nghị Phòng Nội vụ trả lại báo cáo."
REPORT_REVISE_BUTTON = "✏️ Sửa báo cáo"
REPORT_WAITING_APPROVAL = "Báo cáo {label} đang chờ thủ trưởng duyệt."
APPROVAL_REQUEST = (
    "📨 Công chức đã nhập xong báo cáo CCHC {label} của {unit} và đề nghị anh/chị duyệt."
)
APPROVE_BUTTON = "✅ Duyệt và gửi"
SEND_BACK_BUTTON = "↩️ Trả lại để sửa"
APPROVAL_SENT_BACK = "↩️ Đã trả lại báo cáo {label} cho công chức sửa."
APPROVAL_DONE_FOR_STAFF = "✅ Thủ trưởng đã duyệt và gửi báo cáo {label}."
APPROVAL_BACK_FOR_STAFF = "↩️ Thủ trưởng trả lại báo cáo {label} để sửa. Gửi /report để sửa."

REPORT_NON_TEXT = {
    "sticker": "Bot không dùng được nhãn dán (sticker).",
    "photo": "Bot không đọc được số liệu trong ảnh.",
    "voice": "Bot không nghe được tin nhắn thoại.",
    "video": "Bot không dùng được video.",
    "location": "Bot không dùng vị trí.",
    "contact": "Bot không dùng danh bạ.",
    "other": "Bot không dùng được loại tin nhắn này.",
}
REPORT_TYPE_ANSWER = "Vui lòng gõ câu trả lời bằng chữ số hoặc bấm nút."
REPORT_EDITED_IGNORED = (
    "Bot không dùng tin nhắn đã sửa. Muốn đổi câu trả lời, bấm «⬅️ Quay lại» "
    "hoặc «📋 Xem lại» rồi «Sửa»."
)
REPORT_FORWARD_IGNORED = "Bot không nhận tin nhắn chuyển tiếp; vui lòng gõ câu trả lời."
ATTACHMENT_SAVED = "📎 Đã lưu tệp <b>{name}</b> ({size}). Tệp sẽ được gửi kèm báo cáo."
ATTACHMENT_AT_SUMMARY = "Bấm «✅ Gửi báo cáo» bên dưới để nộp kèm tệp, hoặc «✏️ Sửa» để sửa một câu."
ATTACHMENT_AT_SUMMARY_BLOCKED = "Báo cáo chưa gửi được: còn câu cần sửa (gõ «xem lại» để xem)."
ATTACHMENT_REFUSED = {
    "type": "Chỉ nhận tệp báo cáo đã ký dạng PDF, DOC/DOCX hoặc XLS/XLSX.",
    "size": "Tệp quá lớn: bot chỉ nhận tệp tối đa 20 MB.",
    "empty": "Tệp rỗng, vui lòng gửi lại.",
    "no_report": "Chưa mở báo cáo nào để đính kèm tệp. Gửi /report trước.",
    "content": (
        "Tệp «{name}» không đúng định dạng {kind}: nội dung tệp không khớp với đuôi tệp. "
        "Tệp chưa được lưu; vui lòng gửi lại đúng tệp báo cáo đã ký."
    ),
}


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
    "returned": "bị Phòng Nội vụ trả lại",
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
    "↩️ <b>Phòng Nội vụ trả lại báo cáo CCHC {label}</b> của {unit} để chỉnh sửa.\n"
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
    "Thủ trưởng xem lại, ký (ký số hoặc ký trên giấy) rồi gửi bản đã ký về Phòng Nội vụ."
)
DRAFT_CAPTION = (
    "📝 Dự thảo báo cáo CCHC {label} ({units} đơn vị, {submitted} đã nộp). "
    "Các chỗ tô vàng là phần Phòng Nội vụ cần bổ sung."
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

WEB_LINK = (
    "🖥 Đường dẫn đăng nhập bàn làm việc CCHC trên trình duyệt:\n{link}\n\n"
    "Đường dẫn chỉ dùng được <b>một lần</b> và hết hạn lúc {expires}. "
    "Đừng chuyển cho người khác: ai mở được là vào bằng tài khoản của anh/chị."
)
WEB_MENU_BUTTON = "Bàn làm việc"
WEB_NOT_CONFIGURED = (
    "Bàn làm việc trên web chưa được bật trên máy chủ này. "
    "Anh/chị vẫn làm mọi việc được ngay trong cuộc trò chuyện; gửi /help để xem các lệnh."
)
