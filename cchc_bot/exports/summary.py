"""The "Tổng hợp" sheet: each indicator by group and in total, with comparisons and targets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from cchc_bot.aggregation import (
    ANSWER_TYPES,
    ExportData,
    GroupedTotal,
    GroupTally,
    Tally,
    aggregate_by_group,
)
from cchc_bot.comparisons import Increment, IndicatorComparison, compare
from cchc_bot.config.questionnaire import AggregateRule, Indicator, IndicatorType
from cchc_bot.config.units import DEFAULT_GROUPS
from cchc_bot.date_format import format_datetime, format_day, format_window
from cchc_bot.exports.cells import Cell, Row, Style
from cchc_bot.exports.layout import fitted_widths
from cchc_bot.exports.versions import versions_note
from cchc_bot.number_format import format_number, format_percent
from cchc_bot.targets import Achievement, district_achievement
from cchc_bot.texts import figures as figure_words
from cchc_bot.texts import org
from cchc_bot.texts.workbook import (
    ANSWER_UNIT,
    COVERS_EXCLUDED,
    HEADER_BLOCK,
    HEADERS_LEFT,
    HEADERS_RIGHT,
    INCREMENT_DEFAULT,
    INCREMENT_HEADER,
    MET_LABELS,
    METHOD_NOTES,
    NO_DATA,
    NO_EARLIER,
    NOT_ARISEN,
    NOTE_COUNTED_BY,
    NOTE_CUMULATIVE,
    NOTE_INCREMENT_PART,
    NOTE_MEAN,
    NOTE_NONE,
    NOTE_PERCENT,
    NOTE_PLAN,
    NOTE_RATIO,
    NOTE_TEXT,
    OUT_OF_TOTAL,
    PREVIOUS_DEFAULT,
    PREVIOUS_HEADER,
    SAME_DEFAULT,
    SAME_HEADER,
    SHRUNK,
    SUBMITTED_SUMMARY,
    TEXT_UNIT,
    TITLE,
)

COVERS_NOTE = "{included}"
CAPS_LEFT = (24, 60, 14)
GROUP_CAP = 18
CAPS_RIGHT = (18, 16, 16, 16, 14, 14, 36, 24, 14, 12, 14, 14, 14, 22, 22, 24, 44)
NOT_COMPARED = "—"
UNITS_MET = "{met}/{of}"
RATIO_UNIT = "%"


@dataclass(frozen=True)
class SummarySheet:
    """The rows of "Tổng hợp", where its table header is, and its column widths."""

    rows: list[Row]
    header_row: int
    widths: list[float]
    width: int


def asked_in_period(indicator: Indicator, period_kind: str) -> bool:
    """Whether the questionnaire asks this indicator in a period kind (its `periods`)."""
    return indicator.periods is None or period_kind in indicator.periods


def number_cell(value: Decimal | None, style: Style) -> Cell:
    """A number cell, blank without a number."""
    return Cell(value, style) if value is not None else Cell(None)


def summary_sheet(data: ExportData) -> SummarySheet:
    """Build the whole "Tổng hợp" sheet: header block, method notes, then the table."""
    grouped = aggregate_by_group(data)
    rows = _header_block(data)
    rows.append([])
    header_row = len(rows)
    headers = summary_headers(data)
    rows.append([Cell(text, Style.HEADER) for text in headers])
    rows.extend(summary_rows(data, grouped))
    group_count = len(headers) - len(HEADERS_LEFT) - len(HEADERS_RIGHT)
    caps = (*CAPS_LEFT, *([GROUP_CAP] * group_count), *CAPS_RIGHT)
    widths = fitted_widths(headers, rows, caps)
    return SummarySheet(rows, header_row, widths, len(headers))


def summary_headers(data: ExportData) -> list[str]:
    """The table header: left columns, one per group, the district and its comparisons."""
    comparisons = data.comparisons
    same = previous = None
    increment = INCREMENT_DEFAULT
    if comparisons is not None:
        same = comparisons.same_last_year.label if comparisons.same_last_year else None
        previous = comparisons.previous.label if comparisons.previous else None
        if comparisons.increment_start is not None:
            end = comparisons.increment_end or data.period.window_end
            increment = INCREMENT_HEADER.format(
                start=format_day(comparisons.increment_start), end=format_day(end)
            )
    words = {
        "same": SAME_HEADER.format(label=same) if same else SAME_DEFAULT,
        "previous": PREVIOUS_HEADER.format(label=previous) if previous else PREVIOUS_DEFAULT,
        "increment": increment,
    }
    groups = [
        group.label if group.in_total else OUT_OF_TOTAL.format(label=group.label)
        for group in (data.groups or DEFAULT_GROUPS)
    ]
    return [*HEADERS_LEFT, *groups, *(text.format(**words) for text in HEADERS_RIGHT)]


def summary_rows(data: ExportData, grouped: Sequence[GroupedTotal]) -> Iterator[list[Cell]]:
    """The district lines of "Tổng hợp", a title row before each section."""
    width = len(summary_headers(data))
    earlier = compare(data, data.comparisons)
    section_code: str | None = None
    for line in grouped:
        if not asked_in_period(line.indicator, data.period.kind):
            continue
        if line.section.code != section_code:
            section_code = line.section.code
            yield [Cell(line.section.title, Style.SECTION)] + [Cell(None, Style.SECTION)] * (
                width - 1
            )
        units = [u for u in data.units if u.group_code in line.covers]
        achievement = district_achievement(line.indicator, data.period.kind, line.total, units)
        yield _summary_row(data, line, earlier[line.indicator.id], achievement)


def _header_block(data: ExportData) -> list[Row]:
    counted = [unit for unit in data.units if unit.counted]
    late = sum(1 for unit in counted if unit.late)
    submitted = SUBMITTED_SUMMARY.format(
        counted=len(counted),
        total=len(data.units),
        on_time=len(counted) - late,
        late=late,
        returned=sum(1 for unit in data.units if unit.state == "returned"),
    )
    period = data.period
    groups = list(data.groups or DEFAULT_GROUPS)
    covers = ", ".join(group.label for group in groups if group.in_total)
    excluded = ", ".join(group.label for group in groups if not group.in_total)
    if excluded:
        covers += COVERS_EXCLUDED.format(excluded=excluded)
    rows: list[Row] = [
        [Cell(TITLE, Style.TITLE)],
        [Cell(f"{data.organisation.name} — {period.label}", Style.TITLE)],
        _label_row("window", format_window(period.window_start, period.window_end)),
        _label_row("deadline", format_datetime(period.deadline, data.tz)),
        _label_row("generated", format_datetime(data.generated_at, data.tz)),
        _label_row("submitted", submitted),
        _label_row("covers", covers),
    ]
    if data.unit_changes:
        rows.append([Cell(org.UNIT_CHANGES_LABEL, Style.LABEL), Cell(unit_changes_note(data))])
    versions = versions_note(data)
    if versions is not None:
        rows.append([Cell(figure_words.VERSIONS_LABEL, Style.LABEL), Cell(versions)])
    for number, note in enumerate(METHOD_NOTES):
        rows.append(
            [Cell(HEADER_BLOCK["method"] if number == 0 else None, Style.LABEL), Cell(note)]
        )
    return rows


def unit_changes_note(data: ExportData) -> str:
    """The note that the data window straddles units that began or ended in it."""
    window_start, window_end = data.period.window_start, data.period.window_end
    changes = []
    for name, began, ended in data.unit_changes:
        if began is not None and window_start < began <= window_end:
            changes.append(org.UNIT_BEGAN.format(name=name, day=format_day(began)))
        if ended is not None and window_start <= ended < window_end:
            changes.append(org.UNIT_ENDED.format(name=name, day=format_day(ended)))
    return org.UNIT_CHANGES_NOTE.format(changes="; ".join(changes))


def _label_row(key: str, text: str) -> Row:
    return [Cell(HEADER_BLOCK[key], Style.LABEL), Cell(text)]


def _summary_row(
    data: ExportData,
    line: GroupedTotal,
    earlier: IndicatorComparison,
    achievement: Achievement,
) -> list[Cell]:
    indicator = line.indicator
    current = line.total
    spread = indicator.type in (IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENT)
    style = _value_style(indicator)
    target = achievement.target
    return [
        Cell(indicator.id),
        Cell(indicator.label, Style.WRAP),
        Cell(_unit_of_measure(indicator)),
        *(_group_cell(indicator, part) for part in line.groups),
        district_cell(indicator, current),
        number_cell(current.numerator, Style.COUNT),
        number_cell(current.denominator, Style.COUNT),
        number_cell(current.mean, _spread_style(indicator)) if spread else Cell(None),
        number_cell(current.minimum, style) if spread else Cell(None),
        number_cell(current.maximum, style) if spread else Cell(None),
        Cell(answers_text(current) or None, Style.WRAP),
        Cell(indicator.describe_target(target) if target is not None else None),
        number_cell(achievement.share_of_plan, Style.PERCENT),
        Cell(MET_LABELS[achievement.met]),
        Cell(
            UNITS_MET.format(met=achievement.units_met, of=achievement.units_with_target)
            if achievement.units_with_target
            else None
        ),
        Cell(f"{current.reported}/{current.expected}"),
        Cell(current.not_applicable or None, Style.COUNT),
        _earlier_cell(indicator, earlier.same_last_year, applies=True),
        _earlier_cell(indicator, earlier.previous, applies=earlier.previous_applies),
        _increment_cell(indicator, earlier),
        Cell("; ".join(_notes(data, line, earlier, achievement)) or None, Style.WRAP),
    ]


def _notes(
    data: ExportData, line: GroupedTotal, earlier: IndicatorComparison, achievement: Achievement
) -> list[str]:
    indicator = line.indicator
    notes = []
    rule = indicator.aggregate_rule
    if indicator.type is IndicatorType.TEXT:
        notes.append(NOTE_TEXT)
    elif rule is AggregateRule.RATIO:
        notes.append(NOTE_RATIO)
    elif indicator.type is IndicatorType.PERCENT:
        notes.append(NOTE_PERCENT)
    elif rule is AggregateRule.MEAN:
        notes.append(NOTE_MEAN)
    elif rule is AggregateRule.NONE:
        notes.append(NOTE_NONE)
    if indicator.cumulative and data.period.cumulative:
        notes.append(NOTE_CUMULATIVE)
    if indicator.counted_by is not None:
        label = next((g.label for g in line.groups if g.code == indicator.counted_by), None)
        notes.append(NOTE_COUNTED_BY.format(group=label or indicator.counted_by))
    target, total = achievement.target, line.total
    if achievement.share_of_plan is not None and target is not None and target.plan is not None:
        assert total.value is not None
        notes.append(
            NOTE_PLAN.format(
                value=format_number(total.value, indicator.decimals or 0),
                plan=format_number(Decimal(str(target.plan)), indicator.decimals or 0),
                share=format_percent(achievement.share_of_plan, 0),
            )
        )
    increment = earlier.increment
    if increment is not None and increment.units < increment.of:
        notes.append(NOTE_INCREMENT_PART.format(units=increment.units, of=increment.of))
    return notes


def _group_cell(indicator: Indicator, part: GroupTally) -> Cell:
    """A group's figure; grey where no unit of the group is asked the indicator."""
    if part.tally.expected == 0:
        return Cell(None, Style.NOT_ASKED)
    if indicator.type in ANSWER_TYPES and part.tally.answers:
        return Cell(answers_text(part.tally), Style.WRAP)
    return district_cell(indicator, part.tally)


