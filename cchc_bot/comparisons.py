"""Earlier periods a district figure is compared with: cùng kỳ năm trước, kỳ trước, increments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from cchc_bot.aggregation import (
    ANSWER_TYPES,
    NOT_ARISEN,
    SUBMITTED,
    ComparisonPlan,
    Comparisons,
    EarlierPeriod,
    ExportData,
    Figure,
    Tally,
    UnitReport,
    figure_is_answered,
    figure_not_applicable,
    tally,
)
from cchc_bot.config.questionnaire import AggregateRule, Indicator, IndicatorType, Questionnaire
from cchc_bot.config.units import DEFAULT_GROUPS, GroupConfig
from cchc_bot.number_format import percent_of
from cchc_bot.periods import ReportingPeriod

# What a careful reader compares a district figure with (issue 13 item 3):
#   cùng kỳ năm trước   the same period code of the previous year, for every indicator;
#   kỳ trước            the period due just before (Q1: last year's Y), for non-cumulative
#                       indicators only: a cumulative H1 "compared" with Q1 counts Q1 twice;
#   trong đó kỳ này     for a cumulative indicator in a cumulative period, the figure less the
#                       earlier periods whose data windows tile its start (bundled: H1 − Q1,
#                       Y − H1 − Q3, Q3's window starting the day after H1's ends), summed
#                       over the units that have every one of those figures.
# A figure nobody reported is None here and "chưa có số liệu" in the workbook, never 0.
INCREMENT_RULES = frozenset({AggregateRule.SUM, AggregateRule.RATIO})
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Increment:
    """This period's own share of a cumulative figure, over the units with every figure."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    units: int
    of: int


@dataclass(frozen=True, slots=True)
class IndicatorComparison:
    """One indicator's earlier district figures; None where nothing was reported."""

    same_last_year: Tally | None
    previous: Tally | None
    previous_applies: bool
    increment: Increment | None
    increment_applies: bool


def plan_comparisons(
    period: ReportingPeriod, candidates: Iterable[ReportingPeriod]
) -> ComparisonPlan:
    """The earlier periods of `candidates` (this year and the last) a period is compared with."""
    earlier = [p for p in candidates if p.deadline < period.deadline and p.code != period.code]
    same = next(
        (p.code for p in earlier if p.kind == period.kind and p.year == period.year - 1), None
    )
    previous = max(earlier, key=lambda p: p.deadline).code if earlier else None
    basis: list[ReportingPeriod] = []
    if period.cumulative:
        start = period.window_start
        inside = [p for p in earlier if p.window_end < period.window_end]
        while True:
            tiles = [p for p in inside if p.window_start == start]
            if not tiles:
                break
            longest = max(tiles, key=lambda p: p.window_end)
            basis.append(longest)
            start = longest.window_end + _ONE_DAY
    return ComparisonPlan(
        same_last_year=same,
        previous=previous,
        basis=tuple(p.code for p in basis),
        increment_start=start if basis else None,
    )


def adding_groups(indicator: Indicator, groups: Sequence[GroupConfig]) -> frozenset[str]:
    """The groups whose units make the district total of an indicator (as aggregate_by_group)."""
    if indicator.counted_by is not None:
        return frozenset({indicator.counted_by})
    return frozenset(group.code for group in groups if group.in_total)


def compare(data: ExportData, comparisons: Comparisons | None) -> dict[str, IndicatorComparison]:
    """Every indicator's earlier district figures, made like the current total, by indicator id."""
    groups = list(data.groups or DEFAULT_GROUPS)
    results: dict[str, IndicatorComparison] = {}
    for _, indicator in data.questionnaire.indicators():
        adds = adding_groups(indicator, groups)
        units = [unit for unit in data.units if unit.group_code in adds]
        same = previous = None
        increment = None
        if comparisons is not None:
            same = earlier_tally(indicator, comparisons.same_last_year, units)
            if not indicator.cumulative:
                previous = earlier_tally(indicator, comparisons.previous, units)
        increment_applies = bool(
            comparisons is not None
            and comparisons.basis
            and indicator.cumulative
            and indicator.aggregate_rule in INCREMENT_RULES
        )
        if increment_applies:
            assert comparisons is not None
            increment = period_increment(indicator, units, comparisons.basis)
        results[indicator.id] = IndicatorComparison(
            same_last_year=same,
            previous=previous,
            previous_applies=not indicator.cumulative,
            increment=increment,
            increment_applies=increment_applies,
        )
    return results


