"""Answers that follow from others: ratios taking a part elsewhere, effective and final answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from cchc_bot.answers import PERCENT_DECIMALS, Answer
from cchc_bot.conversation.context import ConversationContext, Question, number_of
from cchc_bot.conversation.figures import format_part
from cchc_bot.conversation.model import ZERO, Notice, NoticeCode
from cchc_bot.conversation.state import AnswerChange
from cchc_bot.number_format import format_percent


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a draft is, counted as the progress bar counts."""

    answered: int  # questions with an answer (passed-over ratios, skips and "không" included)
    total: int
    not_applicable: int
    skipped: int


def progress(context: ConversationContext, answers: Mapping[str, Answer]) -> Progress:
    """The answered count the progress bar shows, and how many of those say nothing."""
    effective = effective_answers(context, answers)
    return Progress(
        answered=len(effective),
        total=context.total,
        not_applicable=sum(1 for answer in effective.values() if answer.not_applicable),
        skipped=sum(1 for answer in effective.values() if answer.skipped),
    )


def final_answers(context: ConversationContext, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers a submission freezes: passed-over ratios filled, unanswered optionals skipped."""
    effective = effective_answers(context, answers)
    result: dict[str, Answer] = {}
    for question in context.questions:
        answer = effective.get(question.id)
        if answer is None and not question.indicator.required:
            answer = Answer(skipped=True)
        if answer is not None:
            result[question.id] = answer
    return result


def dependent_notices(
    context: ConversationContext,
    question: Question,
    before: Mapping[str, Answer],
    after: Mapping[str, Answer],
) -> list[Notice]:
    """Tell how the ratios that take a part from this answer changed with it."""
    notices: list[Notice] = []
    for ident in context.dependents.get(question.id, ()):
        dependent = context.by_id[ident]
        if dependent.condition is not None:
            continue  # a follow-up asked or not by the choice just made: nothing to tell
        was_auto, was_auto_answer = auto_answer(dependent, before)
        now_auto, _ = auto_answer(dependent, after)
        old = was_auto_answer if was_auto else before.get(ident)
        new = after.get(ident)
        if now_auto:
            if not was_auto:
                notices.append(passed_over_notice(context, dependent))
            continue
        if old is None or old == new:
            continue
        params = {"number": str(dependent.number), "source_number": str(question.number)}
        if new is None:
            notices.append(Notice(NoticeCode.DEPENDENT_CLEARED, params))
            continue
        old_percent, new_percent = old.percentage, new.percentage
        if old_percent is None or new_percent is None or old.same_content(new):
            continue
        ind = dependent.indicator
        params |= {
            "before_numerator": format_part(ind, old.numerator),
            "before_denominator": format_part(ind, old.denominator),
            "before_percent": format_percent(old_percent, PERCENT_DECIMALS),
            "numerator": format_part(ind, new.numerator),
            "denominator": format_part(ind, new.denominator),
            "percent": format_percent(new_percent, PERCENT_DECIMALS),
        }
        notices.append(Notice(NoticeCode.DEPENDENT_CHANGED, params))
    return notices


def source_value(answers: Mapping[str, Answer], source: str) -> tuple[bool, Decimal | None]:
    """Whether a source question was answered at all, and its figure if it has one."""
    answer = answers.get(source)
    if answer is None:
        return False, None
    if not answer.is_answered or answer.value is None:
        return True, None
    return True, answer.value


def auto_answer(question: Question, answers: Mapping[str, Answer]) -> tuple[bool, Answer | None]:
    """Whether a question is passed over and its answer then: a preset one, a conditional one
    whose condition does not hold, a ratio whose denominator is 0 or missing."""
    if question.preset is not None:
        return True, question.preset
    tally = question.tally
    if tally is not None:
        said = sum(
            1
            for source in tally.sources
            if (answer := answers.get(source)) is not None and answer.text_value == tally.option
        )
        done, total = Decimal(tally.settled + said), Decimal(tally.total)
        return True, Answer(numerator=done, denominator=total)
    if question.condition is not None:
        source = answers.get(question.condition.source)
        if source is None:
            return True, None
        if source.text_value in question.condition.options:
            return False, None
        return True, Answer(skipped=True)
    if question.numerator_source is None and question.denominator_source is None:
        return False, None
    denominator: Decimal | None = None
    if question.denominator_source is not None:
        given, denominator = source_value(answers, question.denominator_source)
        if denominator is None:
            return True, Answer(not_applicable=True) if given else None
        if denominator == 0:
            return True, Answer(numerator=ZERO, denominator=ZERO, not_applicable=True)
    if question.numerator_source is not None:
        given, numerator = source_value(answers, question.numerator_source)
        if numerator is None:
            return True, Answer(not_applicable=True) if given else None
        if denominator is not None:
            return True, Answer(numerator=numerator, denominator=denominator)
    return False, None


def sync_dependents(
    context: ConversationContext,
    before: Mapping[str, Answer],
    answers: dict[str, Answer],
    changed: str,
) -> list[AnswerChange]:
    """Bring the ratios that take a part from `changed` in line with its new answer."""
    changes: list[AnswerChange] = []
    for ident in context.dependents.get(changed, ()):
        question = context.by_id[ident]
        old = answers.get(ident)
        passed, automatic = auto_answer(question, answers)
        new: Answer | None
        if question.condition is not None:
            # A follow-up: its own answer stands while it is asked, and is forgotten when not.
            new = None if passed or auto_answer(question, before)[0] else old
        elif passed:
            new = automatic
        elif old is None or auto_answer(question, before)[0]:
            new = None  # it was passed over and now has to be asked
        elif not old.is_answered:
            new = old  # the person's own "không phát sinh" stands
        else:
            # The explanation and the confirmations were about the old figures: they go.
            new = replace(
                old,
                explanation=None,
                confirmed_warnings=frozenset(),
                numerator=(
                    source_value(answers, question.numerator_source)[1]
                    if question.numerator_source is not None
                    else old.numerator
                ),
                denominator=(
                    source_value(answers, question.denominator_source)[1]
                    if question.denominator_source is not None
                    else old.denominator
                ),
            )
            if old.same_content(new):
                new = old
            elif (
                new.numerator is None
                or new.denominator is None
                or (new.numerator > new.denominator and not question.indicator.numerator_may_exceed)
            ):
                new = None  # ask it again rather than keep a figure that no longer holds
        if new != old:
            if new is None:
                del answers[ident]
            else:
                answers[ident] = new
            changes.append(AnswerChange(ident, new))
    return changes


def effective_answers(
    context: ConversationContext, answers: Mapping[str, Answer]
) -> dict[str, Answer]:
    """The answers of the context's questions, passed-over ratios given their automatic answer."""
    effective: dict[str, Answer] = {}
    for question in context.questions:
        passed, automatic = auto_answer(question, answers)
        answer = automatic if passed else answers.get(question.id)
        if answer is not None:
            effective[question.id] = answer
    return effective


def passed_over_notice(context: ConversationContext, question: Question) -> Notice:
    """The notice that a ratio was passed over (its source gave no denominator)."""
    source = question.denominator_source or question.numerator_source or ""
    params = {
        "number": str(question.number),
        "indicator_id": question.id,
        "label": question.indicator.label,
        "source_number": number_of(context, source),
    }
    return Notice(NoticeCode.PASSED_OVER, params)


def answered_count(context: ConversationContext, answers: Mapping[str, Answer]) -> int:
    """Questions with an answer, passed-over ratios with their automatic one included."""
    return len(effective_answers(context, answers))
