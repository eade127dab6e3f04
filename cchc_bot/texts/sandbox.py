"""Everything the sandbox itself says (Vietnamese, for trainers); the bot speaks for itself."""

from __future__ import annotations

BANNER = "🧪 CCHC Bot — hộp cát (sandbox): bot thật, máy chủ Telegram giả lập, không cần mạng."
DATA_DIR = "📁 Thư mục dữ liệu: {path}"
FILES_DIR = "📎 Tệp bot gửi được lưu vào: {path}"
LOG_FILE = "📜 Nhật ký của bot: {path}"
CLOCK_START = "🕒 Giờ của bot: {now}"
PERSONAS_TITLE = "👥 Người dùng có sẵn (gõ /as TÊN để đổi):"
PERSONA_LINE = "  {marker} {key:<8} {label} — {name} (id {user_id})"
ACTIVE_MARKER = "▶"
HINT = (
    "Gõ tin nhắn như trên Telegram; !help: lệnh của hộp cát; /quit: thoát (giữ tệp bot đã "
    "gửi); /quit xoa: thoát và xoá chúng."
)
PROMPT = "{key} › "

HELP = """Lệnh của hộp cát (không gửi cho bot; dùng được cả dấu / hoặc !):
  /as TÊN          đổi người dùng (tai_van, tu_phap, noi_vu hoặc tên, không cần dấu)
  /as              xem danh sách người dùng
  #N hoặc /press N bấm nút thứ N của tin nhắn gần nhất có nút
  /press CHỮ       bấm nút có nhãn này (không phân biệt hoa thường, dấu)
  /time +1d        chỉnh đồng hồ của bot (+30m, +3h, +2d, +1w, -1h) rồi chạy nhắc việc ngay
  /time 2024-03-07T08:01   nhảy tới thời điểm này (giờ địa phương); /time: xem giờ
  /file ĐƯỜNG_DẪN  gửi một tệp (document); /photo ĐƯỜNG_DẪN: gửi ảnh
  !say CHỮ         gửi nguyên văn cho bot (kể cả chữ bắt đầu bằng / hoặc #)
  /quit            thoát; tệp bot đã gửi (văn bản, bảng Excel) được giữ lại
  /quit xoa        thoát và xoá các tệp bot đã gửi
  !help            trợ giúp này (còn /help là lệnh của bot)"""

YOU_SAY = "{key} › {text}"
YOU_PRESS = "{key} › [bấm {number}: {label}]"
YOU_PRESS_TEXT = "{key} › [bấm: {label}]"
YOU_SEND_FILE = "{key} › [gửi tệp {name}]"
YOU_SEND_PHOTO = "{key} › [gửi ảnh {name}]"
SWITCHED = "👤 Bây giờ bạn là {key}: {label} — {name}"
BOT_HEADER = "🤖 {key} #{message_id}"
EDITED = "(đã sửa)"
BUTTONS_CHANGED = "(đã sửa: đổi nút, nội dung giữ nguyên)"
BUTTONS_REMOVED = "(đã sửa: bỏ nút, nội dung giữ nguyên)"
DELETED = "(đã xoá)"
SAVED = "📎 Đã lưu {name} → {path}"
TIME_NOW = "🕒 Giờ của bot: {now}"
TIME_MOVED = "🕒 Giờ của bot: {now} (đã chỉnh {change})"
TIME_BACKWARDS = "⚠️ Đồng hồ đã lùi lại; nhắc việc đã gửi sẽ không gửi lại."
REMINDERS_SENT = (
    "🔔 Nhắc việc vừa chạy: gửi {sent}, lỗi {failed}, không liên lạc được {unreachable}."
)
REMINDERS_NONE = "🔔 Nhắc việc vừa chạy: không có gì đến hạn lúc này."
REMINDERS_HOURS = (
    "   (nhắc việc chỉ gửi vào ngày làm việc, trong giờ hành chính, chậm nhất {grace} giờ "
    "sau giờ hẹn)"
)
BOT_ERRORS = "⚠️ Bot đã ghi {count} lỗi vào nhật ký: {path}"
BYE = "👋 Kết thúc hộp cát."
REMOVED = "🧹 Đã xoá thư mục tạm {path} (dùng --keep để giữ lại)."
KEPT = "📁 Dữ liệu được giữ tại {path}"
FILES_KEPT = (
    "📎 Tệp bot đã gửi được giữ lại tại {path} (lần sau gõ /quit xoa nếu muốn xoá khi thoát)."
)
FILES_DELETED = "🧹 Đã xoá các tệp bot đã gửi trong {path}."
ALL_DELETED = "🧹 Đã xoá thư mục tạm {path} cùng các tệp bot đã gửi."
SCRIPT_LINE_FAILED = "❌ Dòng {number} của kịch bản: {reason}"
STARTING = "⏳ Đang khởi động bot và liên kết người dùng…"

# Errors the chat reports (a script stops on them; the interactive chat carries on).
NO_BUTTONS = "tin nhắn gần nhất của bot không có nút nào để bấm"
NO_SUCH_NUMBER = "không có nút số {number}; các nút: {buttons}"
NO_SUCH_BUTTON = "không tìm thấy nút «{label}» trong các tin nhắn của bot"
UNKNOWN_PERSONA = "không có người dùng «{query}»; có: {keys}"
AMBIGUOUS_PERSONA = "«{query}» trùng với nhiều người dùng: {keys}"
BAD_TIME = (
    "không hiểu «{text}»: dùng +30m, +3h, +1d, +1w (hoặc dấu -), hoặc một thời điểm "
    "như 2024-03-07T08:01"
)
NO_FILE = "không đọc được tệp {path}: {reason}"
NOT_AN_IMAGE = "tệp {path} không phải ảnh PNG, JPEG, GIF hay WebP"
NEEDS_ARGUMENT = "lệnh {command} cần thêm nội dung"
BOT_SILENT = "bot không trả lời trong {seconds:g} giây"
NOT_LINKED = "không liên kết được {key}: bot trả lời «{answer}»"
QUIT_ARGUMENT = "không hiểu «{text}»: gõ /quit để thoát (giữ tệp), /quit xoa để thoát và xoá tệp"
# What a media message carries, as the terminal chat shows it.
DOCUMENT_LINE = "📄 {name}"
DOCUMENT_UNNAMED = "tệp"
PHOTO_LINE = "🖼 ảnh"
