"""The last stage of an answer: the question and summary views, answers formatted for display."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Final

from cchc_bot.answers import PERCENT_DECIMALS, Answer
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation.checks import blocking_errors, missed_target, open_warnings
from cchc_bot.conversation.context import ConversationContext, Question, number_of
from cchc_bot.conversation.derived import (
    answered_count,
    auto_answer,
    effective_answers,
    source_value,
)
from cchc_bot.conversation.figures import format_figure, format_part, main_figure
from cchc_bot.conversation.model import (
    DONE,
    TEXT_MAX_LENGTH,
    Action,
    Button,
    ButtonLabel,
    FormattedAnswer,
    Notice,
    NoticeCode,
    QuestionView,
    Step,
    SummaryItem,
    SummarySection,
    SummaryView,
)
from cchc_bot.conversation.navigation import first_unanswered, previous_asked
from cchc_bot.conversation.state import DraftState
from cchc_bot.number_format import format_percent
from cchc_bot.targets import target_for


def question_view(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    notices: Sequence[Notice],
) -> QuestionView:
    """The view of a question at the state's sub-step, with its buttons."""
    ind = question.indicator
    pending = state.pending
    step_kind = pending.step if pending is not None else question.base_step
    all_notices: list[Notice] = []
    candidate: FormattedAnswer | None = None
    reading: str | None = None
    explanation_for: str | None = None
    if pending is not None and pending.candidate is not None:
        candidate = _format_answer(question, pending.candidate)
        if step_kind is Step.CONFIRM_WARNING:
            all_notices.extend(pending.warnings)
        elif step_kind is Step.EXPLANATION and pending.warnings:
            all_notices.extend(pending.warnings)
            explanation_for = "warning"
        elif step_kind is Step.EXPLANATION:
            explanation_for = "target"
            target = missed_target(context, question, pending.candidate)
            if target is not None:
                params = {
                    "target": ind.describe_target(target),
                    "value": main_figure(question, pending.candidate),
                }
                all_notices.append(Notice(NoticeCode.TARGET_MISSED, params))
    if pending is not None and pending.step is Step.CONFIRM_NUMBER and pending.number is not None:
        figure = pending.part or "value"
        reading = format_figure(ind, figure, pending.number)
    all_notices.extend(notices)
    numerator_label = numerator_unit = denominator_label = denominator_unit = None
    fixed_numerator = fixed_denominator = numerator_source = denominator_source = None
    if question.type is IndicatorType.RATIO:
        if ind.numerator is not None:
            numerator_label, numerator_unit = ind.numerator.label, ind.numerator.unit
        if ind.denominator is not None:
            denominator_label, denominator_unit = ind.denominator.label, ind.denominator.unit
        if question.numerator_source is not None:
            numerator_source = number_of(context, question.numerator_source)
            fixed_numerator = format_part(
                ind, source_value(state.answers, question.numerator_source)[1]
            )
        if question.denominator_source is not None:
            denominator_source = number_of(context, question.denominator_source)
            fixed_denominator = format_part(
                ind, source_value(state.answers, question.denominator_source)[1]
            )
    target = target_for(ind, context.period_kind, context.unit_group, context.unit_kind)
    answered = answered_count(context, state.answers)
    saved = state.answers.get(question.id)
    return QuestionView(
        indicator_id=question.id,
        section_code=question.section_code,
        section_title=question.section_title,
        number=question.number,
        total=context.total,
        answered=answered,
        progress=answered / context.total if context.total else 1.0,
        label=ind.label,
        help=ind.help,
        unit=ind.unit,
        question_type=question.type,
        step=step_kind,
        required=ind.required,
        editing=state.editing,
        window_start=context.window_start,
        window_end=context.window_end,
        options=tuple(ind.options or ()),
        min_length=ind.min_length,
        max_length=(ind.max_length or TEXT_MAX_LENGTH)
        if question.type is IndicatorType.TEXT
        else None,
        target=ind.describe_target(target) if target is not None else None,
        numerator_label=numerator_label,
        numerator_unit=numerator_unit,
        denominator_label=denominator_label,
        denominator_unit=denominator_unit,
        fixed_numerator=fixed_numerator,
        fixed_denominator=fixed_denominator,
        numerator_source=numerator_source,
        denominator_source=denominator_source,
        entered_numerator=(
            format_part(ind, pending.numerator)
            if pending is not None and pending.numerator is not None
            else None
        ),
        reading=reading,
        interpretation=pending.interpretation if pending is not None else None,
        candidate=candidate,
        current=_format_answer(question, saved) if saved is not None else None,
        buttons=_question_buttons(context, state, question, step_kind, all_notices),
        notices=tuple(all_notices),
        explanation_for=explanation_for,
    )


