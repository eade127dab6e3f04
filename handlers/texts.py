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
