"""Targets in force for a unit and period, and who met them: one resolution for export and chat."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from cchc_bot.aggregation import (
    ExportData,
    Figure,
    Tally,
    UnitReport,
    figure_is_answered,
)
from cchc_bot.config.questionnaire import Indicator, IndicatorType, Section
from cchc_bot.config.targets import Target, resolve_target
from cchc_bot.number_format import percent_of

_TARGET_TYPES = frozenset(
    {IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENT, IndicatorType.RATIO}
)


def target_for(
    indicator: Indicator, period_kind: str, group: str | None = None, kind: str | None = None
) -> Target | None:
    """The target of an indicator for a period kind and a unit's group and kind (None: none).

    Without group and kind it is the district's target (the period's entry, else `default`).
    """
    if indicator.type not in _TARGET_TYPES:
        return None
    return resolve_target(indicator.target, period_kind, group, kind)


def target_figure(figure: Figure | None) -> Decimal | None:
    """The figure a target is about: a ratio's percentage, else the value; None if none."""
    if figure is None or figure.skipped or figure.not_applicable:
        return None
    if figure.numerator is not None and figure.denominator is not None:
        return percent_of(figure.numerator, figure.denominator, 10)
    return figure.value


@dataclass(frozen=True, slots=True)
class Achievement:
    """The district figure against its target, and how many units met their own."""

    target: Target | None
    met: bool | None
    share_of_plan: Decimal | None
    units_met: int
    units_with_target: int


def district_achievement(
    indicator: Indicator, period_kind: str, total: Tally, units: Sequence[UnitReport]
) -> Achievement:
    """The district's target, whether the total meets it, % of plan, and n/N units met."""
    target = target_for(indicator, period_kind)
    met: bool | None = None
    share: Decimal | None = None
    if target is not None and total.value is not None:
        exact = total.exact if total.exact is not None else total.value
        met = target.is_met(float(exact))  # unrounded: 99,996 % is not 100 %
        share = target.share_of_plan(total.value)
    units_met = with_target = 0
    for _unit, rule, figure in _units_with_targets(indicator, period_kind, units):
        with_target += 1
        units_met += rule.is_met(float(figure))
    return Achievement(target, met, share, units_met, with_target)


@dataclass(frozen=True, slots=True)
class MissedTarget:
    """One unit's figure that misses the target in force for it, with its explanation."""

    unit: UnitReport
    section: Section
    indicator: Indicator
    figure: Figure
    target: Target


def missed_targets(data: ExportData) -> Iterator[MissedTarget]:
    """Every counted unit's figure below its target, unit by unit in questionnaire order."""
    indicators = data.questionnaire.indicators()
    kind = data.period.kind
    for unit in data.units:
        if not unit.counted:
            continue
        for section, indicator in indicators:
            for _, rule, value in _units_with_targets(indicator, kind, [unit]):
                if not rule.is_met(float(value)):
                    yield MissedTarget(unit, section, indicator, unit.figures[indicator.id], rule)


def _units_with_targets(
    indicator: Indicator, period_kind: str, units: Sequence[UnitReport]
) -> Iterator[tuple[UnitReport, Target, Decimal]]:
    """Counted units asked the indicator, with a target in force and a figure to compare."""
    if indicator.target is None or indicator.type not in _TARGET_TYPES:
        return
    for unit in units:
        if not unit.counted or indicator.id not in unit.applicable:
            continue
        figure = unit.figures.get(indicator.id)
        if not figure_is_answered(indicator.type, figure):
            continue
        rule = target_for(indicator, period_kind, unit.group_code, unit.kind)
        value = target_figure(figure)
        if rule is not None and value is not None:
            yield unit, rule, value
