"""District totals of a period's reports: the pure input model of an export and its aggregation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from cchc_bot.config.organisation import Organisation, bundled_organisation
from cchc_bot.config.questionnaire import (
    AggregateRule,
    Indicator,
    IndicatorType,
    Questionnaire,
    Section,
    Target,
)
from cchc_bot.config.units import DEFAULT_GROUPS, GroupConfig, default_group
from cchc_bot.number_format import percent_of
from cchc_bot.periods import ReportingPeriod
from cchc_bot.tasks.rates import TaskSummary

# How the district figure is made (DESIGN.md decision 6) follows the indicator's `aggregate`
# rule (`Indicator.aggregate_rule`; defaults by type in `config.questionnaire.allowed_rules`):
#   sum               integer, decimal: the sum over the units, with mean, minimum and maximum;
#   ratio             Σ numerators / Σ denominators of the units whose ratio arose; a unit with
#                     a zero denominator or "không phát sinh" is left out of BOTH sums, and when
#                     every reporting unit is in that case the district figure is "không phát
#                     sinh" (`Tally.not_arisen`), never 0 %;
#   mean, min, max    the mean / lowest / highest figure of the units that answered (blanks and
#                     "không phát sinh" are not units that answered), with all three beside it;
#                     a typed percentage has no denominator to weigh it by, so its default is
#                     the mean, and a score in điểm (PAR INDEX) is never summed;
#   count             boolean, choice: how many units gave each answer (every option listed,
#                     zeros included; a boolean's value is the number of "Có"); text: how many
#                     units answered;
#   none              no district figure (text and scores by default): only how many reported.
SUBMITTED = "submitted"
RETURNED = "returned"
UNIT_STATES = ("not_started", "draft", SUBMITTED, RETURNED)

BOOLEAN_ANSWERS: dict[bool, str] = {True: "Có", False: "Không"}
"""How a boolean answer is counted and shown (the bot's own wording)."""

COUNTED_TYPES = frozenset({IndicatorType.INTEGER, IndicatorType.DECIMAL})
ANSWER_TYPES = frozenset({IndicatorType.BOOLEAN, IndicatorType.CHOICE})

_PERCENT_PRECISION = 10
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Figure:
    """One unit's answer to one indicator, as stored with its latest submitted report."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str | None = None
    not_applicable: bool = False
    skipped: bool = False
    explanation: str | None = None

    # Conventions the service that builds figures follows:
    #   integer/decimal: `value`; percent: `value` in percent (95.5 means 95,5 %);
    #   ratio: `numerator` and `denominator`, the denominator filled in even when it is taken
    #          from another indicator (`denominator: {from: tthc_03}`), `value` optional;
    #   boolean: `value` 1 or 0; choice: `text` is the chosen option's label; text: `text`;
    #   "không phát sinh": `not_applicable`; an optional question left out: `skipped`.

    @classmethod
    def number(cls, value: Decimal | int | str, *, explanation: str | None = None) -> Figure:
        """A count, decimal or percent answer."""
        return cls(value=Decimal(value), explanation=explanation)

    @classmethod
    def ratio(
        cls,
        numerator: Decimal | int | str,
        denominator: Decimal | int | str,
        *,
        explanation: str | None = None,
    ) -> Figure:
        """A ratio typed as numerator and denominator; a zero denominator is "không phát sinh"."""
        num, den = Decimal(numerator), Decimal(denominator)
        return cls(
            value=percent_of(num, den),
            numerator=num,
            denominator=den,
            not_applicable=den == 0,
            explanation=explanation,
        )

    @classmethod
    def answer(cls, text: str, *, explanation: str | None = None) -> Figure:
        """A text answer or the chosen option of a choice."""
        return cls(text=text, explanation=explanation)

    @classmethod
    def yes_no(cls, answer: bool, *, explanation: str | None = None) -> Figure:
        """A boolean answer (Có = 1, Không = 0)."""
        return cls(value=Decimal(1 if answer else 0), explanation=explanation)


NOT_ARISEN = Figure(not_applicable=True)
"""The answer "không phát sinh / không áp dụng"."""


@dataclass(frozen=True, slots=True)
class UnitReport:
    """One active unit's report for the period: its state and its latest submitted figures."""

    code: str
    name: str
    kind: str
    state: str
    late: bool = False
    submitted_at: dt.datetime | None = None
    submitted_by: str | None = None
    version: int = 0
    returned_reason: str | None = None
    figures: Mapping[str, Figure] = field(default_factory=dict)
    applicable: frozenset[str] = frozenset()
    group: str | None = None
    # The child node of the export's scope the unit lies under (None: no subtotal per node).
    node: str | None = None
    # Left out of the totals: its figures are in a consolidated report that counts instead
    # (units below a node that submitted one; the node itself in the node's own export).
    in_consolidation: bool = False
    # The questionnaire version its counted figures were answered on ("2024.2").
    questionnaire_version: str | None = None

    @property
    def group_code(self) -> str:
        """The unit's group: the one given, else the default of its kind."""
        return self.group if self.group is not None else default_group(self.kind)

    @property
    def counted(self) -> bool:
        """Whether the report enters the district totals (submitted, not returned, and not
        already inside a consolidated report that counts)."""
        return self.state == SUBMITTED and not self.in_consolidation


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    """One reminder of the period as the reminder service recorded it."""

    unit_code: str
    member_name: str
    kind: str
    scheduled_at: dt.datetime
    status: str
    sent_at: dt.datetime | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class EarlierPeriod:
    """The latest submitted figures of an earlier period, by unit code then indicator id."""

    code: str
    label: str
    figures: Mapping[str, Mapping[str, Figure]]


@dataclass(frozen=True, slots=True)
class ComparisonPlan:
    """Which earlier periods a period is compared with (codes), derived from the windows."""

    same_last_year: str | None
    previous: str | None
    basis: tuple[str, ...]
    increment_start: dt.date | None

    def codes(self) -> list[str]:
        """Every earlier period code the plan needs, each once, in a stable order."""
        wanted = [self.same_last_year, self.previous, *self.basis]
        return list(dict.fromkeys(code for code in wanted if code is not None))


@dataclass(frozen=True, slots=True)
class Comparisons:
    """The earlier periods' figures an export compares with (read by the export service)."""

    same_last_year: EarlierPeriod | None = None
    previous: EarlierPeriod | None = None
    basis: tuple[EarlierPeriod, ...] = ()
    increment_start: dt.date | None = None
    increment_end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ExportData:
    """Everything an export of one period needs, read by the service in one transaction."""

    period: ReportingPeriod
    questionnaire: Questionnaire
    units: Sequence[UnitReport]
    previous: Mapping[str, Mapping[str, Figure]] | None
    reminders: Sequence[ReminderRecord]
    generated_at: dt.datetime
    tz: ZoneInfo
    # Who runs the reporting: the workbook's title and the file's place name.
    organisation: Organisation = field(default_factory=bundled_organisation)
    previous_label: str | None = None
    groups: Sequence[GroupConfig] = ()
    # The earlier periods the Tổng hợp sheet compares with (cùng kỳ, kỳ trước, increments).
    comparisons: Comparisons | None = None
    # A scoped export: the scope node's name, and its child nodes (code, name) to subtotal.
    scope: str | None = None
    nodes: Sequence[tuple[str, str]] = ()
    # Units that began or ended inside the data window (name, first day, last day).
    unit_changes: Sequence[tuple[str, dt.date | None, dt.date | None]] = ()
    # The plan annex's tasks (tasks.yaml): the "Nhiệm vụ" sheet and the rates on Tổng hợp.
    tasks: TaskSummary | None = None


@dataclass(frozen=True, slots=True)
class Tally:
    """One indicator's district figure for one period, with what it was made of."""

    type: IndicatorType
    expected: int
    reported: int
    not_applicable: int
    rule: AggregateRule = AggregateRule.NONE
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    mean: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    answers: tuple[tuple[str, int], ...] = ()
    exact: Fraction | None = None

    @property
    def contributing(self) -> int:
        """Units whose figure is in the district figure (reported, less "không phát sinh")."""
        return self.reported - self.not_applicable

    @property
    def not_arisen(self) -> bool:
        """Units reported but none had anything to count: the figure is "không phát sinh"."""
        return self.reported > 0 and self.contributing == 0

    @property
    def has_value(self) -> bool:
        """Whether there is a district figure to show and compare with a target."""
        return self.value is not None


@dataclass(frozen=True, slots=True)
class IndicatorTotal:
    """The district line of one indicator: this period, the previous one, and the target."""

    section: Section
    indicator: Indicator
    current: Tally
    previous: Tally | None
    target: Target | None
    met: bool | None


def aggregate(data: ExportData) -> list[IndicatorTotal]:
    """Total every indicator over the submitted reports, in questionnaire order."""
    counted = [unit for unit in data.units if unit.counted]
    totals: list[IndicatorTotal] = []
    for section, indicator in data.questionnaire.indicators():
        expected = sum(1 for unit in data.units if indicator.id in unit.applicable)
        figures = [
            unit.figures.get(indicator.id) for unit in counted if indicator.id in unit.applicable
        ]
        current = tally(indicator, figures, expected=expected)
        previous = _previous_tally(indicator, data.previous)
        target = indicator.target_for(data.period.kind)
        totals.append(
            IndicatorTotal(
                section=section,
                indicator=indicator,
                current=current,
                previous=previous,
                target=target,
                met=target_met(target, current),
            )
        )
    return totals


@dataclass(frozen=True, slots=True)
class GroupTally:
    """One indicator's figure over one group of units."""

    code: str
    label: str
    in_total: bool
    tally: Tally


@dataclass(frozen=True, slots=True)
class GroupedTotal:
    """One indicator by group and in total; `covers` names the groups the total is made of."""

    section: Section
    indicator: Indicator
    groups: tuple[GroupTally, ...]
    total: Tally
    covers: tuple[str, ...]


def aggregate_by_group(data: ExportData) -> list[GroupedTotal]:
    """Total every indicator per group and over the groups in the total, in questionnaire order."""
    groups = list(data.groups or DEFAULT_GROUPS)
    known = {group.code for group in groups}
    for unit in data.units:  # a group the configuration no longer has still shows
        if unit.group_code not in known:
            known.add(unit.group_code)
            groups.append(GroupConfig.model_construct(code=unit.group_code, label=unit.group_code))
    members = {
        group.code: [u for u in data.units if u.group_code == group.code] for group in groups
    }
    results: list[GroupedTotal] = []
    for section, indicator in data.questionnaire.indicators():
        # `counted_by` keeps the figure of one group only, so it is not counted once per unit.
        counted = {indicator.counted_by} if indicator.counted_by is not None else None
        parts: list[GroupTally] = []
        in_total: list[Figure | None] = []
        expected_total = 0
        covers: list[str] = []
        for group in groups:
            asked = [u for u in members[group.code] if indicator.id in u.applicable]
            figures = [u.figures.get(indicator.id) for u in asked if u.counted]
            adds = group.code in counted if counted is not None else group.in_total
            parts.append(
                GroupTally(
                    group.code, group.label, adds, tally(indicator, figures, expected=len(asked))
                )
            )
            if adds and asked:
                in_total.extend(figures)
                expected_total += len(asked)
                covers.append(group.code)
        total = tally(indicator, in_total, expected=expected_total)
        results.append(GroupedTotal(section, indicator, tuple(parts), total, tuple(covers)))
    return results


def tally(indicator: Indicator, figures: Iterable[Figure | None], *, expected: int) -> Tally:
    """The district figure of one indicator from the units' figures (None: not answered)."""
    answered: list[Figure] = []
    not_applicable = 0
    for figure in figures:
        match _classify(indicator.type, figure):
            case "answered":
                assert figure is not None
                answered.append(figure)
            case "not_applicable":
                not_applicable += 1
            case _:
                pass
    reported = len(answered) + not_applicable
    rule = indicator.aggregate_rule
    base = Tally(
        type=indicator.type,
        expected=expected,
        reported=reported,
        not_applicable=not_applicable,
        rule=rule,
    )
    match rule:
        case AggregateRule.RATIO:
            return _ratio_tally(base, answered)
        case AggregateRule.SUM | AggregateRule.MEAN | AggregateRule.MIN | AggregateRule.MAX:
            return _numeric_tally(base, answered)
        case AggregateRule.COUNT if indicator.type in ANSWER_TYPES:
            return _answer_tally(base, indicator, answered)
        case AggregateRule.COUNT:
            return replace(base, value=Decimal(len(answered)))
        case _:
            return base


def target_met(target: Target | None, current: Tally) -> bool | None:
    """Whether the district figure meets the target; None without a target or a figure."""
    if target is None or current.value is None or current.type in ANSWER_TYPES:
        return None
    # The unrounded ratio is compared, so 99,996 % never passes for 100 % after rounding.
    exact = current.exact if current.exact is not None else current.value
    return target.is_met(float(exact))


def figure_is_answered(kind: IndicatorType, figure: Figure | None) -> bool:
    """Whether a unit's figure carries a usable answer (not skipped, not "không phát sinh")."""
    return _classify(kind, figure) == "answered"


def figure_not_applicable(kind: IndicatorType, figure: Figure | None) -> bool:
    """Whether a unit's figure is "không phát sinh" (for a ratio: also a zero denominator)."""
    return _classify(kind, figure) == "not_applicable"


def _classify(kind: IndicatorType, figure: Figure | None) -> str:
    """Sort a figure into answered, not applicable or missing."""
    if figure is None or figure.skipped:
        return "missing"
    if figure.not_applicable:
        return "not_applicable"
    if kind is IndicatorType.RATIO:
        if figure.denominator is not None and figure.denominator == 0:
            return "not_applicable"
        if figure.numerator is None or figure.denominator is None:
            return "missing"
        return "answered"
    if kind in (IndicatorType.CHOICE, IndicatorType.TEXT):
        return "answered" if figure.text is not None and figure.text.strip() else "missing"
    return "answered" if figure.value is not None else "missing"


def _ratio_tally(base: Tally, answered: Sequence[Figure]) -> Tally:
    if not answered:
        return base
    numerator = sum((f.numerator for f in answered if f.numerator is not None), Decimal(0))
    denominator = sum((f.denominator for f in answered if f.denominator is not None), Decimal(0))
    exact = Fraction(numerator) * 100 / Fraction(denominator)
    return replace(
        base,
        value=percent_of(numerator, denominator, _PERCENT_PRECISION),
        numerator=numerator,
        denominator=denominator,
        exact=exact,
    )


def _numeric_tally(base: Tally, answered: Sequence[Figure]) -> Tally:
    values = [f.value for f in answered if f.value is not None]
    if not values:
        return base
    total = sum(values, Decimal(0))
    mean = total / len(values)
    lowest, highest = min(values), max(values)
    value = {
        AggregateRule.SUM: total,
        AggregateRule.MEAN: mean,
        AggregateRule.MIN: lowest,
        AggregateRule.MAX: highest,
    }[base.rule]
    return replace(base, value=value, mean=mean, minimum=lowest, maximum=highest)


def _answer_tally(base: Tally, indicator: Indicator, answered: Sequence[Figure]) -> Tally:
    counts: dict[str, int]
    if indicator.type is IndicatorType.BOOLEAN:
        counts = {BOOLEAN_ANSWERS[True]: 0, BOOLEAN_ANSWERS[False]: 0}
        for figure in answered:
            counts[BOOLEAN_ANSWERS[figure.value != 0]] += 1
    else:
        counts = dict.fromkeys(indicator.options or (), 0)
        for figure in answered:
            # An option dropped from a later questionnaire version is still counted, at the end.
            label = (figure.text or "").strip()
            counts[label] = counts.get(label, 0) + 1
        return replace(base, answers=tuple(counts.items()))
    return replace(
        base, answers=tuple(counts.items()), value=Decimal(counts[BOOLEAN_ANSWERS[True]])
    )


def _previous_tally(
    indicator: Indicator, previous: Mapping[str, Mapping[str, Figure]] | None
) -> Tally | None:
    """The previous period's district figure, made the same way; None when nothing was reported."""
    if previous is None:
        return None
    figures = [figures[indicator.id] for figures in previous.values() if indicator.id in figures]
    result = tally(indicator, figures, expected=len(figures))
    return result if result.reported else None
