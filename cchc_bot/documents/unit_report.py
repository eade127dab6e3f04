"""One unit's own CCHC report as a Word document, from its submission's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from docx.document import Document

from cchc_bot.aggregation import Figure, figure_is_answered, figure_not_applicable
from cchc_bot.config.questionnaire import Indicator, IndicatorType, Questionnaire
from cchc_bot.config.targets import resolve_target
from cchc_bot.documents import layout
from cchc_bot.documents.district_report import DOCX_EXTENSION, unit_misses
from cchc_bot.documents.outline import ReportOutline
from cchc_bot.documents.sentences import collapse, number, percent, period_words
from cchc_bot.exports.naming import district_slug
from cchc_bot.periods import ReportingPeriod
from cchc_bot.texts import documents as words


@dataclass(frozen=True)
class UnitSubmission:
    """What one unit sent for a period: who it is, and its figures by indicator id."""

    code: str
    name: str
    kind: str
    period: ReportingPeriod
    figures: Mapping[str, Figure]
    submitted_at: dt.datetime
    group: str | None = None


def unit_filename(submission: UnitSubmission) -> str:
    """`BaoCao_CCHC_2024-Q1_XaTaiVan.docx`."""
    slug = district_slug(submission.name)
    return f"BaoCao_CCHC_{submission.period.code}_{slug}{DOCX_EXTENSION}"


def answer_text(indicator: Indicator, figure: Figure | None) -> str | None:
    """One answer as written in the report; None when it was not given."""
    if figure_not_applicable(indicator.type, figure):
        return words.ANSWER_NOT_ARISEN
    if figure is None or not figure_is_answered(indicator.type, figure):
        return None
    unit = f" {indicator.unit}" if indicator.unit else ""
    match indicator.type:
        case IndicatorType.RATIO:
            assert figure.numerator is not None
            assert figure.denominator is not None
            share = (
                words.ANSWER_SHARE.format(percent=percent(figure.value))
                if figure.value is not None
                else ""
            )
            part = indicator.numerator.unit if indicator.numerator else None
            counted = f" {part}" if part else ""
            return f"{number(figure.numerator)}/{number(figure.denominator)}{counted}{share}"
        case IndicatorType.PERCENT:
            assert figure.value is not None
            return percent(figure.value)
        case IndicatorType.BOOLEAN:
            return words.ANSWER_YES if figure.value else words.ANSWER_NO
        case IndicatorType.CHOICE | IndicatorType.TEXT:
            return (figure.text or "").strip()
        case _:
            assert figure.value is not None
            return f"{number(figure.value)}{unit}"


def build(
    submission: UnitSubmission, questionnaire: Questionnaire, outline: ReportOutline
) -> Document:
    """The unit's report: header, one part per questionnaire section, signature."""
    kind = outline.unit_report.header_for(submission.kind)
    issuer = kind.issuer.replace("{name}", submission.name)
    names = outline.organisation
    said = {"{organisation}": names.name, "{ORGANISATION}": names.issuer, "{office}": names.office}
    period = period_words(submission.period.kind_label, submission.period.year)
    header = layout.Header(
        parent=_with_names(kind.parent, said) if kind.parent else kind.parent,
        issuer=issuer,
        number=kind.code or "…",
        place=outline.organisation.place,
        year=submission.submitted_at.year,
        kind=outline.kind,
        title=outline.title.replace("{period}", period),
        recipients=[_with_names(line, said) for line in outline.unit_report.recipients],
        signer_authority=kind.signer_authority,
        signer_title=kind.signer_title,
    )
    document = layout.create()
    layout.add_header(document, header)
    intro = collapse(outline.unit_report.intro)
    # Inside a sentence "UBND Xã Tài Văn" reads "UBND xã Tài Văn"; a bare name stays as is.
    name = submission.name
    spoken = kind.issuer.replace(
        "{name}", name[:1].lower() + name[1:] if kind.issuer != "{name}" else name
    )
    for tag, value in (("{issuer}", spoken), ("{period}", period), *said.items()):
        intro = intro.replace(tag, value)
    layout.paragraph(document, intro, indent=True)
    for section in questionnaire.sections:
        lines = _section_lines(section.indicators, submission)
        if not lines:
            continue
        layout.heading(document, section.title, level=2)
        for line in lines:
            layout.paragraph(document, line, indent=True)
    layout.add_signature(document, header)
    return document


def _section_lines(indicators: list[Indicator], submission: UnitSubmission) -> list[str]:
    figures, period_kind = submission.figures, submission.period.kind
    group, kind = submission.group, submission.kind
    lines: list[str] = []
    for indicator in indicators:
        if indicator.id not in figures:
            continue
        figure = figures[indicator.id]
        text = answer_text(indicator, figure)
        if text is None:
            continue
        line = f"- {indicator.label}: {text}"
        target = resolve_target(indicator.target, period_kind, group, kind)
        if target is not None and unit_misses(indicator, figure, target):
            line += words.ANSWER_MISSED.format(target=indicator.describe_target(target))
        if figure.explanation:
            line += words.ANSWER_EXPLANATION.format(explanation=collapse(figure.explanation))
        lines.append(line + ("" if line.endswith(".") else "."))
    return lines


def write(
    submission: UnitSubmission,
    questionnaire: Questionnaire,
    outline: ReportOutline,
    target: Path | IO[bytes],
) -> None:
    """Build the unit's report and save it to a path or a binary stream."""
    build(submission, questionnaire, outline).save(target)  # type: ignore[arg-type]


def _with_names(text: str, names: Mapping[str, str]) -> str:
    """A header line or recipient with the organisation's names put in."""
    for tag, value in names.items():
        text = text.replace(tag, value)
    return text