def _question_buttons(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    step_kind: Step,
    notices: Sequence[Notice] = (),
) -> tuple[Button, ...]:
    ind = question.indicator
    back = Button(ButtonLabel.BACK, Action.BACK)
    if step_kind is Step.CONFIRM_NUMBER:
        return (
            Button(ButtonLabel.NUMBER_CORRECT, Action.CONFIRM),
            Button(ButtonLabel.NUMBER_WRONG, Action.REJECT),
            back,
        )
    fixes = _fix_buttons(context, state, notices, exclude=question)
    if step_kind is Step.CONFIRM_WARNING:
        return (
            Button(ButtonLabel.WARNING_CONFIRM, Action.CONFIRM),
            Button(ButtonLabel.WARNING_CORRECT, Action.REJECT),
            *fixes,
            back,
        )
    if step_kind is Step.EXPLANATION:
        return (back,)
    buttons: list[Button] = list(fixes)
    if question.type is IndicatorType.BOOLEAN:
        buttons += [Button(ButtonLabel.YES, Action.YES), Button(ButtonLabel.NO, Action.NO)]
    if question.type is IndicatorType.CHOICE:
        buttons += [
            Button(ButtonLabel.OPTION, Action.CHOOSE, str(number))
            for number in range(1, len(ind.options or ()) + 1)
        ]
    if ind.allows_not_applicable:
        buttons.append(Button(ButtonLabel.NOT_APPLICABLE, Action.NOT_APPLICABLE))
    if not ind.required:
        buttons.append(Button(ButtonLabel.SKIP, Action.SKIP))
    if state.pending is None and question.id in state.answers:
        buttons.append(Button(ButtonLabel.KEEP, Action.NEXT))
    has_earlier = previous_asked(context, state.answers, question.number - 1) is not None
    if state.editing or state.pending is not None or has_earlier:
        buttons.append(back)
    buttons.append(Button(ButtonLabel.REVIEW, Action.REVIEW))
    return tuple(buttons)


def summary_view(
    context: ConversationContext,
    state: DraftState,
    notices: Sequence[Notice],
    *,
    brief: bool = False,
    changed: tuple[int, ...] = (),
) -> SummaryView:
    """The summary: every answer, open errors and warnings, the buttons."""
    effective = effective_answers(context, state.answers)
    errors = blocking_errors(context, state)
    flagged = {notice.params.get("number") for notice in errors}
    for notice in errors:
        if notice.code is NoticeCode.RULE_ERROR:
            flagged.update(number.strip() for number in notice.params["numbers"].split(","))
    sections: list[SummarySection] = []
    for question in context.questions:
        passed = auto_answer(question, state.answers)[0]
        answer = effective.get(question.id)
        formatted = _format_answer(question, answer, automatic=passed) if answer else None
        item = SummaryItem(
            number=question.number,
            indicator_id=question.id,
            label=question.indicator.label,
            question_type=question.type,
            unit=question.indicator.unit,
            required=question.indicator.required,
            answer=formatted,
            has_error=str(question.number) in flagged,
        )
        if sections and sections[-1].code == question.section_code:
            last = sections[-1]
            sections[-1] = replace(last, items=(*last.items, item))
        else:
            sections.append(SummarySection(question.section_code, question.section_title, (item,)))
    submitted = state.position == DONE
    allowed = not errors and not submitted
    buttons: list[Button] = []
    if not submitted:
        if allowed:
            buttons.append(Button(ButtonLabel.SUBMIT, Action.SUBMIT))
        if first_unanswered(context, state.answers) is not None:
            buttons.append(Button(ButtonLabel.CONTINUE, Action.NEXT))
        buttons.extend(_fix_buttons(context, state, errors, exclude=None))
        buttons.extend(
            Button(ButtonLabel.EDIT, Action.EDIT, str(question.number))
            for question in context.questions
            if not auto_answer(question, state.answers)[0]
        )
        buttons.append(Button(ButtonLabel.BACK, Action.BACK))
    return SummaryView(
        sections=tuple(sections),
        answered=answered_count(context, state.answers),
        total=context.total,
        window_start=context.window_start,
        window_end=context.window_end,
        errors=tuple(errors),
        warnings=tuple(open_warnings(context, effective)),
        submit_allowed=allowed,
        submitted=submitted,
        buttons=tuple(buttons),
        notices=tuple(notices),
        brief=brief,
        changed=changed,
    )


