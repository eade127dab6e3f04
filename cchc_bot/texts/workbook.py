"""Workbook wording: sheet names, column headers, states and notes of the export."""

from __future__ import annotations

SHEET_SUMMARY = "Tổng hợp"

SHEET_UNITS = "Theo đơn vị"

SHEET_STATUS = "Tình trạng nộp"

SHEET_EXPLANATIONS = "Giải trình"

SHEET_MISSED = "Chưa đạt chỉ tiêu"

SHEET_REMINDERS = "Nhắc nhở"

UNIT_HEADERS = ("Tên đơn vị", "Mã đơn vị", "Loại đơn vị", "Tình trạng")

EXPLANATION_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mục",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Loại",
    "Số liệu của đơn vị",
    "Chỉ tiêu giao",
    "Nội dung",
)

REMINDER_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Người nhận",
    "Loại nhắc nhở",
    "Thời điểm dự kiến",
    "Kết quả",
    "Thời điểm gửi",
    "Lỗi",
)

STATE_LABELS = {
    "not_started": "Chưa bắt đầu",
    "draft": "Đang nhập",
    "submitted": "Đã nộp",
    "returned": "Bị trả lại",
}

TIMELINESS = {"on_time": "Đúng hạn", "late": "Muộn", "overdue": "Quá hạn, chưa nộp"}

EXPLANATION_KIND = "Giải trình chỉ tiêu chưa đạt"

WARNING_EXPLANATION_KIND = "Giải trình số liệu (cảnh báo đã xác nhận)"

TEXT_ANSWER_KIND = "Ý kiến của đơn vị"

NUMERATOR_HEADER = "{id} · Tử số: {label}"

DENOMINATOR_HEADER = "{id} · Mẫu số: {label}"

REMINDER_STATUS_LABELS = {
    "sent": "Đã gửi",
    "failed": "Gửi không được",
    "unreachable": "Không liên lạc được",
}

REMINDER_KIND_LABELS = {
    "opened": "Mở kỳ báo cáo",
    "before_5": "Trước hạn 5 ngày làm việc",
    "before_2": "Trước hạn 2 ngày làm việc",
    "before_1": "Trước hạn 1 ngày làm việc",
    "due_today": "Đến hạn hôm nay",
    "overdue_1": "Quá hạn 1 ngày làm việc",
    "overdue_3": "Quá hạn 3 ngày làm việc",
}

REMINDER_KIND_PREFIXES = {"digest-": "Tổng hợp đơn vị quá hạn", "manual-": "Nhắc thủ công"}

STATUS_COLUMNS = (
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Tình trạng",
    "Thời điểm nộp",
    "Đúng hạn / muộn",
    "Người nộp",
    "Lần nộp",
    "Lý do trả lại",
)

TITLE = "TỔNG HỢP KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"

HEADER_BLOCK = {
    "window": "Thời gian chốt số liệu",
    "deadline": "Hạn nộp báo cáo",
    "generated": "Thời điểm lập bảng",
    "submitted": "Đơn vị đã nộp",
    "covers": "Số liệu tổng hợp gồm",
    "method": "Cách tính",
}

SUBMITTED_SUMMARY = "{counted}/{total} (đúng hạn {on_time}, muộn {late}); bị trả lại {returned}"

COVERS_EXCLUDED = "; không cộng vào tổng (chỉ hiện riêng): {excluded}"

METHOD_NOTES = (
    "Tỷ lệ tổng hợp = tổng tử số / tổng mẫu số của các đơn vị, không lấy trung bình các tỷ lệ; "
    'đơn vị có mẫu số bằng 0 ghi "Không phát sinh" và không tính vào cả tử số lẫn mẫu số.',
    "Chỉ tiêu kiểu phần trăm (đơn vị tự nhập %, không có mẫu số) và điểm tự chấm: số tổng hợp "
    "là trung bình cộng các đơn vị, kèm giá trị thấp nhất và cao nhất.",
    "Chỉ tiêu lũy kế: số liệu kỳ 6 tháng và kỳ năm tính từ đầu thời gian chốt số liệu của năm, "
    'tức là đã gồm số liệu Quý I; cột "Trong đó kỳ này" là phần phát sinh riêng của kỳ. '
    '"Kỳ trước" chỉ so với chỉ tiêu không lũy kế (số liệu tại thời điểm chốt).',
    "Chỉ cộng báo cáo đã nộp; báo cáo bị trả lại để sửa không được cộng vào số tổng hợp.",
)

HEADERS_LEFT = ("Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính")

OUT_OF_TOTAL = "{label} (không cộng vào tổng)"

HEADERS_RIGHT = (
    "Số liệu tổng hợp",
    "Tổng tử số",
    "Tổng mẫu số",
    "Trung bình đơn vị",
    "Thấp nhất",
    "Cao nhất",
    "Số đơn vị theo câu trả lời",
    "Chỉ tiêu giao",
    "% so với kế hoạch",
    "Đánh giá",
    "Số đơn vị đạt chỉ tiêu",
    "Đơn vị báo cáo",
    "Trong đó không phát sinh",
    "{same}",
    "{previous}",
    "{increment}",
    "Ghi chú",
)

SAME_HEADER = "Cùng kỳ năm trước ({label})"

SAME_DEFAULT = "Cùng kỳ năm trước"

PREVIOUS_HEADER = "Kỳ trước ({label})"

PREVIOUS_DEFAULT = "Kỳ trước"

INCREMENT_HEADER = "Trong đó kỳ này (từ {start} đến {end})"

INCREMENT_DEFAULT = "Trong đó kỳ này"

MET_LABELS = {True: "Đạt", False: "Chưa đạt", None: "—"}

NOT_ARISEN = "Không phát sinh"

NO_DATA = "Chưa có số liệu"

NO_EARLIER = "chưa có số liệu"

SHRUNK = "Không tính được: số lũy kế nhỏ hơn các kỳ trước"

ANSWER_UNIT = "đơn vị"

TEXT_UNIT = "ý kiến"

NOTE_RATIO = "Tổng tử số / tổng mẫu số"

NOTE_PERCENT = "Trung bình cộng các đơn vị (không có mẫu số)"

NOTE_MEAN = "Trung bình cộng các đơn vị, không cộng dồn"

NOTE_NONE = "Không tổng hợp thành một số chung"

NOTE_CUMULATIVE = "Lũy kế từ đầu năm, đã gồm Quý I"

NOTE_TEXT = "Số đơn vị có ý kiến; nội dung ở sheet Giải trình"

NOTE_COUNTED_BY = "Chỉ tính số của nhóm {group}, không cộng lặp theo từng đơn vị"

NOTE_PLAN = "đạt {value}/{plan} = {share} kế hoạch"

NOTE_INCREMENT_PART = "Kỳ này tính trên {units}/{of} đơn vị có đủ số liệu các kỳ trước"

MISSED_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Nhóm",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Số liệu của đơn vị",
    "Chỉ tiêu giao",
    "Giải trình",
)

NO_EXPLANATION = "Chưa giải trình"

# A ratio's numerator column when the questionnaire gives it no label.
NUMERATOR_WORD = "Tử số"
