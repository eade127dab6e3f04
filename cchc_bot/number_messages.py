"""The wording of refused figures: why typed text is not a figure, said about what was typed."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from cchc_bot.texts.numbers import (
    ABOVE_MAXIMUM_MESSAGE,
    BAD_SEPARATORS_MESSAGE,
    BELOW_MINIMUM_MESSAGE,
    EMPTY_MESSAGE,
    NEGATIVE_MESSAGE,
    NOT_A_NUMBER_MESSAGE,
    NOT_FINITE_MESSAGE,
    NOT_INTEGER_MESSAGE,
    RATIO_FORMAT_MESSAGE,
    TOO_LONG_MESSAGE,
    TOO_MANY_DECIMALS_MESSAGE,
)


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


INTERPRETATION_MESSAGE: Final = "{words}"
SUBJECT: Final = "«{text}»"
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
