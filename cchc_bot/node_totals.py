"""Subtotals per child node of an export's scope: each indicator over each node's subtree."""

from __future__ import annotations

from dataclasses import dataclass

from cchc_bot.aggregation import ExportData, GroupTally, tally
from cchc_bot.config.questionnaire import Indicator, Section


@dataclass(frozen=True, slots=True)
class NodeTotals:
    """One indicator by child node of the scope (the same rule as the overall total)."""

    section: Section
    indicator: Indicator
    nodes: tuple[GroupTally, ...]


def aggregate_by_node(data: ExportData) -> list[NodeTotals]:
    """Total every indicator per child node, in questionnaire order (empty without nodes)."""
    if not data.nodes:
        return []
    members = {code: [u for u in data.units if u.node == code] for code, _ in data.nodes}
    results: list[NodeTotals] = []
    for section, indicator in data.questionnaire.indicators():
        parts = []
        for code, label in data.nodes:
            asked = [u for u in members[code] if indicator.id in u.applicable]
            figures = [u.figures.get(indicator.id) for u in asked if u.counted]
            parts.append(
                GroupTally(code, label, True, tally(indicator, figures, expected=len(asked)))
            )
        results.append(NodeTotals(section, indicator, tuple(parts)))
    return results
