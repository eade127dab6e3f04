"""The steps taken at the summary: open a question to edit, go on, go back, submit."""

from __future__ import annotations

from cchc_bot.conversation.checks import blocking_errors
from cchc_bot.conversation.context import ConversationContext, number_of
from cchc_bot.conversation.derived import auto_answer, final_answers
from cchc_bot.conversation.model import DONE, Action, Notice, NoticeCode, SubmitReady
from cchc_bot.conversation.navigation import first_unanswered, previous_asked
from cchc_bot.conversation.reading import Given, stale
from cchc_bot.conversation.state import AnswerChange, DraftState, Outcome, outcome
from cchc_bot.conversation.views import question_view, summary_view


def at_summary(context: ConversationContext, state: DraftState, given: Given) -> Outcome:
    """Handle an event while the summary is shown."""
    action = given.action
    if given.unknown:
        return outcome(state, (), summary_view(context, state, [stale(given)], brief=True))
    if action is Action.SUBMIT:
        return _submit(context, state)
    if action is Action.EDIT or (action is None and given.key.isdecimal()):
        return _edit(context, state, given.argument if action is Action.EDIT else given.key)
    if action is Action.NEXT:
        target = first_unanswered(context, state.answers)
        if target is None:
            notice = Notice(NoticeCode.ALL_ANSWERED)
            return outcome(state, (), summary_view(context, state, [notice], brief=True))
        moved = DraftState(state.answers, target.id, None, False)
        return outcome(moved, (), question_view(context, moved, target, []))
    if action is Action.BACK:
        last = previous_asked(context, state.answers, context.total)
        if last is None:  # pragma: no cover - every questionnaire has an asked question
            return outcome(state, (), summary_view(context, state, []))
        moved = DraftState(state.answers, last.id, None, False)
        return outcome(moved, (), question_view(context, moved, last, []))
    if action is Action.REVIEW:
        return outcome(state, (), summary_view(context, state, []))
    notice = stale(given) if not given.typed else Notice(NoticeCode.UNRECOGNIZED)
    return outcome(state, (), summary_view(context, state, [notice], brief=True))


def _edit(context: ConversationContext, state: DraftState, argument: str) -> Outcome:
    """Open question N from the summary; answering it returns to the summary."""
    total = str(context.total)
    if not argument:
        notice = Notice(NoticeCode.EDIT_NEEDS_NUMBER, {"total": total})
        return outcome(state, (), summary_view(context, state, [notice], brief=True))
    number = int(argument) if argument.isdecimal() and len(argument) <= 4 else 0
    if not 1 <= number <= context.total:
        notice = Notice(NoticeCode.EDIT_OUT_OF_RANGE, {"number": argument[:10], "total": total})
        return outcome(state, (), summary_view(context, state, [notice], brief=True))
    question = context.questions[number - 1]
    if auto_answer(question, state.answers)[0]:
        source = question.denominator_source or question.numerator_source or ""
        params = {"number": str(number), "source_number": number_of(context, source)}
        notice = Notice(NoticeCode.EDIT_PASSED_OVER, params)
        return outcome(state, (), summary_view(context, state, [notice], brief=True))
    moved = DraftState(state.answers, question.id, None, True)
    return outcome(moved, (), question_view(context, moved, question, []))


def _submit(context: ConversationContext, state: DraftState) -> Outcome:
    """Hand the report over when nothing blocks it; else list what does."""
    errors = blocking_errors(context, state)
    if errors:
        notice = Notice(NoticeCode.SUBMIT_BLOCKED, {"count": str(len(errors))})
        return outcome(state, (), summary_view(context, state, [notice], brief=True))
    answers = final_answers(context, state.answers)
    changes = tuple(
        AnswerChange(ident, answer)
        for ident, answer in answers.items()
        if state.answers.get(ident) != answer
    )
    merged = {**state.answers, **answers}
    done = DraftState(merged, DONE, None, False)
    view = summary_view(context, done, [])
    return outcome(done, changes, SubmitReady(answers, view, view.warnings))
