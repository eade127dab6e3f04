"""The wording of refused figures: why typed text is not a figure, said about what was typed."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final


class NumberErrorReason(StrEnum):
    """Why typed text was refused as a figure."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_FINITE = "not_finite"
    NOT_INTEGER = "not_integer"
    TOO_MANY_DECIMALS = "too_many_decimals"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    BAD_SEPARATORS = "bad_separators"
    RATIO_FORMAT = "ratio_format"


# Wording (to move to handlers/texts.py). Every message names what was typed ({subject}:
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
INTERPRETATION_MESSAGE: Final = "{words}"
PERCENT_WORDS: Final = "phần trăm"
SUBJECT: Final = "«{text}»"
NUMERATOR_SUBJECT: Final = "Tử số «{text}»"
DENOMINATOR_SUBJECT: Final = "Mẫu số «{text}»"
# Shown text is cut to this length inside a message (input is at most 60 characters anyway).
SHOWN_LENGTH: Final = 40

ERROR_MESSAGES: Final[Mapping[NumberErrorReason, str]] = {
    NumberErrorReason.EMPTY: EMPTY_MESSAGE,
    NumberErrorReason.TOO_LONG: TOO_LONG_MESSAGE,
    NumberErrorReason.NOT_A_NUMBER: NOT_A_NUMBER_MESSAGE,
    NumberErrorReason.NEGATIVE: NEGATIVE_MESSAGE,
    NumberErrorReason.NOT_FINITE: NOT_FINITE_MESSAGE,
    NumberErrorReason.NOT_INTEGER: NOT_INTEGER_MESSAGE,
    NumberErrorReason.TOO_MANY_DECIMALS: TOO_MANY_DECIMALS_MESSAGE,
    NumberErrorReason.BELOW_MINIMUM: BELOW_MINIMUM_MESSAGE,
    NumberErrorReason.ABOVE_MAXIMUM: ABOVE_MAXIMUM_MESSAGE,
    NumberErrorReason.BAD_SEPARATORS: BAD_SEPARATORS_MESSAGE,
    NumberErrorReason.RATIO_FORMAT: RATIO_FORMAT_MESSAGE,
}
RATIO_EXAMPLE: Final = "17/20"
DECIMAL_RATIO_EXAMPLE: Final = "1234,5/2000"
