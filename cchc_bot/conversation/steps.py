"""The state machine: `step(context, state, event)` reads, checks, decides, then renders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from cchc_bot.answers import Answer
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation.at_summary import at_summary
from cchc_bot.conversation.checks import (
    answer_problem,
    blocking_errors,
    explained,
    missed_target,
    rule_holds,
    rule_notice,
    rule_values,
    unconfirmed_warnings,
    warnings_to_explain,
)
from cchc_bot.conversation.context import ConversationContext, Question, number_of
from cchc_bot.conversation.derived import (
    answered_count,
    auto_answer,
    dependent_notices,
    effective_answers,
    passed_over_notice,
    sync_dependents,
)
from cchc_bot.conversation.model import (
    DONE,
    ORIGIN_DEPTH,
    SUMMARY,
    Action,
    Event,
    Notice,
    NoticeCode,
    QuestionView,
    Step,
    SummaryView,
)
from cchc_bot.conversation.navigation import (
    next_asked,
    next_while_editing,
    normalise,
    previous_asked,
)
from cchc_bot.conversation.reading import (
    Ask,
    Given,
    Offered,
    Reading,
    Refused,
    Settled,
    choice_by_number,
    read_event,
    read_explanation,
    read_text,
    read_verdict,
    stale,
    take_part,
)
from cchc_bot.conversation.state import AnswerChange, DraftState, Outcome, Pending, outcome
from cchc_bot.conversation.views import (
    already_submitted_notice,
    question_view,
    saved_notice,
    summary_view,
)


def start(context: ConversationContext) -> Outcome:
    """A new draft: the first question."""
    return resume(context, DraftState())


def resume(context: ConversationContext, state: DraftState) -> Outcome:
    """Where the person left off, with a RESUMED notice (the state may be normalised)."""
    fresh = state.position == ""
    normal, reset = normalise(context, state)
    notices: list[Notice] = []
    if reset:
        notices.append(Notice(NoticeCode.POSITION_RESET))
    if not fresh:
        question = context.by_id.get(normal.position)
        notices.append(
            Notice(
                NoticeCode.RESUMED,
                {
                    "number": str(question.number) if question is not None else "",
                    "total": str(context.total),
                    "answered": str(answered_count(context, normal.answers)),
                },
            )
        )
    return _present(context, normal, notices)


def step(context: ConversationContext, state: DraftState, event: Event) -> Outcome:
    """Apply one event to the draft; junk leaves the state as it was."""
    normal, reset = normalise(context, state)
    if normal != state:
        # The stored state no longer fits the questionnaire: show where we are instead.
        notices = [Notice(NoticeCode.POSITION_RESET)] if reset else []
        return _present(context, normal, notices)
    given = read_event(event)
    if normal.position == DONE:
        return outcome(normal, (), summary_view(context, normal, [already_submitted_notice()]))
    if normal.position == SUMMARY:
        return at_summary(context, normal, given)
    return _at_question(context, normal, context.by_id[normal.position], given)


def summary(context: ConversationContext, state: DraftState) -> SummaryView:
    """The summary of a draft (as shown before submitting)."""
    return summary_view(context, state, [])


def open_errors(context: ConversationContext, state: DraftState) -> tuple[Notice, ...]:
    """Everything that blocks submission: missing or invalid answers, error rules, sub-steps."""
    return tuple(blocking_errors(context, state))


def _at_question(
    context: ConversationContext, state: DraftState, question: Question, given: Given
) -> Outcome:
    """Handle an event while a question (or one of its sub-steps) is shown."""
    if given.unknown:
        return _stay(context, state, question, [stale(given)])
    if given.action is Action.EDIT and (
        not given.typed or (given.argument and question.type is not IndicatorType.TEXT)
    ):
        # «Sửa câu N», or "sửa N" typed where it cannot be an answer: open question N.
        return _edit_from_question(context, state, question, given.argument)
    pending = state.pending
    if given.action is Action.BACK:
        if pending is not None:
            return _show(context, replace(state, pending=None), question)
        return _go_back(context, state, question)
    if pending is None or pending.step is Step.DENOMINATOR:
        return _at_step(context, state, question, given)
    if pending.step is Step.EXPLANATION:
        return _on_explanation(context, state, question, pending, given)
    verdict = read_verdict(given)
    if verdict is None:
        if not given.typed and given.action in (Action.CONFIRM, Action.REJECT):
            return _stay(context, state, question, [stale(given)])
        # Anything else is a fresh answer to the step under the confirmation; junk keeps
        # the confirmation open (the state never changes on junk).
        base = replace(state, pending=_base_pending(pending))
        fresh = _at_step(context, base, question, given)
        if fresh.state == base and not fresh.changes and isinstance(fresh.view, QuestionView):
            return _stay(context, state, question, fresh.view.notices)
        return fresh
    if pending.step is Step.CONFIRM_NUMBER:
        return _on_number_verdict(context, state, question, pending, confirmed=verdict)
    assert pending.candidate is not None  # guaranteed by normalise
    if not verdict:
        return _show(context, replace(state, pending=None), question)
    keys = {notice.params.get("key", "") for notice in pending.warnings} - {""}
    candidate = replace(
        pending.candidate, confirmed_warnings=pending.candidate.confirmed_warnings | keys
    )
    return _explain_or_commit(context, replace(state, pending=None), question, candidate)


def _base_pending(pending: Pending) -> Pending | None:
    """The sub-step a confirmation was asked from (the denominator step keeps its numerator)."""
    if (
        pending.step is Step.CONFIRM_NUMBER
        and pending.part == "denominator"
        and pending.numerator is not None
    ):
        return Pending(Step.DENOMINATOR, pending.indicator_id, numerator=pending.numerator)
    return None


def _at_step(
    context: ConversationContext, state: DraftState, question: Question, given: Given
) -> Outcome:
    """Handle an event at the question's own step (or its denominator step)."""
    ind = question.indicator
    action = given.action
    if action is Action.SKIP:
        if ind.required:
            return _stay(context, state, question, [Notice(NoticeCode.SKIP_NOT_ALLOWED)])
        return _commit(context, replace(state, pending=None), question, Answer(skipped=True))
    if action is Action.NOT_APPLICABLE:
        if ind.allows_not_applicable:
            answer = Answer(not_applicable=True)
            return _commit(context, replace(state, pending=None), question, answer)
        if not (given.typed and question.type is IndicatorType.TEXT):
            return _stay(context, state, question, [Notice(NoticeCode.NOT_APPLICABLE_NOT_ALLOWED)])
        action = None  # "Không phát sinh" is a fine text answer where it is not a button
    if action is Action.NEXT:
        return _keep(context, state, question)
    if action is Action.REVIEW:
        return _to_summary(context, state, [])
    if action is Action.SUBMIT:
        return _stay(context, state, question, [Notice(NoticeCode.SUBMIT_ONLY_FROM_SUMMARY)])
    if action in (Action.YES, Action.NO):
        if question.type is not IndicatorType.BOOLEAN:
            return _stay(context, state, question, [stale(given)])
        value = Decimal(1 if action is Action.YES else 0)
        return _offer(context, state, question, Answer(value=value))
    if action is Action.CHOOSE:
        choice = choice_by_number(ind, given.argument)
        if question.type is not IndicatorType.CHOICE or choice is None:
            return _stay(context, state, question, [stale(given)])
        return _offer(context, state, question, choice)
    if action is not None and not (given.typed and action is Action.EDIT):
        return _stay(context, state, question, [stale(given)])
    return _apply(context, state, question, read_text(context, state, question, given))


