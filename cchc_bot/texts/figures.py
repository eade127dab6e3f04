"""Wording of the figures features: carry-over ratios, versions in an export, imports."""

from __future__ import annotations

NUMERATOR_ABOVE_DENOMINATOR_WARNING = (
    "Tử số lớn hơn mẫu số: có thể do việc của kỳ trước chuyển sang — đề nghị giải trình."
)
"""The warning of a ratio whose numerator may exceed its denominator (carry-over)."""

# --- an export of a period answered on more than one questionnaire version -----------------

VERSIONS_LABEL = "Phiên bản phiếu"
"""The summary sheet's label of the versions note, and the status sheet's column header."""

VERSIONS_NOTE = (
    "Kỳ này có báo cáo theo {count} phiên bản phiếu; số liệu được xếp theo mã chỉ tiêu, chỉ "
    "tiêu không có trong phiên bản đơn vị đã trả lời để trống. {versions}."
)
VERSION_UNITS = "Phiên bản {version}: {units}"
VERSION_UNIT_COUNT = "Phiên bản {version}: {count} đơn vị"

# --- `cchc-bot import`: figures loaded from a workbook ("nhập từ tệp") ---------------------

IMPORTED_BY = "Nhập từ tệp"
"""Shown where a report's sender would be: the figures came from a workbook."""

IMPORT_PROBLEM = (
    "{sheet}!{column}{row} (dòng {row}, cột {column}) · {unit} · {indicator}: {message}"
)
IMPORT_ROW_PROBLEM = "{sheet} dòng {row} · {unit}: {message}"
IMPORT_UNKNOWN_UNIT = "không có đơn vị mã «{code}» đang hoạt động trong kỳ"
IMPORT_DUPLICATE_UNIT = "đơn vị đã có ở dòng {row}"
IMPORT_NO_UNIT_COLUMN = "không thấy cột «{header}» ở dòng tiêu đề"
IMPORT_NO_SHEET = "tệp không có trang «{sheet}» (dùng tệp mẫu `cchc-bot import --template`)"
IMPORT_MISSING = "chưa có số liệu (chỉ tiêu bắt buộc)"
IMPORT_INVALID = "giá trị không hợp lệ với chỉ tiêu này (kiểu, giới hạn hoặc số chữ số thập phân)"
IMPORT_NUMERATOR_ABOVE = "tử số ({numerator}) lớn hơn mẫu số ({denominator})"
IMPORT_AMBIGUOUS = "số «{text}» hiểu được hai cách ({interpretation}): ghi rõ lại trong ô"
IMPORT_NOT_A_NUMBER = "ô phải là một số"
IMPORT_NOT_YES_NO = "ô phải là «Có» hoặc «Không»"
IMPORT_NOT_AN_OPTION = "không phải một lựa chọn của chỉ tiêu: {options}"
IMPORT_NOT_APPLICABLE_REFUSED = "chỉ tiêu này không nhận «Không phát sinh»"
IMPORT_SOURCE_MISMATCH = "mẫu số phải bằng số của {source} ({value})"
