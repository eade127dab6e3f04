"""The rules an answer is checked against: cross-checks, warnings, targets, blocking errors."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import cast

from cchc_bot.answers import PERCENT_DECIMALS, Answer
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.config.targets import Target
from cchc_bot.conversation.context import CheckRule, ConversationContext, Question, number_of
from cchc_bot.conversation.derived import auto_answer, effective_answers, source_value
from cchc_bot.conversation.figures import (
    decimal_of,
    fits_decimals,
    format_figure,
    format_part,
    is_meaningful,
    number_kind,
    part_kind,
    to_decimal,
)
from cchc_bot.conversation.model import (
    EXPLANATION_MIN_LENGTH,
    JUMP_FACTOR,
    TEXT_MAX_LENGTH,
    ZERO,
    Notice,
    NoticeCode,
)
from cchc_bot.conversation.state import DraftState
from cchc_bot.number_format import format_number, format_percent
from cchc_bot.number_parsing import NumberKind
from cchc_bot.rule_arithmetic import arithmetic_of
from cchc_bot.rules import Reference
from cchc_bot.targets import target_for


def warnings_to_explain(
    context: ConversationContext,
    question: Question,
    candidate: Answer,
    answers: Mapping[str, Answer],
) -> list[Notice]:
    """The warnings this answer confirmed whose message asks for a giải trình, still unmet."""
    checks = [
        check
        for check in context.checks_by_indicator.get(question.id, ())
        if check.explain and check.key in candidate.confirmed_warnings
    ]
    if not checks:
        return []
    trial = dict(answers)
    trial[question.id] = candidate
    values = rule_values(context, effective_answers(context, trial))
    return [
        rule_notice(context, check, values)
        for check in checks
        if rule_holds(check, values) is False
    ]


def blocking_errors(context: ConversationContext, state: DraftState) -> list[Notice]:
    """Everything that blocks submission, in question order, then the error rules."""
    errors: list[Notice] = []
    if state.pending is not None:
        errors.append(
            Notice(
                NoticeCode.PENDING_STEP, {"number": number_of(context, state.pending.indicator_id)}
            )
        )
    effective = effective_answers(context, state.answers)
    for question in context.questions:
        if auto_answer(question, state.answers)[0]:
            continue  # nothing to answer: its source is checked instead
        answer = effective.get(question.id)
        if answer is None:
            if question.indicator.required:
                errors.append(_numbered(NoticeCode.MISSING_ANSWER, question))
            continue
        problem = answer_problem(context, question, answer, state.answers, explanation=True)
        if problem is not None:
            errors.append(problem)
    values = rule_values(context, effective)
    errors.extend(
        rule_notice(context, check, values)
        for check in context.checks
        if check.level == "error" and rule_holds(check, values) is False
    )
    for check in context.checks:
        if not check.explain or rule_holds(check, values) is not False:
            continue
        confirming = [
            context.by_id[ident]
            for ident in sorted(check.rule.indicator_ids, key=lambda i: context.by_id[i].number)
            if check.key in getattr(effective.get(ident), "confirmed_warnings", ())
        ]
        if confirming and not any(explained(effective[q.id]) for q in confirming):
            params = {
                "number": str(confirming[0].number),
                "indicator_id": confirming[0].id,
                "message": check.message,
            }
            errors.append(Notice(NoticeCode.WARNING_NOT_EXPLAINED, params))
    return errors


def rule_notice(
    context: ConversationContext, check: CheckRule, values: Mapping[Reference, Decimal | None]
) -> Notice:
    """The notice of a rule not met, with its arithmetic when it is one comparison."""
    notice = check.notice()
    arithmetic = arithmetic_of(
        check.rule.text, values, lambda ref, value: _format_reference(context, ref, value)
    )
    if arithmetic is None:
        return notice
    params = dict(notice.params)
    params["op"] = arithmetic.op
    for name, side in (("left", arithmetic.left), ("right", arithmetic.right)):
        params[f"{name}_expression"] = side.expression
        params[f"{name}_value"] = side.value
        params[f"{name}_label"] = (
            _reference_label(context, side.reference) if side.reference is not None else ""
        )
    return Notice(notice.code, params)


def _reference_label(context: ConversationContext, reference: Reference) -> str:
    """What a rule's figure is called: the indicator's label, or its ratio part's."""
    question = context.by_id.get(reference.indicator_id)
    if question is None:  # pragma: no cover - rules only read asked questions
        return reference.indicator_id
    ind = question.indicator
    part = ind.numerator if reference.part == "numerator" else ind.denominator
    if reference.part != "value" and part is not None and part.label:
        return part.label
    if reference.part == "denominator" and question.denominator_source is not None:
        return _reference_label(context, Reference(question.denominator_source))
    if reference.part == "numerator" and question.numerator_source is not None:
        return _reference_label(context, Reference(question.numerator_source))
    return ind.label


