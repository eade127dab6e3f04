"""One form field as the chat engine's events: the same reading, checks and sub-steps, no state.

A field of the web form is answered at once (a figure, its giải trình, the confirmations the
page showed), where the chat asks one message at a time. `drive` feeds the engine exactly the
events the chat would receive at that question, and stops where the chat would ask something
the field did not carry yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cchc_bot import conversation
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import (
    Action,
    ButtonPress,
    ConversationContext,
    DraftState,
    Event,
    Notice,
    Outcome,
    Pending,
    Question,
    QuestionView,
    Step,
    TextInput,
)

MAX_EVENTS = 6  # a figure, its denominator, two readings to confirm, warnings, a giải trình


@dataclass(frozen=True)
class FieldInput:
    """What a form field posted: the typed figures or text, and what the person confirmed."""

    indicator_id: str
    value: str = ""  # a figure, a text, an option's number, "yes" or "no"
    numerator: str = ""
    denominator: str = ""
    action: str = ""  # "na" («Không phát sinh») or "skip"
    explanation: str = ""
    confirmed: frozenset[str] = field(default_factory=frozenset)  # see `confirmation_key`


@dataclass(frozen=True)
class FieldOutcome:
    """A field's fate: saved (the engine's outcome to store) or the question asked again."""

    indicator_id: str
    saved: bool
    outcome: Outcome
    view: QuestionView | None  # the field's question with its notices, when not saved
    notices: tuple[Notice, ...] = ()  # what saving it told (dependent ratios, passed over)


def confirmation_key(pending: Pending) -> str:
    """What a page echoes back to confirm a sub-step: a reading or the warnings shown."""
    if pending.step is Step.CONFIRM_NUMBER:
        return f"number:{pending.part or 'value'}:{pending.number}"
    keys = sorted(notice.params.get("key", "") for notice in pending.warnings)
    return "warning:" + ",".join(keys)


def first_event(question: Question, given: FieldInput) -> Event | None:
    """The event the chat would get first for this field (None: nothing was typed)."""
    if given.action == Action.NOT_APPLICABLE.value:
        return ButtonPress(Action.NOT_APPLICABLE.value)
    if given.action == Action.SKIP.value:
        return ButtonPress(Action.SKIP.value)
    value = given.value.strip()
    match question.type:
        case IndicatorType.BOOLEAN if value in ("yes", "no"):
            return ButtonPress(Action.YES.value if value == "yes" else Action.NO.value)
        case IndicatorType.CHOICE if value.isdecimal():
            return ButtonPress(Action.CHOOSE.value, value)
        case IndicatorType.RATIO:
            typed = given.numerator if question.asks_numerator else given.denominator
            return TextInput(typed) if typed.strip() else None
        case _:
            return TextInput(given.value) if value else None


def _follow_up(pending: Pending, given: FieldInput, sent: set[Step]) -> Event | None:
    """The next event for a sub-step the engine asks, if the field carries its answer."""
    match pending.step:
        case Step.DENOMINATOR if Step.DENOMINATOR not in sent and given.denominator.strip():
            sent.add(Step.DENOMINATOR)
            return TextInput(given.denominator)
        case Step.CONFIRM_NUMBER | Step.CONFIRM_WARNING:
            if confirmation_key(pending) in given.confirmed:
                return ButtonPress(Action.CONFIRM.value)
        case Step.EXPLANATION if Step.EXPLANATION not in sent and given.explanation.strip():
            sent.add(Step.EXPLANATION)
            return TextInput(given.explanation)
        case _:
            pass
    return None


def drive(
    context: ConversationContext, answers: DraftState, question: Question, given: FieldInput
) -> FieldOutcome | None:
    """Answer one question of a draft from a form field (None: the field was left empty)."""
    event = first_event(question, given)
    if event is None:
        return None
    # At the question as the chat's linear flow is: a saved answer moves the draft on.
    state = DraftState(answers.answers, question.id, None, False)
    result = conversation.step(context, state, event)
    sent: set[Step] = set()
    for _ in range(MAX_EVENTS):
        pending = result.state.pending
        if result.state.position != question.id or pending is None:
            break
        follow = _follow_up(pending, given, sent)
        if follow is None:
            break
        before = result.state
        result = conversation.step(context, before, follow)
        if result.state == before and not result.changes:
            break  # refused: the view says why
    saved = result.state.position != question.id
    view = result.view
    if saved:
        notices = view.notices if isinstance(view, QuestionView | conversation.SummaryView) else ()
        return FieldOutcome(question.id, True, result, None, tuple(notices))
    assert isinstance(view, QuestionView)
    return FieldOutcome(question.id, False, result, view)