FIX_BUTTONS_MAX: Final = 6
"""At most this many «Sửa câu N» buttons under a failed cross-check."""


def _fix_buttons(
    context: ConversationContext,
    state: DraftState,
    notices: Iterable[Notice],
    *,
    exclude: Question | None,
) -> list[Button]:
    """«Sửa câu N» for every typed question a failed cross-check reads (not `exclude`)."""
    numbers: list[str] = []
    for notice in notices:
        if notice.code not in (NoticeCode.RULE_ERROR, NoticeCode.RULE_WARNING):
            continue
        for number in notice.params.get("numbers", "").split(","):
            number = number.strip()
            if not number.isdecimal() or number in numbers:
                continue
            index = int(number) - 1
            if not 0 <= index < context.total:
                continue
            question = context.questions[index]
            if question is exclude or auto_answer(question, state.answers)[0]:
                continue
            numbers.append(number)
    return [Button(ButtonLabel.FIX, Action.EDIT, n) for n in numbers[:FIX_BUTTONS_MAX]]


def _format_answer(
    question: Question, answer: Answer, *, automatic: bool = False
) -> FormattedAnswer:
    """An answer formatted for display."""
    ind = question.indicator
    base = FormattedAnswer(
        not_applicable=answer.not_applicable,
        skipped=answer.skipped,
        automatic=automatic,
        explanation=answer.explanation,
    )
    if not answer.is_answered:
        return base
    match question.type:
        case IndicatorType.RATIO:
            percentage = answer.percentage
            return replace(
                base,
                numerator=format_part(ind, answer.numerator),
                denominator=format_part(ind, answer.denominator),
                percent=(
                    format_percent(percentage, PERCENT_DECIMALS) if percentage is not None else None
                ),
            )
        case IndicatorType.BOOLEAN:
            return replace(base, boolean=answer.value == 1)
        case IndicatorType.CHOICE | IndicatorType.TEXT:
            return replace(base, value=answer.text_value)
        case _:
            return replace(base, value=main_figure(question, answer))


def saved_notice(question: Question, answer: Answer) -> tuple[Notice, ...]:
    """The echo of an accepted figure on the next screen ("✅ Câu 7: 1.234 hồ sơ")."""
    ind = question.indicator
    number = str(question.number)
    if question.type not in _FIGURE_TYPES:
        return ()
    if answer.not_applicable:
        return (Notice(NoticeCode.NOT_APPLICABLE_SAVED, {"number": number}),)
    if question.type is IndicatorType.RATIO:
        percentage = answer.percentage
        if percentage is None:
            return ()
        params = {
            "number": number,
            "numerator": format_part(ind, answer.numerator),
            "denominator": format_part(ind, answer.denominator),
            "percent": format_percent(percentage, PERCENT_DECIMALS),
        }
        return (Notice(NoticeCode.RATIO_SAVED, params),)
    if answer.value is None:
        return ()
    value = format_figure(ind, "value", answer.value)
    if ind.unit and question.type is not IndicatorType.PERCENT and ind.unit.strip() != "%":
        value = f"{value} {ind.unit}"
    return (Notice(NoticeCode.VALUE_SAVED, {"number": number, "value": value}),)


_FIGURE_TYPES: Final = frozenset(
    {IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENT, IndicatorType.RATIO}
)


def already_submitted_notice() -> Notice:
    """The notice that the report was already handed over."""
    return Notice(NoticeCode.ALREADY_SUBMITTED)
