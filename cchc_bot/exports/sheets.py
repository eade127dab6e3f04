"""The export's tables as rows of cells, one renderer each, shared by XLSX and CSV."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import NamedTuple

from cchc_bot.aggregation import (
    BOOLEAN_ANSWERS,
    ExportData,
    Figure,
    UnitReport,
    figure_is_answered,
    figure_not_applicable,
)
from cchc_bot.config.base import UNIT_KIND_LABELS
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.exports.cells import Cell, Style
from cchc_bot.exports.summary import asked_in_period
from cchc_bot.exports.targets import (
    describe_figure,
)
from cchc_bot.targets import target_figure, target_for
from cchc_bot.texts import figures as figure_words
from cchc_bot.texts.workbook import (
    DENOMINATOR_HEADER,
    EXPLANATION_KIND,
    NOT_ARISEN,
    NUMERATOR_HEADER,
    NUMERATOR_WORD,
    REMINDER_KIND_LABELS,
    REMINDER_KIND_PREFIXES,
    REMINDER_STATUS_LABELS,
    SHEET_EXPLANATIONS,
    SHEET_MISSED,
    SHEET_REMINDERS,
    SHEET_STATUS,
    SHEET_SUMMARY,
    SHEET_UNITS,
    STATE_LABELS,
    STATUS_COLUMNS,
    TEXT_ANSWER_KIND,
    TIMELINESS,
    UNIT_HEADERS,
    WARNING_EXPLANATION_KIND,
)

SHEET_NAMES = (
    SHEET_SUMMARY,
    SHEET_UNITS,
    SHEET_STATUS,
    SHEET_EXPLANATIONS,
    SHEET_MISSED,
    SHEET_REMINDERS,
)

STATUS_HEADERS = (*STATUS_COLUMNS, figure_words.VERSIONS_LABEL)
DENOMINATOR_FROM = "= {source}"
RATIO_PERCENT_HEADER = "{id} · {label} (%)"


SHORT_LABEL = 60


class Column(NamedTuple):
    """One column of the per-unit table: which indicator, which part of it, and its header."""

    indicator: Indicator
    part: str
    header: str
    style: Style


# --- Tables: one renderer each, shared by XLSX and CSV ---------------------------------------


def unit_columns(data: ExportData) -> list[Column]:
    """The indicator columns of the per-unit table (a ratio takes three)."""
    columns: list[Column] = []
    for _, indicator in data.questionnaire.indicators():
        if not asked_in_period(indicator, data.period.kind):
            continue
        label = short_label(indicator.label)
        ident = indicator.id
        match indicator.type:
            case IndicatorType.RATIO:
                columns += _ratio_columns(indicator, label)
            case IndicatorType.INTEGER:
                columns.append(Column(indicator, "value", _header(indicator, label), Style.COUNT))
            case IndicatorType.DECIMAL:
                columns.append(Column(indicator, "value", _header(indicator, label), Style.DECIMAL))
            case IndicatorType.PERCENT:
                header = RATIO_PERCENT_HEADER.format(id=ident, label=label)
                columns.append(Column(indicator, "value", header, Style.PERCENT))
            case _:
                columns.append(Column(indicator, "text", f"{ident} · {label}", Style.TEXT))
    return columns


def unit_header(columns: Sequence[Column]) -> list[Cell]:
    """The header row of the per-unit table."""
    return [Cell(text, Style.HEADER) for text in unit_header_texts(columns)]


def unit_header_texts(columns: Sequence[Column]) -> list[str]:
    return [*UNIT_HEADERS, *(column.header for column in columns)]


def unit_rows(data: ExportData, columns: Sequence[Column]) -> Iterator[list[Cell]]:
    """One row per active unit; a report not counted in the totals shows blank figures."""
    blank = Cell(None)
    not_asked = Cell(None, Style.NOT_ASKED)
    for unit in data.units:
        row = [
            Cell(unit.name, Style.WRAP),
            Cell(unit.code),
            Cell(kind_label(unit.kind)),
            Cell(STATE_LABELS.get(unit.state, unit.state)),
        ]
        if not unit.counted:
            row += [blank] * len(columns)
        else:
            for column in columns:
                if column.indicator.id not in unit.applicable:
                    row.append(not_asked)
                else:
                    row.append(_figure_cell(column, unit.figures.get(column.indicator.id)))
        yield row


def status_rows(data: ExportData) -> Iterator[list[Cell]]:
    """One row per active unit: state, when and by whom it was submitted, and on time or not."""
    for number, unit in enumerate(data.units, start=1):
        yield [
            Cell(number, Style.COUNT),
            Cell(unit.code),
            Cell(unit.name, Style.WRAP),
            Cell(kind_label(unit.kind)),
            Cell(STATE_LABELS.get(unit.state, unit.state)),
            Cell(unit.submitted_at, Style.DATETIME),
            Cell(_timeliness(unit)),
            Cell(unit.submitted_by),
            Cell(unit.version or None, Style.COUNT),
            Cell(unit.returned_reason, Style.WRAP),
            Cell(unit.questionnaire_version if unit.counted else None),
        ]


def explanation_rows(data: ExportData) -> Iterator[list[Cell]]:
    """Explanations of missed targets and text answers of the counted reports, unit by unit."""
    indicators = data.questionnaire.indicators()
    for unit in data.units:
        if not unit.counted:
            continue
        for section, indicator in indicators:
            figure = unit.figures.get(indicator.id)
            if figure is None or indicator.id not in unit.applicable:
                continue
            explained = bool(figure.explanation and figure.explanation.strip())
            answered = indicator.type is IndicatorType.TEXT and figure_is_answered(
                indicator.type, figure
            )
            if not (explained or answered):
                continue
            head = [
                Cell(unit.code),
                Cell(unit.name, Style.WRAP),
                Cell(section.title, Style.WRAP),
                Cell(indicator.id),
                Cell(indicator.label, Style.WRAP),
            ]
            if explained:
                target = target_for(indicator, data.period.kind, unit.group_code, unit.kind)
                shown = target_figure(figure)
                missed = (
                    target is not None and shown is not None and not target.is_met(float(shown))
                )
                yield [
                    *head,
                    Cell(EXPLANATION_KIND if missed else WARNING_EXPLANATION_KIND),
                    Cell(describe_figure(indicator, figure)),
                    Cell(indicator.describe_target(target) if target is not None else None),
                    Cell(figure.explanation, Style.WRAP),
                ]
            if answered:
                yield [
                    *head,
                    Cell(TEXT_ANSWER_KIND),
                    Cell(None),
                    Cell(None),
                    Cell(figure.text, Style.WRAP),
                ]


def reminder_rows(data: ExportData) -> Iterator[list[Cell]]:
    """Every reminder sent, failed or unreachable, by time then unit."""
    names = {unit.code: unit.name for unit in data.units}
    shown = [r for r in data.reminders if r.status in REMINDER_STATUS_LABELS]
    for record in sorted(shown, key=lambda r: (r.scheduled_at, r.unit_code, r.member_name)):
        yield [
            Cell(record.unit_code),
            Cell(names.get(record.unit_code)),
            Cell(record.member_name),
            Cell(reminder_kind_label(record.kind)),
            Cell(record.scheduled_at, Style.DATETIME),
            Cell(REMINDER_STATUS_LABELS[record.status]),
            Cell(record.sent_at, Style.DATETIME),
            Cell(record.error, Style.WRAP),
        ]


def short_label(label: str, limit: int = SHORT_LABEL) -> str:
    """An indicator's label cut at a word boundary for a column header."""
    text = " ".join(label.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def kind_label(kind: str) -> str:
    """A unit kind's Vietnamese name ("Xã, thị trấn"), or the code itself when unknown."""
    return _KIND_LABELS.get(kind, kind)


def reminder_kind_label(kind: str) -> str:
    """A reminder kind's Vietnamese name, or the kind itself when unknown."""
    if kind in REMINDER_KIND_LABELS:
        return REMINDER_KIND_LABELS[kind]
    for prefix, label in REMINDER_KIND_PREFIXES.items():
        if kind.startswith(prefix):
            return label
    return kind


_KIND_LABELS = {str(kind): label for kind, label in UNIT_KIND_LABELS.items()}


def _header(indicator: Indicator, label: str) -> str:
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{indicator.id} · {label}{unit}"


def _ratio_columns(indicator: Indicator, label: str) -> list[Column]:
    numerator = indicator.numerator
    denominator = indicator.denominator
    num_label = numerator.label if numerator is not None and numerator.label else NUMERATOR_WORD
    source = indicator.denominator_source
    if source is not None:
        den_label = DENOMINATOR_FROM.format(source=source)
    else:
        den_label = denominator.label if denominator is not None and denominator.label else ""
    return [
        Column(
            indicator,
            "numerator",
            NUMERATOR_HEADER.format(id=indicator.id, label=short_label(num_label)),
            Style.COUNT,
        ),
        Column(
            indicator,
            "denominator",
            DENOMINATOR_HEADER.format(id=indicator.id, label=short_label(den_label)),
            Style.COUNT,
        ),
        Column(
            indicator,
            "percent",
            RATIO_PERCENT_HEADER.format(id=indicator.id, label=label),
            Style.PERCENT,
        ),
    ]


def _figure_cell(column: Column, figure: Figure | None) -> Cell:
    """One unit's cell for one column: a number, a text, or blank."""
    kind = column.indicator.type
    if figure is None or figure.skipped:
        return Cell(None)
    not_arisen = figure_not_applicable(kind, figure)
    match column.part:
        case "numerator":
            return _number_cell(figure.numerator, column.style)
        case "denominator":
            return _number_cell(figure.denominator, column.style)
        case "percent":
            if not_arisen:
                return Cell(NOT_ARISEN)
            if figure.numerator is None or not figure.denominator:
                return Cell(None)
            share = Decimal(figure.numerator) * 100 / Decimal(figure.denominator)
            return Cell(share, Style.PERCENT)
        case "value":
            if not_arisen:
                return Cell(NOT_ARISEN)
            return _number_cell(figure.value, column.style)
        case _:
            if not_arisen:
                return Cell(NOT_ARISEN)
            if kind is IndicatorType.BOOLEAN:
                return Cell(None if figure.value is None else BOOLEAN_ANSWERS[figure.value != 0])
            return Cell(figure.text)


def _number_cell(value: Decimal | None, style: Style) -> Cell:
    return Cell(value, style) if value is not None else Cell(None)


def _timeliness(unit: UnitReport) -> str | None:
    if unit.counted:
        return TIMELINESS["late" if unit.late else "on_time"]
    if unit.late:
        return TIMELINESS["overdue"]
    return None