def _on_number_verdict(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    pending: Pending,
    *,
    confirmed: bool,
) -> Outcome:
    """The person said whether an ambiguous figure was read right."""
    base = replace(state, pending=_base_pending(pending))
    if not confirmed or pending.number is None:
        notice = Notice(NoticeCode.AMBIGUOUS_REJECTED, {"part": pending.part or "value"})
        return _show(context, base, question, [notice])
    if pending.part in ("numerator", "denominator"):
        reading = take_part(base.answers, question, pending.part, pending.number, pending.numerator)
        return _apply(context, base, question, reading)
    return _offer(context, base, question, Answer(value=pending.number))


def _on_explanation(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    pending: Pending,
    given: Given,
) -> Outcome:
    """The giải trình of a missed target: any meaningful text of 10 to 1000 characters."""
    if not given.typed or pending.candidate is None:
        return _stay(context, state, question, [stale(given)])
    return _apply(context, state, question, read_explanation(pending.candidate, given.text))


def _apply(
    context: ConversationContext, state: DraftState, question: Question, reading: Reading
) -> Outcome:
    """Act on what the input said: ask again, ask a sub-step, check a candidate, or save."""
    match reading:
        case Refused(notices=notices, restart=restart):
            kept = replace(state, pending=None) if restart else state
            return _stay(context, kept, question, notices)
        case Ask(pending=pending):
            return _show(context, replace(state, pending=pending), question)
        case Offered(answer=answer):
            return _offer(context, state, question, answer)
        case Settled(answer=answer):
            return _commit(context, replace(state, pending=None), question, answer)


