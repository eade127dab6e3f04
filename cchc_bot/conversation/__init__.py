"""The report conversation engine: a pure `step(context, state, event)` driving any questionnaire.

The draft row is the conversation's state (DESIGN.md, decision 1), so nothing here keeps
anything between calls: `step` takes the context (questions of the unit and period), the
state read from the database and the event (a message or a button), and returns the new
state, the answer rows to upsert or delete, and a view to render. It speaks in codes and
parameters; `handlers/texts.py` turns them into Vietnamese.

An answer flows one way through the package: `reading` turns the event into a candidate,
`checks` judges it against the rules, `steps` decides where the conversation goes and
`views` renders it. `model`, `state` and `context` hold the types all of them share.
"""

from cchc_bot.conversation.context import (
    CheckRule,
    ConversationContext,
    Question,
    asks_for_explanation,
    build_context,
    context_for_period,
)
from cchc_bot.conversation.derived import Progress, final_answers, progress
from cchc_bot.conversation.model import (
    DONE,
    EXPLANATION_MAX_LENGTH,
    EXPLANATION_MIN_LENGTH,
    JUMP_FACTOR,
    SUMMARY,
    TEXT_MAX_LENGTH,
    Action,
    Button,
    ButtonLabel,
    ButtonPress,
    Event,
    FormattedAnswer,
    Notice,
    NoticeCode,
    QuestionView,
    Step,
    SubmitReady,
    SummaryItem,
    SummarySection,
    SummaryView,
    TextInput,
    View,
)
from cchc_bot.conversation.state import AnswerChange, DraftState, Outcome, Pending
from cchc_bot.conversation.steps import open_errors, resume, start, step, summary
from cchc_bot.conversation.views import FIX_BUTTONS_MAX

__all__ = [
    "DONE",
    "EXPLANATION_MAX_LENGTH",
    "EXPLANATION_MIN_LENGTH",
    "FIX_BUTTONS_MAX",
    "JUMP_FACTOR",
    "SUMMARY",
    "TEXT_MAX_LENGTH",
    "Action",
    "AnswerChange",
    "Button",
    "ButtonLabel",
    "ButtonPress",
    "CheckRule",
    "ConversationContext",
    "DraftState",
    "Event",
    "FormattedAnswer",
    "Notice",
    "NoticeCode",
    "Outcome",
    "Pending",
    "Progress",
    "Question",
    "QuestionView",
    "Step",
    "SubmitReady",
    "SummaryItem",
    "SummarySection",
    "SummaryView",
    "TextInput",
    "View",
    "asks_for_explanation",
    "build_context",
    "context_for_period",
    "final_answers",
    "open_errors",
    "progress",
    "resume",
    "start",
    "step",
    "summary",
]