def _format_reference(
    context: ConversationContext, reference: Reference | None, value: Decimal
) -> str:
    """A rule's figure as the person typed it (a computed one with the decimals it needs)."""
    question = context.by_id.get(reference.indicator_id) if reference is not None else None
    if reference is None or question is None:
        decimals = 0 if value == value.to_integral_value() else 2
        return format_number(value, decimals)
    if question.type is IndicatorType.RATIO and reference.part == "value":
        return format_percent(value, PERCENT_DECIMALS)
    return format_figure(question.indicator, reference.part, value)


def open_warnings(context: ConversationContext, effective: Mapping[str, Answer]) -> list[Notice]:
    """Warnings nobody confirmed: rules not met, jumps, cumulative figures below Q1."""
    values = rule_values(context, effective)
    warnings: list[Notice] = []
    for check in context.checks:
        if check.level != "warning" or rule_holds(check, values) is not False:
            continue
        if not _confirmed_anywhere(check, effective):
            warnings.append(rule_notice(context, check, values))
    for question in context.questions:
        answer = effective.get(question.id)
        if answer is None:
            continue
        warnings.extend(
            notice
            for notice in _figure_warnings(context, question, answer)
            if notice.params["key"] not in answer.confirmed_warnings
        )
    return warnings


def answer_problem(
    context: ConversationContext,
    question: Question,
    answer: Answer,
    answers: Mapping[str, Answer],
    *,
    explanation: bool,
) -> Notice | None:
    """What is wrong with a stored answer, judged by the questionnaire alone."""
    ind = question.indicator
    if answer.skipped:
        return _numbered(NoticeCode.MISSING_ANSWER, question) if ind.required else None
    if answer.not_applicable:
        zero_ratio = (
            question.type is IndicatorType.RATIO
            and answer.numerator == 0
            and answer.denominator == 0
        )
        return None if ind.allows_not_applicable or zero_ratio else _invalid(question)
    if question.type is IndicatorType.RATIO:
        numerator, denominator = answer.numerator, answer.denominator
        if numerator is None or denominator is None or denominator <= 0 or numerator < 0:
            return _invalid(question)
        if numerator > denominator and not ind.numerator_may_exceed:
            params = {
                "number": str(question.number),
                "numerator": format_part(ind, numerator),
                "denominator": format_part(ind, denominator),
            }
            return Notice(NoticeCode.NUMERATOR_ABOVE_DENOMINATOR, params)
        decimals = part_kind(ind)[1]
        for part, figure, source in (
            (ind.numerator, numerator, question.numerator_source),
            (ind.denominator, denominator, question.denominator_source),
        ):
            if not fits_decimals(figure, decimals):
                return _invalid(question)
            if source is not None and source_value(answers, source)[1] != figure:
                return _invalid(question)
            if (
                source is None
                and part is not None
                and part.max is not None
                and figure > decimal_of(part.max)
            ):
                return _invalid(question)
    elif not _value_is_valid(question, answer):
        return _invalid(question)
    if explanation:
        target = missed_target(context, question, answer)
        if target is not None and not explained(answer):
            params = {
                "number": str(question.number),
                "indicator_id": question.id,
                "target": question.indicator.describe_target(target),
            }
            return Notice(NoticeCode.EXPLANATION_MISSING, params)
    return None


def _value_is_valid(question: Question, answer: Answer) -> bool:
    """Whether a non-ratio answer has the type, range and length its question asks for."""
    ind = question.indicator
    value = answer.value
    match question.type:
        case IndicatorType.INTEGER | IndicatorType.DECIMAL | IndicatorType.PERCENT:
            if value is None or not value.is_finite() or value < 0:
                return False
            kind, decimals = number_kind(ind)
            minimum = to_decimal(ind.min)
            maximum = to_decimal(ind.max)
            if kind is NumberKind.PERCENT:
                minimum = ZERO if minimum is None else minimum
                maximum = Decimal(100) if maximum is None else maximum
            return (
                fits_decimals(value, decimals)
                and (minimum is None or value >= minimum)
                and (maximum is None or value <= maximum)
            )
        case IndicatorType.BOOLEAN:
            return value in (0, 1)
        case IndicatorType.CHOICE:
            options = ind.options or []
            if value is None or not fits_decimals(value, 0) or not 1 <= value <= len(options):
                return False
            return answer.text_value == options[int(value) - 1]
        case _:
            text = answer.text_value
            if text is None or not is_meaningful(text):
                return False
            return (ind.min_length is None or len(text) >= ind.min_length) and len(text) <= (
                ind.max_length or TEXT_MAX_LENGTH
            )