def _keep(context: ConversationContext, state: DraftState, question: Question) -> Outcome:
    """Go on with the saved answer, checked again as if it were just typed."""
    answer = state.answers.get(question.id)
    if answer is None:
        return _stay(context, state, question, [Notice(NoticeCode.NOTHING_TO_KEEP)])
    problem = answer_problem(context, question, answer, state.answers, explanation=False)
    if problem is not None:
        return _stay(context, state, question, [problem])
    return _offer(context, replace(state, pending=None), question, answer)


def _offer(
    context: ConversationContext, state: DraftState, question: Question, candidate: Answer
) -> Outcome:
    """Check a candidate answer: errors block it, warnings and missed targets ask first."""
    previous = state.answers.get(question.id)
    if previous is not None and previous.same_content(candidate):
        candidate = replace(
            candidate,
            explanation=candidate.explanation or previous.explanation,
            confirmed_warnings=candidate.confirmed_warnings | previous.confirmed_warnings,
        )
    answers = dict(state.answers)
    answers[question.id] = candidate
    sync_dependents(context, state.answers, answers, question.id)
    effective = effective_answers(context, answers)
    values = rule_values(context, effective)
    blocking = [
        rule_notice(context, check, values)
        for check in context.errors_by_anchor.get(question.id, ())
        if rule_holds(check, values) is False
    ]
    if blocking:
        return _show(context, replace(state, pending=None), question, blocking)
    warnings = unconfirmed_warnings(context, question, candidate, effective, values)
    if warnings:
        pending = Pending(
            Step.CONFIRM_WARNING, question.id, candidate=candidate, warnings=tuple(warnings)
        )
        return _show(context, replace(state, pending=pending), question)
    return _explain_or_commit(context, replace(state, pending=None), question, candidate)


def _explain_or_commit(
    context: ConversationContext, state: DraftState, question: Question, candidate: Answer
) -> Outcome:
    """Ask for a giải trình when the figure misses its target or a confirmed warning asks
    for one; else save the answer."""
    if not explained(candidate):
        if missed_target(context, question, candidate) is not None:
            pending = Pending(Step.EXPLANATION, question.id, candidate=candidate)
            return _show(context, replace(state, pending=pending), question)
        asked = warnings_to_explain(context, question, candidate, state.answers)
        if asked:
            pending = Pending(
                Step.EXPLANATION, question.id, candidate=candidate, warnings=tuple(asked)
            )
            return _show(context, replace(state, pending=pending), question)
    return _commit(context, state, question, candidate)


def _commit(
    context: ConversationContext, state: DraftState, question: Question, answer: Answer
) -> Outcome:
    """Save an answer (and its ratios' denominators) and move on."""
    answers = dict(state.answers)
    changes: list[AnswerChange] = []
    if state.answers.get(question.id) != answer:
        changes.append(AnswerChange(question.id, answer))
    answers[question.id] = answer
    changes.extend(sync_dependents(context, state.answers, answers, question.id))
    notices: list[Notice] = list(saved_notice(question, answer))
    notices.extend(dependent_notices(context, question, state.answers, answers))
    if state.editing:
        follow_up, explain = next_while_editing(context, answers, question)
        if follow_up is None:
            changed = tuple(
                sorted(context.by_id[change.indicator_id].number for change in changes)
            ) or (question.number,)
            return _return_to_origin(context, answers, state.origin, changes, notices, changed)
        pending = (
            Pending(Step.EXPLANATION, follow_up.id, candidate=answers[follow_up.id])
            if explain
            else None
        )
        moved = DraftState(answers, follow_up.id, pending, True, state.origin)
        return outcome(moved, changes, question_view(context, moved, follow_up, notices))
    following, passed = next_asked(context, answers, question.number)
    # Only a ratio passed over by its source's figure is told; generated questions (a task's
    # follow-ups, computed or settled lines) are passed by design.
    notices.extend(
        passed_over_notice(context, item)
        for item in passed
        if item.condition is None and item.preset is None and item.tally is None
    )
    if following is None:
        moved = DraftState(answers, SUMMARY, None, False)
        return outcome(moved, changes, summary_view(context, moved, notices))
    moved = DraftState(answers, following.id, None, False)
    return outcome(moved, changes, question_view(context, moved, following, notices))


