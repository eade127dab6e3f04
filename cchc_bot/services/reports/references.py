"""The earlier figures a draft is checked against, a successor's made from its predecessors'."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.aggregation import Figure
from cchc_bot.comparisons import combined_figures
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.services.exports import figure_of
from cchc_bot.services.reports.drafts import latest_version_figures
from db import repositories
from db.models import Submission, SubmissionVersion, Unit

# A unit merged twice (A -> B -> C) is followed up that far, no further.
MAX_GENERATIONS = 3


async def reference_figures(
    session: AsyncSession, unit: Unit, period_code: str, questionnaire: Questionnaire
) -> dict[str, Decimal]:
    """A unit's figures of an earlier period (rule-reference keys, as `figures_of` gives).

    A unit without a report of that period that took over from others (units.yaml
    `successors`) gets its predecessors' figures combined by each indicator's rule.
    """
    own = await latest_version_figures(session, unit.id, period_code)
    if own:
        return own
    figures = await _figures_through_predecessors(
        session, unit.code, period_code, questionnaire, MAX_GENERATIONS
    )
    return values_of(figures)


def values_of(figures: dict[str, Figure]) -> dict[str, Decimal]:
    """Figures as the checks read them: `id`, `id.numerator`, `id.denominator`."""
    values: dict[str, Decimal] = {}
    for indicator_id, figure in figures.items():
        if figure.not_applicable:
            continue
        if figure.value is not None:
            values[indicator_id] = figure.value
        if figure.numerator is not None:
            values[f"{indicator_id}.numerator"] = figure.numerator
        if figure.denominator is not None:
            values[f"{indicator_id}.denominator"] = figure.denominator
    return values


async def predecessor_units(session: AsyncSession, code: str) -> list[tuple[int, str]]:
    """The units (id, code) that named this one among their `successors`, by code."""
    # An absent list may be stored as JSON null, so the filter runs here, on three columns.
    rows = await session.execute(select(Unit.id, Unit.code, Unit.successors))
    return sorted(
        (
            (unit_id, unit_code)
            for unit_id, unit_code, following in rows
            if code in (following or [])
        ),
        key=lambda pair: pair[1],
    )


async def _figures_through_predecessors(
    session: AsyncSession,
    code: str,
    period_code: str,
    questionnaire: Questionnaire,
    generations: int,
) -> dict[str, Figure]:
    if generations == 0:
        return {}
    parts: list[dict[str, Figure]] = []
    for unit_id, unit_code in await predecessor_units(session, code):
        own = await _latest_figures(session, unit_id, period_code)
        if not own:
            own = await _figures_through_predecessors(
                session, unit_code, period_code, questionnaire, generations - 1
            )
        if own:
            parts.append(own)
    return combined_figures(questionnaire, parts) if parts else {}


async def _latest_figures(
    session: AsyncSession, unit_id: int, period_code: str
) -> dict[str, Figure]:
    row = await repositories.find_period(session, period_code)
    if row is None:
        return {}
    snapshot = await session.scalar(
        select(SubmissionVersion.answers)
        .join(Submission, Submission.id == SubmissionVersion.submission_id)
        .where(Submission.unit_id == unit_id, Submission.period_id == row.id)
        .order_by(SubmissionVersion.version.desc())
        .limit(1)
    )
    return {key: figure_of(value) for key, value in (snapshot or {}).items()}
