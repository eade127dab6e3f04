"""The "Chưa đạt chỉ tiêu" sheet, and a unit's figure written as the bot shows it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from cchc_bot.aggregation import (
    BOOLEAN_ANSWERS,
    ExportData,
    Figure,
    figure_is_answered,
    figure_not_applicable,
)
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.config.units import DEFAULT_GROUPS
from cchc_bot.exports.cells import Cell, Style
from cchc_bot.number_format import format_number, format_percent, percent_of
from cchc_bot.targets import missed_targets
from cchc_bot.texts.workbook import NO_EXPLANATION, NOT_ARISEN

MISSED_CAPS = (20, 28, 24, 12, 40, 20, 16, 60)


def missed_target_rows(data: ExportData) -> Iterator[list[Cell]]:
    """Each counted unit's figure that misses the target in force for it, with its giải trình."""
    labels = {group.code: group.label for group in (data.groups or DEFAULT_GROUPS)}
    for missed in missed_targets(data):
        unit, indicator, figure = missed.unit, missed.indicator, missed.figure
        explanation = (figure.explanation or "").strip()
        yield [
            Cell(unit.code),
            Cell(unit.name, Style.WRAP),
            Cell(labels.get(unit.group_code, unit.group_code)),
            Cell(indicator.id),
            Cell(indicator.label, Style.WRAP),
            Cell(describe_figure(indicator, figure)),
            Cell(indicator.describe_target(missed.target)),
            Cell(explanation or NO_EXPLANATION, Style.WRAP),
        ]


def describe_figure(indicator: Indicator, figure: Figure) -> str:
    """A unit's figure as the bot shows it: "17/20 (85 %)", "1.234", "Có", "Không phát sinh"."""
    kind = indicator.type
    if figure_not_applicable(kind, figure):
        return NOT_ARISEN
    if not figure_is_answered(kind, figure):
        return ""
    decimals = indicator.decimals or 0
    match kind:
        case IndicatorType.RATIO:
            numerator = figure.numerator or Decimal(0)
            denominator = figure.denominator or Decimal(0)
            # The percentage the unit was shown when it answered, when the service kept it.
            share = figure.value
            if share is None:
                share = percent_of(numerator, denominator) or Decimal(0)
            shown = f"{_quick_number(numerator, decimals)}/{_quick_number(denominator, decimals)}"
            return f"{shown} ({format_percent(share)})"
        case IndicatorType.PERCENT:
            assert figure.value is not None
            return format_percent(figure.value, max(decimals, 2))
        case IndicatorType.BOOLEAN:
            return BOOLEAN_ANSWERS[figure.value != 0]
        case IndicatorType.CHOICE | IndicatorType.TEXT:
            return figure.text or ""
        case _:
            assert figure.value is not None
            return _quick_number(figure.value, decimals)


def _quick_number(value: Decimal, decimals: int) -> str:
    """format_number, with a shortcut for whole counts (most figures), written the same way."""
    if decimals == 0 and value == value.to_integral_value():
        return f"{int(value):,}".replace(",", ".")
    return format_number(value, decimals)