def unconfirmed_warnings(
    context: ConversationContext,
    question: Question,
    candidate: Answer,
    effective: Mapping[str, Answer],
    values: Mapping[Reference, Decimal | None],
) -> list[Notice]:
    """Warnings an answer raises that were not confirmed yet."""
    if not candidate.is_answered:
        return []
    warnings = [
        rule_notice(context, check, values)
        for check in context.checks_by_indicator.get(question.id, ())
        if check.level == "warning"
        and rule_holds(check, values) is False
        and not _confirmed_anywhere(check, effective)
        and check.key not in candidate.confirmed_warnings
    ]
    warnings.extend(
        notice
        for notice in _figure_warnings(context, question, candidate)
        if notice.params["key"] not in candidate.confirmed_warnings
    )
    return warnings


def _confirmed_anywhere(check: CheckRule, effective: Mapping[str, Answer]) -> bool:
    """Whether the warning of a rule was confirmed on any of the answers it reads."""
    return any(
        check.key in answer.confirmed_warnings
        for ident in check.rule.indicator_ids
        if (answer := effective.get(ident)) is not None
    )


def _figure_warnings(
    context: ConversationContext, question: Question, answer: Answer
) -> list[Notice]:
    """A jump of more than 3x on the previous period; a cumulative figure below Q1's."""
    warnings: list[Notice] = []
    ind = question.indicator
    for key, figure, value in _figures(question, answer):
        shown = format_figure(ind, figure, value)
        previous = context.previous_values.get(key)
        if previous is not None and previous > 0 and value > JUMP_FACTOR * previous:
            params = {
                "key": f"jump:{key}",
                "figure": figure,
                "value": shown,
                "previous": format_figure(ind, figure, previous),
                "factor": format_number(JUMP_FACTOR),
            }
            warnings.append(Notice(NoticeCode.JUMP, params))
        first_quarter = context.first_quarter_values.get(key)
        if (
            context.cumulative
            and ind.cumulative
            and first_quarter is not None
            and value < first_quarter
        ):
            params = {
                "key": f"below_first_quarter:{key}",
                "figure": figure,
                "value": shown,
                "first_quarter": format_figure(ind, figure, first_quarter),
            }
            warnings.append(Notice(NoticeCode.BELOW_FIRST_QUARTER, params))
    return warnings


def _figures(question: Question, answer: Answer) -> list[tuple[str, str, Decimal]]:
    """The typed figures of an answer: (key as in previous_values, figure name, value)."""
    if not answer.is_answered:
        return []
    match question.type:
        case IndicatorType.INTEGER | IndicatorType.DECIMAL | IndicatorType.PERCENT:
            if answer.value is None:
                return []
            return [(question.id, "value", answer.value)]
        case IndicatorType.RATIO:
            figures: list[tuple[str, str, Decimal]] = []
            if question.asks_numerator and answer.numerator is not None:
                figures.append((f"{question.id}.numerator", "numerator", answer.numerator))
            if question.asks_denominator and answer.denominator is not None:
                figures.append((f"{question.id}.denominator", "denominator", answer.denominator))
            return figures
        case _:
            return []


def missed_target(
    context: ConversationContext, question: Question, answer: Answer
) -> Target | None:
    """The target this answer misses for the period, if it misses one."""
    target = target_for(
        question.indicator, context.period_kind, context.unit_group, context.unit_kind
    )
    if target is None or not answer.is_answered:
        return None
    if question.type is IndicatorType.RATIO:
        if not (question.asks_numerator or question.asks_denominator):
            return None  # nothing was typed here, so there is nobody to ask
        figure = answer.percentage
    elif question.type in (IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENT):
        figure = answer.value
    else:
        return None
    if figure is None or target.is_met(float(figure)):
        return None
    return target


def rule_holds(check: CheckRule, values: Mapping[Reference, Decimal | None]) -> bool | None:
    """Evaluate a rule on exact Decimals (the rule module reads them without rounding)."""
    return check.rule.evaluate(cast("Mapping[Reference, float | None]", values))


def explained(answer: Answer) -> bool:
    """Whether an answer carries a giải trình long enough to count."""
    return answer.explanation is not None and len(answer.explanation) >= EXPLANATION_MIN_LENGTH


def rule_values(
    context: ConversationContext, effective: Mapping[str, Answer]
) -> dict[Reference, Decimal | None]:
    """The figures rules read: values, ratio parts, a ratio's value is its percentage."""
    values: dict[Reference, Decimal | None] = {}
    for question in context.questions:
        answer = effective.get(question.id)
        if answer is None or answer.skipped:
            continue
        if question.type is IndicatorType.RATIO:
            values[Reference(question.id, "numerator")] = answer.numerator
            values[Reference(question.id, "denominator")] = answer.denominator
            values[Reference(question.id, "value")] = answer.percentage
        elif question.type is not IndicatorType.TEXT and not answer.not_applicable:
            values[Reference(question.id, "value")] = answer.value
    return values


def _numbered(code: NoticeCode, question: Question) -> Notice:
    return Notice(code, {"number": str(question.number), "indicator_id": question.id})


def _invalid(question: Question) -> Notice:
    return _numbered(NoticeCode.INVALID_ANSWER, question)
