"""Chat wording every audience meets: greetings, errors, HTML escaping, the organisation."""

from __future__ import annotations

from html import escape

from cchc_bot.config.organisation import Organisation

# Texts name the organisation only through these placeholders, filled from units.yaml:
# {organisation} "UBND huyện …", {area} "huyện …", {office} the coordinating office.

BOT_TITLE = "Bot báo cáo cải cách hành chính {area}"

START_UNLINKED = (
    "Xin chào! Đây là <b>" + BOT_TITLE + "</b>.\n\n"
    "Tài khoản Telegram của anh/chị chưa được liên kết với cơ quan, đơn vị nào.\n"
    "Để sử dụng, anh/chị cần đường liên kết mời (hoặc mã mời) do {office} cấp. "
    "Khi có, bấm vào đường liên kết hoặc gửi: <code>/start MÃ_MỜI</code>.\n\n"
    "Mã số Telegram của anh/chị là <code>{telegram_user_id}</code>; "
    "hãy gửi mã này cho {office} khi đề nghị cấp quyền."
)

HELP_UNLINKED = (
    "Anh/chị chưa có quyền sử dụng bot.\n"
    "Liên hệ {office} để nhận mã mời, rồi gửi <code>/start MÃ_MỜI</code>."
)

PRIVATE_CHAT_ONLY = (
    "Bot chỉ làm việc trong tin nhắn riêng. Vui lòng mở cuộc trò chuyện riêng với bot để báo cáo."
)

UNEXPECTED_ERROR = (
    "Xin lỗi, đã có lỗi ngoài ý muốn. Dữ liệu anh/chị đã nhập vẫn được lưu. "
    "Vui lòng thử lại sau ít phút; nếu vẫn lỗi, báo {office}."
)

UNKNOWN_COMMAND = "Bot không hiểu lệnh này. Gửi /help để xem các lệnh anh/chị dùng được."

# Sent on start to a chat whose message was being handled when the bot stopped abruptly.
INTERRUPTED_BY_RESTART = (
    "Bot vừa khởi động lại khi đang xử lý tin nhắn gần nhất của anh/chị. "
    "Tin nhắn đó đã được ghi nhận nhưng có thể anh/chị chưa nhận được trả lời: "
    "gửi /report để xem báo cáo đang ở câu nào, hoặc /help."
)


def names(organisation: Organisation) -> dict[str, str]:
    """The organisation's placeholders, escaped for Telegram HTML."""
    return {
        "organisation": html(organisation.name),
        "area": html(organisation.short_name),
        "office": html(organisation.office),
    }


def with_names(template: str, organisation: Organisation, **values: object) -> str:
    """A template with the organisation's names and the other values put in."""
    return template.format(**names(organisation), **values)


def start_unlinked(telegram_user_id: int, organisation: Organisation) -> str:
    """The reply to /start from an account that is not linked."""
    return with_names(START_UNLINKED, organisation, telegram_user_id=telegram_user_id)


def html(text: str) -> str:
    """Escape user or configuration text for Telegram's HTML parse mode."""
    return escape(text, quote=False)


def mid_sentence(label: str) -> str:
    """A label as said inside a sentence: "Số hồ sơ" -> "số hồ sơ"; "TTHC" stays as it is."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label
