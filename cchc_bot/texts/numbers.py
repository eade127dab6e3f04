"""Figure wording: why typed text is not a figure, said about what was typed."""

from __future__ import annotations

from typing import Final

# Every message names what was typed ({subject}:
# «12a», or «12a» after "Tử số" inside a ratio) and what is wrong with it. Placeholders:
# subject, example, limit, decimals, minimum, maximum, letters, symbol.
EMPTY_MESSAGE: Final = "Anh/chị chưa nhập số. Vui lòng nhập một số, ví dụ {example}."

TOO_LONG_MESSAGE: Final = (
    "Nội dung quá dài (tối đa {limit} ký tự). Vui lòng nhập một số, ví dụ {example}."
)

NOT_A_NUMBER_MESSAGE: Final = "{subject} không phải là số. Vui lòng nhập một số, ví dụ {example}."

HAS_LETTERS_MESSAGE: Final = (
    "{subject} có chữ «{letters}». Vui lòng chỉ nhập chữ số, ví dụ {example}."
)

HAS_SYMBOL_MESSAGE: Final = (
    "{subject} có ký tự «{symbol}». Vui lòng chỉ nhập chữ số, ví dụ {example}."
)

PERCENT_SIGN_MESSAGE: Final = (
    "{subject} có dấu %, nhưng câu này không hỏi tỷ lệ phần trăm. "
    "Vui lòng chỉ nhập số, ví dụ {example}."
)

NEGATIVE_MESSAGE: Final = "{subject} là số âm. Vui lòng nhập số từ 0 trở lên, ví dụ {example}."

NOT_FINITE_MESSAGE: Final = "Vui lòng nhập một số cụ thể, viết đủ các chữ số, ví dụ {example}."

NOT_INTEGER_MESSAGE: Final = (
    "{subject} có phần thập phân, nhưng câu này chỉ nhận số nguyên, ví dụ {example}."
)

TOO_MANY_DECIMALS_MESSAGE: Final = (
    "{subject} có quá nhiều chữ số sau dấu phẩy: tối đa {decimals} chữ số, ví dụ {example}."
)

BELOW_MINIMUM_MESSAGE: Final = "{subject} nhỏ hơn mức tối thiểu: số liệu phải từ {minimum} trở lên."

ABOVE_MAXIMUM_MESSAGE: Final = "{subject} vượt mức tối đa: số liệu không được lớn hơn {maximum}."

BAD_SEPARATORS_MESSAGE: Final = (
    "{subject} có dấu phân cách chưa đúng: dùng dấu chấm để tách hàng nghìn và dấu phẩy "
    "trước phần thập phân, ví dụ {example}."
)

RATIO_FORMAT_MESSAGE: Final = "{subject} chưa đúng dạng tử số/mẫu số, ví dụ {example}."

RATIO_AMBIGUOUS_MESSAGE: Final = (
    "{subject} đọc được hai cách (dấu chấm tách hàng nghìn hay phần thập phân). Vui lòng "
    "viết số không có dấu chấm, hoặc nhập tử số và mẫu số lần lượt, ví dụ {example}."
)

DENOMINATOR_ABOVE_MAXIMUM_MESSAGE: Final = "Mẫu số không được lớn hơn {maximum}."

PERCENT_WORDS: Final = "phần trăm"

NUMERATOR_SUBJECT: Final = "Tử số «{text}»"

DENOMINATOR_SUBJECT: Final = "Mẫu số «{text}»"
