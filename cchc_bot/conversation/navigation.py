"""Which question comes next or before, and fitting a stored state to the questionnaire."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from cchc_bot.answers import Answer
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation.checks import explained, missed_target
from cchc_bot.conversation.context import ConversationContext, Question
from cchc_bot.conversation.derived import auto_answer
from cchc_bot.conversation.model import DONE, SUMMARY, Step
from cchc_bot.conversation.state import DraftState, Pending


def next_asked(
    context: ConversationContext, answers: Mapping[str, Answer], start_index: int
) -> tuple[Question | None, list[Question]]:
    """The next question to ask from an index on, and the ratios passed over on the way."""
    passed: list[Question] = []
    for question in context.questions[start_index:]:
        if auto_answer(question, answers)[0]:
            passed.append(question)
            continue
        return question, passed
    return None, passed


def previous_asked(
    context: ConversationContext, answers: Mapping[str, Answer], end_index: int
) -> Question | None:
    """The last question asked before an index (passed-over ratios do not count)."""
    for question in reversed(context.questions[:end_index]):
        if not auto_answer(question, answers)[0]:
            return question
    return None


def first_unanswered(
    context: ConversationContext, answers: Mapping[str, Answer]
) -> Question | None:
    """The first question still to be asked and not answered yet."""
    for question in context.questions:
        if question.id not in answers and not auto_answer(question, answers)[0]:
            return question
    return None


def next_while_editing(
    context: ConversationContext, answers: Mapping[str, Answer], question: Question
) -> tuple[Question | None, bool]:
    """After an edit: a ratio of the edited figure or a follow-up of the edited choice to ask
    again, or one whose new figures miss the target and need a giải trình (True), if any."""
    sources = {question.id, question.numerator_source, question.denominator_source} - {None}
    # A choice's follow-ups, and a follow-up's siblings, come along with it.
    parents = {question.id} | ({question.condition.source} if question.condition else set())
    for other in context.questions:
        follows = other.condition is not None and other.condition.source in parents
        if other.id == question.id or not (
            follows or other.numerator_source in sources or other.denominator_source in sources
        ):
            continue
        if auto_answer(other, answers)[0]:
            continue
        answer = answers.get(other.id)
        if answer is None:
            return other, False
        if missed_target(context, other, answer) is not None and not explained(answer):
            return other, True
    return None, False


def normalise(context: ConversationContext, state: DraftState) -> tuple[DraftState, bool]:
    """Fit a stored state to the context; True when its position had to be moved."""
    position = state.position
    if position in (SUMMARY, DONE):
        if state.pending is not None or state.editing:
            return replace(state, pending=None, editing=False), False
        return state, False
    question = context.by_id.get(position)
    if question is None:
        target = first_unanswered(context, state.answers)
        moved = DraftState(state.answers, target.id if target else SUMMARY, None, False)
        return moved, position != ""
    if auto_answer(question, state.answers)[0]:
        following, _ = next_asked(context, state.answers, question.number)
        if state.editing or following is None:
            return DraftState(state.answers, SUMMARY, None, False), True
        return DraftState(state.answers, following.id, None, False), True
    if state.origin and (
        not state.editing
        or any(item != SUMMARY and item not in context.by_id for item in state.origin)
    ):
        state = replace(state, origin=())
    pending = state.pending
    if pending is not None and not _pending_fits(question, pending):
        return replace(state, pending=None), False
    return state, False


def _pending_fits(question: Question, pending: Pending) -> bool:
    """Whether a stored sub-step belongs to this question and is complete."""
    if pending.indicator_id != question.id:
        return False
    ratio = question.type is IndicatorType.RATIO
    match pending.step:
        case Step.DENOMINATOR:
            return ratio and question.asks_denominator and pending.numerator is not None
        case Step.CONFIRM_NUMBER:
            if pending.number is None:
                return False
            if pending.part == "value":
                return question.type in (
                    IndicatorType.INTEGER,
                    IndicatorType.DECIMAL,
                    IndicatorType.PERCENT,
                )
            if pending.part == "numerator":
                return ratio and question.asks_numerator
            return ratio and pending.part == "denominator" and question.asks_denominator
        case Step.CONFIRM_WARNING | Step.EXPLANATION:
            return pending.candidate is not None
        case _:
            return False