def earlier_tally(
    indicator: Indicator, earlier: EarlierPeriod | None, units: Sequence[UnitReport]
) -> Tally | None:
    """An earlier period's figure over the same units, made the same way; None if none reported."""
    if earlier is None:
        return None
    figures = [
        earlier.figures[unit.code][indicator.id]
        for unit in units
        if indicator.id in earlier.figures.get(unit.code, {})
    ]
    result = tally(indicator, figures, expected=len(figures))
    return result if result.reported else None


def period_increment(
    indicator: Indicator, units: Sequence[UnitReport], basis: Sequence[EarlierPeriod]
) -> Increment | None:
    """The figure less the basis periods', over the units that have all of them; None if none."""
    current: list[Figure] = []
    earlier: list[Figure] = []
    reporting = 0
    for unit in units:
        figure = unit.figures.get(indicator.id) if unit.state == SUBMITTED else None
        if not _usable(indicator, figure):
            continue
        reporting += 1
        parts = [period.figures.get(unit.code, {}).get(indicator.id) for period in basis]
        if all(_usable(indicator, part) for part in parts):
            assert figure is not None
            current.append(figure)
            earlier.extend(part for part in parts if part is not None)
    if not current:
        return None
    if indicator.aggregate_rule is AggregateRule.RATIO:
        numerator = _sum(current, "numerator") - _sum(earlier, "numerator")
        denominator = _sum(current, "denominator") - _sum(earlier, "denominator")
        value = percent_of(numerator, denominator, 10) if denominator > 0 else None
        return Increment(value, numerator, denominator, len(current), reporting)
    value = _sum(current, "value") - _sum(earlier, "value")
    return Increment(value, None, None, len(current), reporting)


def _usable(indicator: Indicator, figure: Figure | None) -> bool:
    """A figure that can be subtracted: answered, or "không phát sinh" (nothing arose: 0)."""
    return figure_is_answered(indicator.type, figure) or figure_not_applicable(
        indicator.type, figure
    )


def _sum(figures: Iterable[Figure], part: str) -> Decimal:
    """Σ of one part of figures; "không phát sinh" or a blank part counts as nothing arisen."""
    total = Decimal(0)
    for figure in figures:
        value = getattr(figure, part)
        if value is not None and not figure.not_applicable:
            total += value
    return total


def combined_figures(
    questionnaire: Questionnaire, parts: Sequence[Mapping[str, Figure]]
) -> dict[str, Figure]:
    """A successor's figures of an earlier period: its predecessors' combined per indicator.

    Each indicator's aggregation rule combines them as it makes a district figure (sum,
    Σ numerators / Σ denominators, mean, min, max); answers and text are not combined.
    """
    combined: dict[str, Figure] = {}
    for _, indicator in questionnaire.indicators():
        if indicator.aggregate_rule is AggregateRule.NONE or indicator.type in ANSWER_TYPES:
            continue
        if indicator.type is IndicatorType.TEXT:
            continue
        figures = [part[indicator.id] for part in parts if indicator.id in part]
        if not figures:
            continue
        result = tally(indicator, figures, expected=len(figures))
        if result.not_arisen:
            combined[indicator.id] = NOT_ARISEN
        elif result.value is not None:
            combined[indicator.id] = Figure(
                value=result.value, numerator=result.numerator, denominator=result.denominator
            )
    return combined
