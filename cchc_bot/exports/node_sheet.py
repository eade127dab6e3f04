"""The "Theo đơn vị cấp dưới" sheet of a scoped export: each indicator per child node."""

from __future__ import annotations

from collections.abc import Iterator

from cchc_bot.aggregation import ANSWER_TYPES, ExportData, GroupTally
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.exports.cells import Cell, Row, Style
from cchc_bot.exports.summary import answers_text, asked_in_period, district_cell
from cchc_bot.node_totals import aggregate_by_node
from cchc_bot.texts import org

CAPS = (60, 14)
NODE_CAP = 18


def node_headers(data: ExportData) -> list[str]:
    """The header: indicator, unit of measure, then one column per child node."""
    return [org.NODE_HEADER_INDICATOR, org.NODE_HEADER_UNIT, *(name for _, name in data.nodes)]


def node_caps(data: ExportData) -> tuple[float, ...]:
    """The widest each column may grow."""
    return (*CAPS, *([NODE_CAP] * len(data.nodes)))


def node_rows(data: ExportData) -> Iterator[Row]:
    """A title row, then one row per figure indicator asked in the period."""
    yield [
        Cell(
            org.NODE_SHEET_TITLE.format(
                scope=data.scope or data.organisation.name, label=data.period.label
            ),
            Style.TITLE,
        )
    ]
    for line in aggregate_by_node(data):
        indicator = line.indicator
        if indicator.type is IndicatorType.TEXT or not asked_in_period(indicator, data.period.kind):
            continue
        yield [
            Cell(indicator.label, Style.WRAP),
            Cell(indicator.unit),
            *(_node_cell(indicator, part) for part in line.nodes),
        ]


def _node_cell(indicator: Indicator, part: GroupTally) -> Cell:
    """A node's figure; grey where no unit below the node is asked the indicator."""
    if part.tally.expected == 0:
        return Cell(None, Style.NOT_ASKED)
    if indicator.type in ANSWER_TYPES and part.tally.answers:
        return Cell(answers_text(part.tally), Style.WRAP)
    return district_cell(indicator, part.tally)
