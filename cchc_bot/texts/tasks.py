"""Wording of the plan annex's tasks: the report section, /tasks, the CLI, reminders, export."""

from __future__ import annotations

SECTION_TITLE = "Nhiệm vụ được giao"
"""The report section that follows the indicators."""

STATUS_DONE = "✅ Đã hoàn thành"
STATUS_IN_PROGRESS = "🔄 Đang thực hiện"
STATUS_NOT_STARTED = "⏸ Chưa thực hiện"
STATUS_OPTIONS = (STATUS_DONE, STATUS_IN_PROGRESS, STATUS_NOT_STARTED)
"""The options of a task's status question, in the order of TaskStatus."""

STATUS_LABEL = "Nhiệm vụ «{title}»"
STATUS_HELP = "Sản phẩm: {product}. Hạn: {due}."
STATUS_HELP_RECURRING = "Sản phẩm: {product}. Nhiệm vụ thường xuyên, báo cáo mỗi kỳ."
DONE_EARLIER = "✅ Đã hoàn thành (báo cáo {period})"
"""The summary line of a task reported done in an earlier period."""

DOCUMENT_LABEL = "Văn bản chứng minh đã hoàn thành: số, ký hiệu và ngày ban hành"
DOCUMENT_HELP = (
    "Ví dụ: 15/KH-UBND ngày 05/3/2024. Ngày của văn bản được tính là ngày hoàn thành "
    "nhiệm vụ «{title}»."
)
PERCENT_LABEL = "Tiến độ thực hiện nhiệm vụ «{title}»"
EXPLANATION_LABEL = "Lý do chưa hoàn thành nhiệm vụ «{title}» và giải pháp"
EXPLANATION_HELP = "Nhiệm vụ đã đến hạn {due} mà chưa hoàn thành: nêu khó khăn và hướng xử lý."
EXPLANATION_HELP_RECURRING = "Nêu khó khăn, vướng mắc (nếu có)."
CONTRIBUTION_LABEL = "Kết quả phối hợp thực hiện nhiệm vụ «{title}» (một dòng)"
CONTRIBUTION_HELP = "Cơ quan chủ trì: {lead}. Bỏ qua nếu đơn vị chưa tham gia trong kỳ."

STATUS_WORDS = {
    "done": "Đã hoàn thành",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
}
"""A status in words, for lists and the export."""

RECURRING_DUE = "Mỗi kỳ"

# --- /tasks and `cchc-bot tasks` ------------------------------------------------------------

LIST_TITLE_PLAIN = "Nhiệm vụ theo Kế hoạch CCHC — {period}"
LIST_TITLE = f"<b>{LIST_TITLE_PLAIN}</b>"
LIST_RATES = (
    "Đến hạn: {due} · Đúng hạn: {on_time} · Trễ hạn: {late} · Đang thực hiện: {in_progress}"
    " · Chưa thực hiện: {not_started} · Quá hạn: {overdue}"
)
LIST_RATE = "Tỷ lệ hoàn thành nhiệm vụ đúng hạn: {rate}"
NO_RATE = "chưa có nhiệm vụ đến hạn"
LIST_LINE = "{marker} {title} — {lead}, hạn {due}: {status}"
OVERDUE_MARKER = "⚠️"
DONE_MARKER = "✅"
OPEN_MARKER = "•"
LIST_PAGE = "Trang {page}/{pages}"
LIST_EMPTY = "Chưa có nhiệm vụ nào (cấu hình chưa có tệp tasks.yaml)."
LIST_NONE_FOR_UNIT = "Đơn vị chưa được giao chủ trì nhiệm vụ nào trong Kế hoạch."
HISTORY_TITLE = "<b>{title}</b>\nChủ trì: {lead} · Hạn: {due} · Sản phẩm: {product}"
HISTORY_LINE = "{period}: {unit} — {status}{details}"
HISTORY_EMPTY = "Chưa có báo cáo nào về nhiệm vụ này."
DETAIL_DOCUMENT = ", văn bản {document}"
DETAIL_PERCENT = ", đạt {percent}"
DETAIL_EXPLANATION = ", lý do: {explanation}"
DETAIL_REOPENED = " (đã mở lại)"
UNKNOWN_TASK = "Không có nhiệm vụ mã {task}."
REOPENED = (
    "Đã mở lại nhiệm vụ {task} của {unit}: {count} báo cáo «đã hoàn thành» không còn khép nhiệm vụ."
)

# --- reminders and the digest ------------------------------------------------------------

TASK_REMINDER = (
    "⏰ Nhiệm vụ «{title}» do {unit} chủ trì đến hạn ngày {due} ({left}); "
    "sản phẩm: {product}. Đề nghị hoàn thành và báo cáo trong kỳ báo cáo CCHC."
)
DIGEST_OVERDUE = "<b>Nhiệm vụ của Kế hoạch quá hạn: {count}</b>"
DIGEST_OVERDUE_LINE = "• {title} — {lead}, hạn {due}"
DIGEST_OVERDUE_MORE = "… và {count} nhiệm vụ khác (gửi /tasks để xem đủ)."
DIGEST_OVERDUE_SHOWN = 10
DIGEST_TITLE_LENGTH = 80

# --- the export -------------------------------------------------------------------------

SHEET_TITLE = "Nhiệm vụ"
SHEET_HEADERS = (
    "Mã",
    "Nhiệm vụ",
    "Lĩnh vực",
    "Cơ quan chủ trì",
    "Hạn",
    "Tình trạng",
    "Ngày hoàn thành",
    "Văn bản",
    "Tiến độ (%)",
    "Giải trình",
)
RATES_TITLE = "Tỷ lệ hoàn thành nhiệm vụ theo cơ quan chủ trì"
RATES_HEADERS = (
    "Cơ quan chủ trì",
    "Đến hạn",
    "Đúng hạn",
    "Trễ hạn",
    "Đang thực hiện",
    "Chưa thực hiện",
    "Quá hạn",
    "Tỷ lệ đúng hạn (%)",
)
RATES_DISTRICT = "Tổng cộng"

# --- /tasks buttons ----------------------------------------------------------------------

BUTTON_PREVIOUS = "⬅️ Trang trước"
BUTTON_NEXT = "➡️ Trang sau"
BUTTON_HISTORY = "{number}. {title}"
"""A task's button under /tasks (the title shortened to fit a button)."""
BUTTON_TITLE_LENGTH = 40
BUTTON_REOPEN = "🔓 Mở lại cho {unit}"
CHAT_REOPENED = "Đã mở lại nhiệm vụ cho {unit}: kỳ báo cáo tới sẽ hỏi lại."
NOTHING_TO_REOPEN = "Nhiệm vụ này của {unit} không ở trạng thái đã hoàn thành."
