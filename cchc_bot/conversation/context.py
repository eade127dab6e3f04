"""The questions of one unit and period, with their checks parsed once: `build_context`."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from cchc_bot.answers import Answer
from cchc_bot.config.questionnaire import Indicator, IndicatorType, Questionnaire
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation.model import Notice, NoticeCode, Step
from cchc_bot.periods import ReportingPeriod
from cchc_bot.rules import Rule, parse_rule
from cchc_bot.texts.figures import NUMERATOR_ABOVE_DENOMINATOR_WARNING


@dataclass(frozen=True, slots=True)
class Condition:
    """Ask a question only when an earlier choice was answered with one of these options."""

    source: str
    options: frozenset[str]


@dataclass(frozen=True, slots=True)
class Tally:
    """A ratio computed, not asked: settled items plus the choices that say so, over a total."""

    sources: tuple[str, ...]
    option: str
    settled: int
    total: int


@dataclass(frozen=True, slots=True)
class Question:
    """One applicable question with its number and section."""

    indicator: Indicator
    number: int
    section_code: str
    section_title: str
    # Generated questions (the plan annex's tasks): asked only when the condition holds...
    condition: Condition | None = None
    # ...or not asked at all and shown with this answer (settled earlier), or with a count.
    preset: Answer | None = None
    tally: Tally | None = None

    @property
    def id(self) -> str:
        """The indicator id."""
        return self.indicator.id

    @property
    def type(self) -> IndicatorType:
        """The indicator type."""
        return self.indicator.type

    @property
    def numerator_source(self) -> str | None:
        """The indicator a ratio's numerator is taken from, if any."""
        part = self.indicator.numerator
        return part.from_ if part is not None else None

    @property
    def denominator_source(self) -> str | None:
        """The indicator a ratio's denominator is taken from, if any."""
        return self.indicator.denominator_source

    @property
    def asks_numerator(self) -> bool:
        """Whether a ratio's numerator is typed in."""
        return self.numerator_source is None

    @property
    def asks_denominator(self) -> bool:
        """Whether a ratio's denominator is typed in."""
        return self.denominator_source is None

    @property
    def base_step(self) -> Step:
        """The step the question starts at."""
        if self.type is not IndicatorType.RATIO:
            return Step.ANSWER
        return Step.NUMERATOR if self.asks_numerator else Step.DENOMINATOR


@dataclass(frozen=True, slots=True)
class CheckRule:
    """A questionnaire check, pre-parsed, with the question where it becomes decidable."""

    key: str  # "<indicator id>#<index of the check>", stable within a questionnaire version
    rule: Rule
    level: str  # "error" or "warning"
    message: str
    anchor: str  # the last question (in order) the rule reads
    numbers: str  # the numbers of the questions it reads, "12, 14, 15"
    explain: bool = False  # a warning whose message asks for a giải trình once confirmed

    def notice(self) -> Notice:
        """The notice telling this rule is not met."""
        code = NoticeCode.RULE_ERROR if self.level == "error" else NoticeCode.RULE_WARNING
        params = {
            "key": self.key,
            "message": self.message,
            "rule": self.rule.text,
            "numbers": self.numbers,
        }
        return Notice(code, params)


@dataclass(frozen=True, slots=True)
class ConversationContext:
    """Everything a step needs besides the state; build it with `build_context`."""

    questions: tuple[Question, ...]
    period_kind: str
    cumulative: bool
    window_start: dt.date
    window_end: dt.date
    previous_values: Mapping[str, Decimal]
    first_quarter_values: Mapping[str, Decimal]
    checks: tuple[CheckRule, ...]
    by_id: Mapping[str, Question]
    checks_by_indicator: Mapping[str, tuple[CheckRule, ...]]
    errors_by_anchor: Mapping[str, tuple[CheckRule, ...]]
    dependents: Mapping[str, tuple[str, ...]]
    # Which target entry applies to the unit (cchc_bot.targets.target_for).
    unit_group: str | None = None
    unit_kind: str | None = None

    @property
    def total(self) -> int:
        """The number of questions."""
        return len(self.questions)


