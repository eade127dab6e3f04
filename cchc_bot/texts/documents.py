"""Word document wording: the header, the submission record, missed targets and the annex."""

from __future__ import annotations

# Header and signature block (Nghị định 30/2020/NĐ-CP).
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER = "Số:      /BC-{code}"
PLACE_AND_DATE = "{place}, ngày … tháng … năm {year}"
RECIPIENTS = "Nơi nhận:"

# The district report: who reported.
NO_SUBMISSIONS = "Trong kỳ, chưa có cơ quan, đơn vị nào gửi báo cáo kết quả thực hiện ({shown})."
UNITS_SHOWN = "{reported}/{total} cơ quan, đơn vị"
SUBMITTED = "Có {shown} gửi báo cáo, trong đó đúng hạn {on_time}, trễ hạn {late}."
SUBMITTED_LATE = "Gửi trễ hạn: {names}."
NOT_SUBMITTED = "Chưa gửi báo cáo ({count}): {names}."
PREVIOUS_PERIOD = "kỳ trước"

# Targets the organisation or its units missed; {area} is units.yaml's `short_name`.
MISSED_TITLE = "Các chỉ tiêu chưa đạt mục tiêu:"
MISSED_LINE = "{label}: toàn {area} đạt {reached}"
MISSED_TARGET = " (mục tiêu {target})"
MISSED_UNIT_EXPLAINED = "{unit} (giải trình: {explanation})"
MISSED_UNITS = "; đơn vị chưa đạt: {units}"
NOTHING_ABOUT = "Trong kỳ, {reason} về nội dung này."
NO_FIGURES = "chưa có số liệu"
NO_FIGURES_ARISEN = "không phát sinh số liệu"
OPINIONS_TITLE = "Ý kiến của các cơ quan, đơn vị ({label}):"
TO_FILL = "[{office} bổ sung: {placeholder}]"

# The annex of figures.
ANNEX_SUBTITLE = "(Kèm theo báo cáo {period})"
ANNEX_HEAD_LEFT = ("STT", "Chỉ tiêu", "Đơn vị tính")
ANNEX_TOTAL = "Tổng hợp"
ANNEX_PREVIOUS = "Kỳ trước"
ANNEX_TARGET = "Mục tiêu"
NOT_ARISEN = "Không phát sinh"

# Periods and changes as sentences say them ("Quý I năm 2024", ", tăng 0,4 điểm % so với …").
YEAR_WORD = "năm"
PERIOD_YEAR = "năm {year}"
PERIOD_AND_YEAR = "{label} năm {year}"
SINCE = " so với {previous}"
SINCE_PREVIOUS = " so với kỳ trước"
UNCHANGED = ", không thay đổi{since}"
RISE = "tăng"
FALL = "giảm"
CHANGE_POINTS = ", {word} {amount} điểm %{since}"
CHANGE = ", {word} {amount}{since}"

# One unit's own report.
ANSWER_NOT_ARISEN = "không phát sinh"
ANSWER_YES = "Có"
ANSWER_NO = "Không"
ANSWER_SHARE = ", đạt {percent}"
ANSWER_MISSED = " (chưa đạt mục tiêu {target})"
ANSWER_EXPLANATION = ". Giải trình: {explanation}"

# Defaults of report_outline.yaml (a file may write its own).
UNIT_SIGNER_TITLE = "THỦ TRƯỞNG ĐƠN VỊ"
UNIT_INTRO = (
    "Thực hiện kế hoạch cải cách hành chính năm, {issuer} báo cáo kết quả thực hiện "
    "công tác cải cách hành chính {period} như sau:"
)
UNIT_RECIPIENT = "{organisation} (qua {office})"
KIND = "BÁO CÁO"
TITLE = "Kết quả thực hiện công tác cải cách hành chính {period}"
ARCHIVE = "Lưu: VT."
ANNEX_TITLE = "PHỤ LỤC: SỐ LIỆU KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"
