"""Chat wording for the report conversation: questions, answers, summary, receipt."""

from __future__ import annotations

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
SUMMARY_RETURNED = "↩️ Báo cáo bị trả lại để sửa: <i>{reason}</i>"
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
REPORT_CANNOT_REVISE = "Đã quá hạn; nếu cần sửa, đề nghị {office} trả lại báo cáo."
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
ATTACHMENT_SAVED_AFTER_SUBMIT = (
    "📎 Đã nhận bản đã ký <b>{name}</b> ({size}) và kèm vào báo cáo đã gửi. Không cần làm gì thêm."
)
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