def _return_to_origin(
    context: ConversationContext,
    answers: Mapping[str, Answer],
    origin: tuple[str, ...],
    changes: Sequence[AnswerChange],
    notices: Sequence[Notice],
    changed: tuple[int, ...] = (),
) -> Outcome:
    """After an edit (or «Quay lại» from one): back where it was opened from."""
    back = context.by_id.get(origin[-1]) if origin else None
    if back is not None and not auto_answer(back, answers)[0]:
        rest = origin[:-1]
        moved = DraftState(answers, back.id, None, bool(rest), rest)
        return outcome(moved, changes, question_view(context, moved, back, notices))
    moved = DraftState(answers, SUMMARY, None, False)
    view = summary_view(context, moved, notices, brief=True, changed=changed)
    return outcome(moved, changes, view)


def _edit_from_question(
    context: ConversationContext, state: DraftState, question: Question, argument: str
) -> Outcome:
    """«Sửa câu N» pressed at a question: open N, then come back here."""
    number = int(argument) if argument.isdecimal() and len(argument) <= 4 else 0
    if not 1 <= number <= context.total:
        return _stay(context, state, question, [stale(Given(Action.EDIT, typed=False))])
    target = context.questions[number - 1]
    if target.id == question.id:
        return _show(context, replace(state, pending=None), question)
    if auto_answer(target, state.answers)[0]:
        source = target.denominator_source or target.numerator_source or ""
        params = {"number": str(number), "source_number": number_of(context, source)}
        return _stay(context, state, question, [Notice(NoticeCode.EDIT_PASSED_OVER, params)])
    base = (state.origin or (SUMMARY,)) if state.editing else ()
    origin = (*base, question.id)[-ORIGIN_DEPTH:]
    moved = DraftState(state.answers, target.id, None, True, origin)
    return outcome(moved, (), question_view(context, moved, target, []))


def _go_back(context: ConversationContext, state: DraftState, question: Question) -> Outcome:
    """Back to the previous question that was asked (where the edit came from when editing)."""
    if state.editing:
        return _return_to_origin(context, state.answers, state.origin, (), [])
    earlier = previous_asked(context, state.answers, question.number - 1)
    if earlier is None:
        return _stay(context, state, question, [Notice(NoticeCode.AT_FIRST_QUESTION)])
    moved = DraftState(state.answers, earlier.id, None, False)
    return outcome(moved, (), question_view(context, moved, earlier, []))


def _to_summary(
    context: ConversationContext, state: DraftState, notices: Sequence[Notice]
) -> Outcome:
    moved = DraftState(state.answers, SUMMARY, None, False)
    return outcome(moved, (), summary_view(context, moved, notices))


def _present(context: ConversationContext, state: DraftState, notices: Sequence[Notice]) -> Outcome:
    """The view of wherever the state is."""
    if state.position == DONE:
        return outcome(
            state, (), summary_view(context, state, [*notices, already_submitted_notice()])
        )
    if state.position == SUMMARY:
        return outcome(state, (), summary_view(context, state, notices))
    question = context.by_id[state.position]
    return outcome(state, (), question_view(context, state, question, notices))


def _stay(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    notices: Sequence[Notice],
) -> Outcome:
    """The same step again, state unchanged."""
    return outcome(state, (), question_view(context, state, question, notices))


def _show(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    notices: Sequence[Notice] = (),
) -> Outcome:
    """The question at the state's sub-step (no answer written)."""
    return outcome(state, (), question_view(context, state, question, notices))
