"""How an indicator's figures are read and shown: number kinds, decimals, formatting."""

from __future__ import annotations

from decimal import Decimal

from cchc_bot.answers import PERCENT_DECIMALS, Answer
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.conversation.context import Question
from cchc_bot.number_format import format_number, format_percent
from cchc_bot.number_parsing import NumberKind, decimals_for_unit


def main_figure(question: Question, answer: Answer) -> str:
    """The figure a target is about: the value, or a ratio's percentage."""
    ind = question.indicator
    if question.type is IndicatorType.RATIO:
        percentage = answer.percentage
        return format_percent(percentage, PERCENT_DECIMALS) if percentage is not None else ""
    if answer.value is None:
        return ""
    return format_figure(ind, "value", answer.value)


def format_figure(ind: Indicator, figure: str, value: Decimal) -> str:
    """A value or a ratio part, formatted for its kind."""
    if figure in ("numerator", "denominator"):
        return format_part(ind, value)
    kind, decimals = number_kind(ind)
    if kind is NumberKind.PERCENT:
        return format_percent(value, decimals)
    return format_number(value, decimals)


def format_part(ind: Indicator, value: Decimal | None) -> str:
    """A ratio's part formatted with the ratio's decimals ("" when missing)."""
    if value is None:
        return ""
    return format_number(value, part_kind(ind)[1])


def number_kind(ind: Indicator) -> tuple[NumberKind, int]:
    """How a figure question's text is read: kind and decimals."""
    if ind.type is IndicatorType.INTEGER:
        return NumberKind.COUNT, 0
    kind = NumberKind.PERCENT if ind.type is IndicatorType.PERCENT else NumberKind.DECIMAL
    return kind, ind.decimals if ind.decimals is not None else 2


def part_kind(ind: Indicator) -> tuple[NumberKind, int]:
    """Ratio parts are counts, unless the ratio sets decimals or counts money in triệu đồng."""
    if ind.decimals:
        return NumberKind.DECIMAL, ind.decimals
    units = [part.unit for part in (ind.numerator, ind.denominator) if part is not None]
    money = [decimals_for_unit(unit) for unit in units]
    if any(decimals is not None for decimals in money):
        return NumberKind.DECIMAL, max(decimals or 0 for decimals in money)
    return NumberKind.COUNT, 0


def is_meaningful(text: str) -> bool:
    """At least one letter or digit: emoji and punctuation alone say nothing."""
    return any(char.isalnum() for char in text)


def fits_decimals(value: Decimal, decimals: int) -> bool:
    """Whether a figure has at most `decimals` digits after the point."""
    if not value.is_finite():
        return False
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= decimals


def to_decimal(value: float | None) -> Decimal | None:
    """A configured bound as an exact Decimal (None stays None)."""
    return None if value is None else decimal_of(value)


def decimal_of(value: float) -> Decimal:
    """A configured float as the Decimal it was written as."""
    return Decimal(repr(value))
