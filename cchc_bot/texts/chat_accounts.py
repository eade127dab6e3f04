"""Chat wording for accounts: linking, roles, help, command menus, the web link."""

from __future__ import annotations

from cchc_bot.config.organisation import Organisation
from cchc_bot.texts.chat_common import html, with_names

# --- Accounts and linking -------------------------------------------------------------

ROLE_LABELS = {
    "head": "Thủ trưởng / Chủ tịch UBND",
    "staff": "Công chức nhập số liệu",
    "coordinator": "{office} (tổng hợp)",
}

LINK_FAILURES = {
    "malformed": (
        "Mã mời không đúng định dạng. Hãy bấm lại đường liên kết {office} gửi, "
        "hoặc gửi đúng <code>/start MÃ_MỜI</code> (không thêm dấu cách)."
    ),
    "unknown": "Mã mời không đúng. Kiểm tra lại mã, hoặc đề nghị {office} cấp mã mới.",
    "expired": "Mã mời đã hết hạn. Đề nghị {office} cấp mã mời mới.",
    "revoked": "Mã mời này đã bị thu hồi. Đề nghị {office} cấp mã mời mới.",
    "used": (
        "Mã mời này đã được sử dụng (mỗi mã chỉ dùng một lần). "
        "Nếu không phải anh/chị đã dùng, báo ngay cho {office}."
    ),
    "unit_inactive": ("Đơn vị của mã mời này đã ngừng hoạt động trên hệ thống. Liên hệ {office}."),
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
    "• /tasks hoặc /nhiemvu — nhiệm vụ đơn vị chủ trì theo Kế hoạch CCHC và tiến độ\n"
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
    "• /export hoặc /xuat [KỲ] [docx] — bảng tổng hợp Excel; thêm docx: dự thảo báo cáo (Word)\n"
    "• /tasks hoặc /nhiemvu [KỲ] — nhiệm vụ theo Kế hoạch CCHC, quá hạn trước; bấm để xem diễn biến\n"
    "• /draftreport hoặc /duthao [KỲ] — dự thảo báo cáo CCHC của {area} (Word)\n"
    "• /consolidate hoặc /tonghop [KỲ] — đơn vị tổng hợp: xem báo cáo của nhánh; "
    "thêm «gửi» để gửi lên cấp trên\n"
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
COORDINATOR_ONLY = "Lệnh này chỉ dành cho {office}."
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
    ("tasks", "Nhiệm vụ theo Kế hoạch CCHC"),
    ("view", "Xem báo cáo một đơn vị đã gửi"),
    ("return", "Trả lại báo cáo để sửa"),
    ("help", "Hướng dẫn"),
]


def role_label(role: str, organisation: Organisation) -> str:
    """A role as people read it, e.g. "Phòng … (tổng hợp)" with the configured office."""
    return with_names(ROLE_LABELS.get(role, role), organisation)


def role_and_unit(role: str, unit_name: str | None, organisation: Organisation) -> str:
    """Describe a role and unit, e.g. "Thủ trưởng / Chủ tịch UBND — Xã Tài Văn"."""
    label = role_label(role, organisation)
    return f"{label} — {html(unit_name)}" if unit_name else label


def too_many_attempts(minutes: int) -> str:
    """Refusal while the brute-force guard is on."""
    return TOO_MANY_ATTEMPTS.format(minutes=max(1, minutes))


def help_for(role: str, unit_name: str | None, organisation: Organisation) -> str:
    """The /help text for a linked role."""
    label = role_label(role, organisation)
    if role == "coordinator":
        return with_names(HELP_COORDINATOR, organisation, role=label)
    return HELP_HEAD.format(role=label, unit=html(unit_name or ""))


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