def build_context(
    questionnaire: Questionnaire,
    unit: UnitConfig,
    period_kind: str,
    *,
    cumulative: bool,
    window_start: dt.date,
    window_end: dt.date,
    previous_values: Mapping[str, Decimal] | None = None,
    first_quarter_values: Mapping[str, Decimal] | None = None,
    conditions: Mapping[str, Condition] | None = None,
    presets: Mapping[str, Answer] | None = None,
    tallies: Mapping[str, Tally] | None = None,
) -> ConversationContext:
    """The context of a unit's report for a period kind; rules are parsed here, once.

    `previous_values` and `first_quarter_values` are keyed like rule references: the
    indicator id for a figure, `id.numerator` / `id.denominator` for a ratio's parts.
    """
    section_of = {ind.id: section for section, ind in questionnaire.indicators()}
    conditions, presets, tallies = conditions or {}, presets or {}, tallies or {}
    questions = tuple(
        Question(
            ind,
            number,
            section_of[ind.id].code,
            section_of[ind.id].title,
            condition=conditions.get(ind.id),
            preset=presets.get(ind.id),
            tally=tallies.get(ind.id),
        )
        for number, ind in enumerate(questionnaire.questions_for(unit, period_kind), start=1)
    )
    by_id = {question.id: question for question in questions}
    checks: list[CheckRule] = []
    for _, ind in questionnaire.indicators():
        for index, check in enumerate(ind.checks):
            rule = parse_rule(check.rule)
            ids = rule.indicator_ids
            # A rule reading a question this unit is not asked can never be decided.
            if not ids or not ids <= by_id.keys():
                continue
            ordered = sorted(ids, key=lambda ident: by_id[ident].number)
            checks.append(
                CheckRule(
                    key=f"{ind.id}#{index}",
                    rule=rule,
                    level=check.level,
                    message=check.message,
                    anchor=ordered[-1],
                    numbers=", ".join(str(by_id[ident].number) for ident in ordered),
                    explain=check.level == "warning" and asks_for_explanation(check.message),
                )
            )
    checks.extend(_carry_over_checks(questions))
    by_indicator: dict[str, list[CheckRule]] = {}
    errors_by_anchor: dict[str, list[CheckRule]] = {}
    for check_rule in checks:
        for ident in check_rule.rule.indicator_ids:
            by_indicator.setdefault(ident, []).append(check_rule)
        if check_rule.level == "error":
            errors_by_anchor.setdefault(check_rule.anchor, []).append(check_rule)
    dependents: dict[str, list[str]] = {}
    for question in questions:
        sources = {question.numerator_source, question.denominator_source}
        if question.condition is not None:
            sources.add(question.condition.source)
        if question.tally is not None:
            sources.update(question.tally.sources)
        for source in sources - {None}:
            dependents.setdefault(cast(str, source), []).append(question.id)
    return ConversationContext(
        questions=questions,
        period_kind=period_kind,
        cumulative=cumulative,
        window_start=window_start,
        window_end=window_end,
        previous_values=dict(previous_values or {}),
        first_quarter_values=dict(first_quarter_values or {}),
        checks=tuple(checks),
        by_id=by_id,
        checks_by_indicator={k: tuple(v) for k, v in by_indicator.items()},
        errors_by_anchor={k: tuple(v) for k, v in errors_by_anchor.items()},
        dependents={k: tuple(v) for k, v in dependents.items()},
        unit_group=unit.group_code,
        unit_kind=str(unit.kind),
    )


def _carry_over_checks(questions: tuple[Question, ...]) -> list[CheckRule]:
    """A warning (to explain) for each ratio whose numerator may exceed its denominator."""
    return [
        CheckRule(
            key=f"{question.id}#numerator_above_denominator",
            rule=parse_rule(f"{question.id}.numerator <= {question.id}.denominator"),
            level="warning",
            message=NUMERATOR_ABOVE_DENOMINATOR_WARNING,
            anchor=question.id,
            numbers=str(question.number),
            explain=True,
        )
        for question in questions
        if question.indicator.numerator_may_exceed
    ]


def context_for_period(
    questionnaire: Questionnaire,
    unit: UnitConfig,
    period: ReportingPeriod,
    *,
    previous_values: Mapping[str, Decimal] | None = None,
    first_quarter_values: Mapping[str, Decimal] | None = None,
    conditions: Mapping[str, Condition] | None = None,
    presets: Mapping[str, Answer] | None = None,
    tallies: Mapping[str, Tally] | None = None,
) -> ConversationContext:
    """`build_context` for a reporting period (its kind, cumulation and data window)."""
    return build_context(
        questionnaire,
        unit,
        period.kind,
        cumulative=period.cumulative,
        window_start=period.window_start,
        window_end=period.window_end,
        previous_values=previous_values,
        first_quarter_values=first_quarter_values,
        conditions=conditions,
        presets=presets,
        tallies=tallies,
    )


def asks_for_explanation(message: str) -> bool:
    """Whether a warning's message asks for a giải trình ("… đề nghị giải trình.")."""
    folded = unicodedata.normalize("NFD", message.casefold().replace("đ", "d"))
    plain = "".join(char for char in folded if unicodedata.category(char) != "Mn")
    return "giai trinh" in " ".join(plain.split())


def number_of(context: ConversationContext, ident: str) -> str:
    """The number of a question, "" when the unit is not asked it."""
    question = context.by_id.get(ident)
    return str(question.number) if question is not None else ""
