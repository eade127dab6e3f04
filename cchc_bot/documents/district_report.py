"""The district's periodic CCHC report drafted as a Word document from a period's export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO

from docx.document import Document
from docx.shared import Mm, Pt

from cchc_bot.aggregation import (
    ExportData,
    Figure,
    GroupedTotal,
    IndicatorTotal,
    Tally,
    UnitReport,
    aggregate,
    aggregate_by_group,
    figure_is_answered,
)
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.config.targets import Target, resolve_target
from cchc_bot.date_format import format_day
from cchc_bot.documents import layout
from cchc_bot.documents.group_sentences import group_sentences
from cchc_bot.documents.outline import OutlineSection, Part, ReportOutline
from cchc_bot.documents.sentences import (
    SentenceContext,
    collapse,
    figure_text,
    number,
    period_words,
    render,
)
from cchc_bot.documents.task_lines import counts_line, task_section
from cchc_bot.exports.naming import district_slug
from cchc_bot.node_totals import aggregate_by_node
from cchc_bot.texts import documents as words
from cchc_bot.texts import org
from cchc_bot.texts import report_tasks as task_words

FILE_PREFIX = "BaoCao_CCHC"
DOCX_EXTENSION = ".docx"


def report_filename(data: ExportData, outline: ReportOutline) -> str:
    """`BaoCao_CCHC_2024-Q1_TranDe_20240312.docx` (day of drafting in the period's zone)."""
    local = data.generated_at.astimezone(data.tz)
    place = district_slug(outline.organisation.place)
    return f"{FILE_PREFIX}_{data.period.code}_{place}_{local:%Y%m%d}{DOCX_EXTENSION}"


def names_of(data: ExportData, outline: ReportOutline, issuer: str) -> dict[str, str]:
    """The names a template may use besides indicators."""
    organisation = outline.organisation
    return {
        "period": period_words(data.period.kind_label, data.period.year),
        "office": organisation.office,
        "issuer": issuer,
        "place": organisation.place,
        "organisation": organisation.name,
        "previous": data.previous_label or words.PREVIOUS_PERIOD,
    }


@dataclass(frozen=True)
class Submissions:
    """Who reported for the period: on time, late, and who did not."""

    total: int
    on_time: tuple[UnitReport, ...]
    late: tuple[UnitReport, ...]
    missing: tuple[UnitReport, ...]

    @property
    def reported(self) -> int:
        """Units whose report is counted."""
        return len(self.on_time) + len(self.late)


def submissions_of(units: Sequence[UnitReport]) -> Submissions:
    """The submission record of the period's active units."""
    counted = [unit for unit in units if unit.counted]
    return Submissions(
        total=len(units),
        on_time=tuple(unit for unit in counted if not unit.late),
        late=tuple(unit for unit in counted if unit.late),
        missing=tuple(unit for unit in units if not unit.counted),
    )


def submission_sentences(record: Submissions) -> list[str]:
    """The submission record in words, the units that did not report named."""
    shown = words.UNITS_SHOWN.format(
        reported=number_of(record.reported), total=number_of(record.total)
    )
    if record.reported == 0:
        lines = [words.NO_SUBMISSIONS.format(shown=shown)]
    else:
        lines = [
            words.SUBMITTED.format(
                shown=shown,
                on_time=number_of(len(record.on_time)),
                late=number_of(len(record.late)),
            )
        ]
    if record.late:
        names = ", ".join(unit.name for unit in record.late)
        lines.append(words.SUBMITTED_LATE.format(names=names))
    if record.missing:
        names = ", ".join(unit.name for unit in record.missing)
        count = number_of(len(record.missing))
        lines.append(words.NOT_SUBMITTED.format(count=count, names=names))
    return lines


def number_of(count: int) -> str:
    """A count of units the Vietnamese way."""
    return number(Decimal(count))


def unit_misses(indicator: Indicator, figure: Figure | None, target: Target | None) -> bool:
    """Whether one unit's own figure misses a target of the indicator."""
    if target is None or not figure_is_answered(indicator.type, figure) or figure is None:
        return False
    if indicator.type is IndicatorType.RATIO:
        if figure.numerator is None or not figure.denominator:
            return False
        value = Fraction(figure.numerator) * 100 / Fraction(figure.denominator)
    elif figure.value is None or indicator.type in (IndicatorType.CHOICE, IndicatorType.TEXT):
        return False
    else:
        value = Fraction(figure.value)
    return not target.is_met(float(value))


def unit_target(data: ExportData, unit: UnitReport, indicator: Indicator) -> Target | None:
    """The target one unit is held to (its group's or kind's entry, else the district's)."""
    return resolve_target(indicator.target, data.period.kind, unit.group_code, unit.kind)


def missed_targets(
    data: ExportData, totals: Sequence[IndicatorTotal], indicator_ids: Sequence[str]
) -> list[str]:
    """Lines on the indicators that missed their target: district figure, units, explanations."""
    wanted = set(indicator_ids)
    area = data.organisation.short_name
    counted = [unit for unit in data.units if unit.counted]
    lines: list[str] = []
    for total in totals:
        indicator = total.indicator
        if indicator.id not in wanted or indicator.target is None:
            continue
        missing = [
            unit
            for unit in counted
            if indicator.id in unit.applicable
            and unit_misses(
                indicator, unit.figures.get(indicator.id), unit_target(data, unit, indicator)
            )
        ]
        if total.met is not False and not missing:
            continue
        value = total.current.value
        reached = figure_text(indicator, value) if value is not None else "—"
        line = words.MISSED_LINE.format(label=indicator.label, area=area, reached=reached)
        if total.target is not None:
            line += words.MISSED_TARGET.format(target=indicator.describe_target(total.target))
        if missing:
            parts = []
            for unit in missing:
                figure = unit.figures.get(indicator.id)
                said = figure.explanation if figure and figure.explanation else ""
                explanation = collapse(said).rstrip(".")
                parts.append(
                    words.MISSED_UNIT_EXPLAINED.format(unit=unit.name, explanation=explanation)
                    if explanation
                    else unit.name
                )
            line += words.MISSED_UNITS.format(units="; ".join(parts))
        lines.append(line + ".")
    return lines


def text_answers(data: ExportData, indicator_id: str) -> list[str]:
    """The units' answers to a text question, identical ones merged, each attributed."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for unit in data.units:
        figure = unit.figures.get(indicator_id)
        if not unit.counted or figure is None or not figure.text or not figure.text.strip():
            continue
        text = figure.text.strip()
        key = " ".join(text.split()).casefold()
        if key not in merged:
            merged[key] = (text, [])
        merged[key][1].append(unit.name)
    return [f"{', '.join(names)}: {text}" for text, names in merged.values()]


@dataclass(frozen=True)
class Figures:
    """The period's figures, computed once: district totals and the totals by group."""

    totals: Sequence[IndicatorTotal]
    grouped: Sequence[GroupedTotal]


def build(data: ExportData, outline: ReportOutline) -> Document:
    """The whole draft: header, sections of the outline, signature and the annex of figures."""
    organisation = outline.organisation
    names = names_of(data, outline, organisation.name)
    totals = aggregate(data)
    grouped = aggregate_by_group(data)
    context = SentenceContext(
        totals={total.indicator.id: total for total in totals},
        names=names,
        previous_label=data.previous_label,
    )
    header = layout.Header(
        parent=organisation.parent,
        issuer=organisation.issuer,
        number=organisation.issuer_code,
        place=organisation.place,
        year=data.generated_at.astimezone(data.tz).year,
        kind=outline.kind,
        title=render(outline.title, context) or outline.title,
        recipients=[*outline.recipients, outline.archive],
        signer_authority=organisation.signer_authority,
        signer_title=organisation.signer_title,
        signer_name=organisation.signer_name,
    )
    document = layout.create()
    layout.add_header(document, header)
    intro = render(collapse(outline.intro), context) if outline.intro else None
    if intro:
        layout.paragraph(document, intro, indent=True)
    record = submissions_of(data.units)
    figures = Figures(totals, grouped)
    for section in outline.sections:
        _section(document, data, outline, section, context, figures, record)
    layout.add_signature(document, header)
    _annex(document, data, outline, figures)
    return document


def write(data: ExportData, outline: ReportOutline, target: Path | IO[bytes]) -> None:
    """Build the draft and save it to a path or a binary stream."""
    build(data, outline).save(target)  # type: ignore[arg-type]


def _section(
    document: Document,
    data: ExportData,
    outline: ReportOutline,
    section: OutlineSection,
    context: SentenceContext,
    figures: Figures,
    record: Submissions,
) -> None:
    layout.heading(document, section.title, level=1)
    if section.submissions:
        for line in submission_sentences(record):
            layout.paragraph(document, line, indent=True)
    if section.tasks and data.tasks is not None:
        _tasks(document, data)
    for part in section.parts:
        _part(document, data, outline, part, context, figures, record.reported > 0)


def _tasks(document: Document, data: ExportData) -> None:
    """The annex's tasks: the counts, then each bucket's tasks with their lead agencies."""
    summary = data.tasks
    assert summary is not None
    as_of = task_words.TASKS_TITLE.format(as_of=format_day(summary.as_of))
    layout.paragraph(document, as_of, italic=True, indent=True)
    layout.paragraph(document, counts_line(summary), indent=True)
    for title, lines in task_section(summary):
        layout.paragraph(document, title, italic=True, indent=True)
        for line in lines:
            layout.paragraph(document, line, indent=True)


def _part(
    document: Document,
    data: ExportData,
    outline: ReportOutline,
    part: Part,
    context: SentenceContext,
    figures: Figures,
    any_report: bool,
) -> None:
    if part.title:
        layout.heading(document, part.title, level=2)
    written = [text for text in (render(collapse(s), context) for s in part.sentences) if text]
    if written:
        written += group_sentences(figures.grouped, part.sentences, data.period.kind)
    for sentence in written:
        layout.paragraph(document, sentence, indent=True)
    if part.sentences and not written:
        reason = words.NO_FIGURES if not any_report else words.NO_FIGURES_ARISEN
        layout.paragraph(document, words.NOTHING_ABOUT.format(reason=reason), indent=True)
    missed = missed_targets(data, figures.totals, part.indicator_ids(data.questionnaire))
    if missed:
        layout.paragraph(document, words.MISSED_TITLE, italic=True, indent=True)
        for line in missed:
            layout.paragraph(document, f"- {line}", indent=True)
    for indicator_id in part.texts:
        answers = text_answers(data, indicator_id)
        if answers:
            label = data.questionnaire.by_id()[indicator_id].label
            opinions = words.OPINIONS_TITLE.format(label=label)
            layout.paragraph(document, opinions, italic=True, indent=True)
            for answer in answers:
                layout.paragraph(document, f"- {answer}", indent=True)
    if part.placeholder:
        office = outline.organisation.office
        layout.to_fill(document, words.TO_FILL.format(office=office, placeholder=part.placeholder))


def _annex(document: Document, data: ExportData, outline: ReportOutline, figures: Figures) -> None:
    layout.landscape_section(document)
    layout.heading(document, outline.annex_title, level=1)
    layout.paragraph(
        document,
        words.ANNEX_SUBTITLE.format(period=period_words(data.period.kind_label, data.period.year)),
        italic=True,
        center=True,
    )
    previous = {total.indicator.id: total for total in figures.totals}
    shown = [g for g in figures.grouped if g.indicator.type is not IndicatorType.TEXT]
    if not shown:
        return
    groups = [(part.code, part.label) for part in shown[0].groups]
    prior = data.previous_label or words.ANNEX_PREVIOUS
    head = [*words.ANNEX_HEAD_LEFT, *[label for _, label in groups], words.ANNEX_TOTAL]
    head += [prior, words.ANNEX_TARGET]
    columns = len(head) - 3
    widths = [Mm(12), Mm(85), Mm(22), *[Mm(140 / columns)] * columns]
    for section_title, rows in _annex_rows(shown, previous).items():
        layout.paragraph(document, section_title, bold=True)
        layout.add_table(document, head, rows, widths=widths, size=Pt(10))
    _node_annex(document, data)


def _node_annex(document: Document, data: ExportData) -> None:
    """A scoped report's subtotals per child node of the scope (nothing when unscoped)."""
    lines = [
        line for line in aggregate_by_node(data) if line.indicator.type is not IndicatorType.TEXT
    ]
    if not lines:
        return
    scope = data.scope or data.organisation.name
    title = org.NODE_SHEET_TITLE.format(scope=scope, label=data.period.label)
    layout.paragraph(document, title, bold=True)
    head = ["STT", org.NODE_HEADER_INDICATOR, org.NODE_HEADER_UNIT, *(n for _, n in data.nodes)]
    rows = [
        [
            str(number),
            line.indicator.label,
            "%" if line.indicator.type is IndicatorType.RATIO else (line.indicator.unit or ""),
            *(_tally_cell(line.indicator, part.tally) for part in line.nodes),
        ]
        for number, line in enumerate(lines, start=1)
    ]
    figures = len(data.nodes)
    widths = [Mm(12), Mm(85), Mm(22), *[Mm(140 / figures)] * figures]
    layout.add_table(document, head, rows, widths=widths, size=Pt(10))


def _annex_rows(
    grouped: Sequence[GroupedTotal], totals: dict[str, IndicatorTotal]
) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    for grouped_total in grouped:
        indicator = grouped_total.indicator
        rows = sections.setdefault(grouped_total.section.title, [])
        total = totals[indicator.id]
        target = indicator.describe_target(total.target) if total.target is not None else ""
        previous = _cell(indicator, total.previous.value) if total.previous else ""
        rows.append(
            [
                str(len(rows) + 1),
                indicator.label,
                "%" if indicator.type is IndicatorType.RATIO else (indicator.unit or ""),
                *[_tally_cell(indicator, part.tally) for part in grouped_total.groups],
                _tally_cell(indicator, grouped_total.total),
                previous,
                target,
            ]
        )
    return sections


def _tally_cell(indicator: Indicator, tally: Tally) -> str:
    if tally.answers and indicator.type is IndicatorType.CHOICE:
        return "; ".join(f"{label}: {count}" for label, count in tally.answers if count)
    if tally.not_arisen:
        return words.NOT_ARISEN
    return _cell(indicator, tally.value)


def _cell(indicator: Indicator, value: Decimal | None) -> str:
    return "" if value is None else figure_text(indicator, value)


def drafted_on(data: ExportData) -> dt.date:
    """The day the draft was made, in the period's zone."""
    return data.generated_at.astimezone(data.tz).date()
