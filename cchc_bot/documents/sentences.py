"""The report's Vietnamese sentences: outline templates filled with district figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from cchc_bot.aggregation import IndicatorTotal, Tally
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.documents.outline import PLACEHOLDER, PLACEHOLDER_NAME
from cchc_bot.number_format import format_number, format_percent
from cchc_bot.texts import documents as words

PERCENT_TYPES = frozenset({IndicatorType.RATIO, IndicatorType.PERCENT})


class MissingData(Exception):
    """A placeholder has no figure this period: the sentence is left out."""


def period_words(kind_label: str, year: int) -> str:
    """The period as a trích yếu names it: "Quý I năm 2024", "6 tháng đầu năm 2024"."""
    label = kind_label.strip()
    if label.casefold() == words.YEAR_WORD:
        return words.PERIOD_YEAR.format(year=year)
    if label.casefold().endswith(words.YEAR_WORD):
        return f"{label} {year}"
    return words.PERIOD_AND_YEAR.format(label=label, year=year)


def number(value: Decimal) -> str:
    """A figure the Vietnamese way: "5.091", "1.234,5" (up to two decimals)."""
    return format_number(value, 0 if value == value.to_integral_value() else 2)


def percent(value: Decimal) -> str:
    """A percentage the Vietnamese way: "99,12 %"."""
    return format_percent(value, 2)


def figure_text(indicator: Indicator, value: Decimal) -> str:
    """One figure of an indicator as written: a percentage for ratios, else the number."""
    return percent(value) if indicator.type in PERCENT_TYPES else number(value)


def change_text(total: IndicatorTotal, previous_label: str | None) -> str:
    """ ", tăng 0,4 điểm % so với Quý I năm 2024" — empty without a previous figure."""
    previous = total.previous
    if previous is None or previous.value is None or total.current.value is None:
        return ""
    since = words.SINCE.format(previous=previous_label) if previous_label else words.SINCE_PREVIOUS
    difference = total.current.value - previous.value
    word = words.RISE if difference > 0 else words.FALL
    if total.indicator.type in PERCENT_TYPES:
        rounded = abs(difference).quantize(Decimal("0.01"))
        if rounded == 0:
            return words.UNCHANGED.format(since=since)
        amount = format_number(rounded, 2)
        return words.CHANGE_POINTS.format(word=word, amount=amount, since=since)
    if difference == 0:
        return words.UNCHANGED.format(since=since)
    return words.CHANGE.format(word=word, amount=number(abs(difference)), since=since)


@dataclass(frozen=True)
class SentenceContext:
    """What the templates may name: the district totals and the report's own names."""

    totals: Mapping[str, IndicatorTotal]
    names: Mapping[str, str]
    previous_label: str | None = None

    def value(self, tag: str) -> str:
        """The text of one placeholder; MissingData when the period has no figure for it."""
        if tag in self.names:
            return self.names[tag]
        parsed = PLACEHOLDER_NAME.match(tag)
        if parsed is None or parsed.group(1) not in self.totals:
            raise MissingData(tag)
        total = self.totals[parsed.group(1)]
        field = parsed.group(2) or "value"
        current = total.current
        if field == "change":
            return change_text(total, self.previous_label)
        if field == "reported":
            return number(Decimal(current.reported))
        if field == "expected":
            return number(Decimal(current.expected))
        if field == "target":
            if total.target is None:
                raise MissingData(tag)
            return total.indicator.describe_target(total.target)
        return _figure(total.indicator, current, field, tag)


def _figure(indicator: Indicator, current: Tally, field: str, tag: str) -> str:
    if current.not_arisen or current.value is None:
        raise MissingData(tag)
    if field == "numerator" and current.numerator is not None:
        return number(current.numerator)
    if field == "denominator" and current.denominator is not None:
        return number(current.denominator)
    if field == "percent":
        return percent(current.value)
    if field == "value":
        return figure_text(indicator, current.value)
    raise MissingData(tag)


def render(template: str, context: SentenceContext) -> str | None:
    """The template with its placeholders filled; None when one of them has no data."""
    try:
        return PLACEHOLDER.sub(lambda match: context.value(match.group(1).strip()), template)
    except MissingData:
        return None


def collapse(text: str) -> str:
    """One line of text with runs of white space made single (for templates from YAML)."""
    return " ".join(text.split())