def district_cell(indicator: Indicator, tally: Tally) -> Cell:
    """A district or group figure: a number, "Không phát sinh", "Chưa có số liệu" or blank."""
    if tally.not_arisen:
        return Cell(NOT_ARISEN)
    if indicator.type is IndicatorType.TEXT:
        # How many units answered a text question: a count, never "Chưa có số liệu".
        return Cell(tally.contributing, Style.COUNT)
    if indicator.type in ANSWER_TYPES or tally.rule is AggregateRule.NONE:
        return Cell(None)
    if tally.value is None:
        return Cell(NO_DATA)
    return Cell(tally.value, _value_style(indicator))


def _earlier_cell(indicator: Indicator, tally: Tally | None, *, applies: bool) -> Cell:
    """An earlier district figure: "chưa có số liệu" when nobody reported it, never 0."""
    if not applies or indicator.type is IndicatorType.TEXT:
        return Cell(NOT_COMPARED)
    if indicator.aggregate_rule is AggregateRule.NONE:
        return Cell(None)
    if tally is None:
        return Cell(NO_EARLIER)
    if indicator.type in ANSWER_TYPES:
        return Cell(answers_text(tally), Style.WRAP)
    return district_cell(indicator, tally)


def _increment_cell(indicator: Indicator, earlier: IndicatorComparison) -> Cell:
    """This period's own share: a ratio of the parts' increments, or the count's increment."""
    if not earlier.increment_applies:
        return Cell(None)
    increment: Increment | None = earlier.increment
    if increment is None:
        return Cell(NO_EARLIER)
    if increment.denominator is not None:
        if increment.denominator == 0:
            return Cell(NOT_ARISEN)
        if increment.value is None:
            return Cell(SHRUNK)
        return Cell(increment.value, Style.PERCENT)
    return number_cell(increment.value, _value_style(indicator))


def answers_text(tally: Tally) -> str:
    """The count of each answer: "Có: 3; Không: 1"."""
    return "; ".join(f"{answer}: {count}" for answer, count in tally.answers)


def _value_style(indicator: Indicator) -> Style:
    match indicator.type:
        case IndicatorType.RATIO | IndicatorType.PERCENT:
            return Style.PERCENT
        case IndicatorType.INTEGER:
            return Style.COUNT
        case _:
            return Style.DECIMAL


def _spread_style(indicator: Indicator) -> Style:
    """A mean of counts has decimals."""
    return Style.PERCENT if indicator.type is IndicatorType.PERCENT else Style.DECIMAL


def _unit_of_measure(indicator: Indicator) -> str | None:
    match indicator.type:
        case IndicatorType.RATIO | IndicatorType.PERCENT:
            return RATIO_UNIT
        case IndicatorType.BOOLEAN | IndicatorType.CHOICE:
            return ANSWER_UNIT
        case IndicatorType.TEXT:
            return TEXT_UNIT
        case _:
            return indicator.unit
