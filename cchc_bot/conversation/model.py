"""The engine's vocabulary: actions, steps, events, notices and the views it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, NamedTuple, TypeAlias

from cchc_bot.answers import Answer
from cchc_bot.config.questionnaire import IndicatorType

SUMMARY: Final = "summary"
"""`DraftState.position` while the summary is shown."""


DONE: Final = "done"
"""`DraftState.position` once the report was handed over for submission."""


JUMP_FACTOR: Final = Decimal(3)
"""A figure above this multiple of the previous period's asks to be confirmed."""


EXPLANATION_MIN_LENGTH: Final = 10


EXPLANATION_MAX_LENGTH: Final = 1000


TEXT_MAX_LENGTH: Final = 4000
"""Longest text answer when the questionnaire sets no max_length (a Telegram message is 4096)."""


ZERO: Final = Decimal(0)


ORIGIN_DEPTH: Final = 8
"""Edits opened from edits are remembered this deep (then the oldest is forgotten)."""


COMMAND_MAX_LENGTH: Final = 60


class Action(StrEnum):
    """Button actions (short ASCII for callback_data); each has a typed equivalent."""

    BACK = "back"
    SKIP = "skip"
    NOT_APPLICABLE = "na"
    NEXT = "next"
    REVIEW = "review"
    SUBMIT = "submit"
    EDIT = "edit"
    YES = "yes"
    NO = "no"
    CHOOSE = "choose"
    CONFIRM = "confirm"
    REJECT = "reject"


class Step(StrEnum):
    """What the question is waiting for."""

    ANSWER = "answer"
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"
    CONFIRM_NUMBER = "confirm_number"
    CONFIRM_WARNING = "confirm_warning"
    EXPLANATION = "explanation"


class ButtonLabel(StrEnum):
    """Label codes of buttons; the renderer maps them to Vietnamese."""

    YES = "yes"
    NO = "no"
    OPTION = "option"
    NOT_APPLICABLE = "not_applicable"
    SKIP = "skip"
    KEEP = "keep"
    BACK = "back"
    REVIEW = "review"
    NUMBER_CORRECT = "number_correct"
    NUMBER_WRONG = "number_wrong"
    WARNING_CONFIRM = "warning_confirm"
    WARNING_CORRECT = "warning_correct"
    SUBMIT = "submit"
    CONTINUE = "continue"
    EDIT = "edit"
    FIX = "fix"  # "Sửa câu N": the argument is the question's number


class NoticeCode(StrEnum):
    """Codes of the notices a view carries; every parameter is a ready-to-show string."""

    # Input refused; the same step is asked again.
    INVALID_NUMBER = "invalid_number"  # part, reason (NumberErrorReason), message
    INVALID_RATIO = "invalid_ratio"  # reason, message
    NUMERATOR_ABOVE_DENOMINATOR = "numerator_above_denominator"  # numerator, denominator[, number]
    PART_ABOVE_MAXIMUM = "part_above_maximum"  # part, maximum
    PART_MISMATCH = "part_mismatch"  # part, expected, source_number
    NOT_A_BOOLEAN = "not_a_boolean"
    NOT_A_CHOICE = "not_a_choice"  # count
    TEXT_NOT_MEANINGFUL = "text_not_meaningful"
    TEXT_TOO_SHORT = "text_too_short"  # min_length, length
    TEXT_TOO_LONG = "text_too_long"  # max_length, length
    EXPLANATION_TOO_SHORT = "explanation_too_short"  # min_length, length
    EXPLANATION_TOO_LONG = "explanation_too_long"  # max_length, length
    SKIP_NOT_ALLOWED = "skip_not_allowed"
    NOT_APPLICABLE_NOT_ALLOWED = "not_applicable_not_allowed"
    NOTHING_TO_KEEP = "nothing_to_keep"
    AT_FIRST_QUESTION = "at_first_question"
    SUBMIT_ONLY_FROM_SUMMARY = "submit_only_from_summary"
    STALE_BUTTON = "stale_button"  # action
    UNRECOGNIZED = "unrecognized"
    AMBIGUOUS_REJECTED = "ambiguous_rejected"  # part
    # Cross-checks and plausibility.
    RULE_ERROR = "rule_error"  # key, message, rule, numbers
    RULE_WARNING = "rule_warning"  # key, message, rule, numbers
    JUMP = "jump"  # key, figure, value, previous, factor
    BELOW_FIRST_QUARTER = "below_first_quarter"  # key, figure, value, first_quarter
    TARGET_MISSED = "target_missed"  # target, value
    # Progress.
    RATIO_SAVED = "ratio_saved"  # number, numerator, denominator, percent
    VALUE_SAVED = "value_saved"  # number, value (the figure with its unit)
    NOT_APPLICABLE_SAVED = "not_applicable_saved"  # number
    # number, source_number, before_numerator, before_denominator, before_percent,
    # numerator, denominator, percent
    DEPENDENT_CHANGED = "dependent_changed"
    DEPENDENT_CLEARED = "dependent_cleared"  # number, source_number
    PASSED_OVER = "passed_over"  # number, indicator_id, label, source_number
    RESUMED = "resumed"  # number ("" at the summary), total, answered
    POSITION_RESET = "position_reset"
    # Summary.
    EDIT_NEEDS_NUMBER = "edit_needs_number"  # total
    EDIT_OUT_OF_RANGE = "edit_out_of_range"  # number, total
    EDIT_PASSED_OVER = "edit_passed_over"  # number, source_number
    ALL_ANSWERED = "all_answered"
    MISSING_ANSWER = "missing_answer"  # number, indicator_id
    INVALID_ANSWER = "invalid_answer"  # number, indicator_id
    EXPLANATION_MISSING = "explanation_missing"  # number, indicator_id, target
    WARNING_NOT_EXPLAINED = "warning_not_explained"  # number, indicator_id, message
    PENDING_STEP = "pending_step"  # number
    SUBMIT_BLOCKED = "submit_blocked"  # count
    ALREADY_SUBMITTED = "already_submitted"


@dataclass(frozen=True, slots=True)
class TextInput:
    """A message typed by the person (or the text a handler made of a sticker, photo...)."""

    text: str


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A button of the last view pressed: its action and argument (e.g. "edit", "7")."""

    action: str
    argument: str = ""


Event: TypeAlias = TextInput | ButtonPress


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell the person: a code and its parameters (all strings)."""

    code: NoticeCode
    params: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"code": self.code.value, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Notice:
        """Rebuild a notice from `to_json` output."""
        params = data.get("params") or {}
        if not isinstance(params, Mapping):
            raise ValueError("notice params must be an object")
        return cls(NoticeCode(data["code"]), {str(k): str(v) for k, v in params.items()})


class Button(NamedTuple):
    """A button: its label code, the action and the action's argument."""

    label: ButtonLabel
    action: Action
    argument: str = ""


@dataclass(frozen=True, slots=True)
class FormattedAnswer:
    """An answer ready to show: figures formatted the Vietnamese way."""

    value: str | None = None  # a number, a percent, the chosen option or the text
    boolean: bool | None = None
    numerator: str | None = None
    denominator: str | None = None
    percent: str | None = None
    not_applicable: bool = False
    skipped: bool = False
    automatic: bool = False  # passed over: a ratio whose denominator is 0 or not applicable
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionView:
    """One question (or one of its sub-steps) to render."""

    indicator_id: str
    section_code: str
    section_title: str
    number: int
    total: int
    answered: int
    progress: float
    label: str
    help: str | None
    unit: str | None
    question_type: IndicatorType
    step: Step
    required: bool
    editing: bool
    window_start: dt.date
    window_end: dt.date
    options: tuple[str, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    target: str | None = None
    numerator_label: str | None = None
    numerator_unit: str | None = None
    denominator_label: str | None = None
    denominator_unit: str | None = None
    fixed_numerator: str | None = None
    fixed_denominator: str | None = None
    numerator_source: str | None = None  # number of the question the numerator comes from
    denominator_source: str | None = None
    entered_numerator: str | None = None  # denominator step: the numerator given
    reading: str | None = None  # confirm_number: the figure as understood
    interpretation: str | None = None  # confirm_number: the parser's spelled-out reading
    candidate: FormattedAnswer | None = None  # confirm_warning / explanation: the answer held
    current: FormattedAnswer | None = None  # the saved answer, if any
    buttons: tuple[Button, ...] = ()
    notices: tuple[Notice, ...] = ()
    explanation_for: str | None = None  # explanation step: "target" or "warning"


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One numbered line of the summary."""

    number: int
    indicator_id: str
    label: str
    question_type: IndicatorType
    unit: str | None
    required: bool
    answer: FormattedAnswer | None
    has_error: bool


@dataclass(frozen=True, slots=True)
class SummarySection:
    """A section of the summary with its items."""

    code: str
    title: str
    items: tuple[SummaryItem, ...]


@dataclass(frozen=True, slots=True)
class SummaryView:
    """Every answer, the open errors and warnings, and whether the report may be submitted."""

    sections: tuple[SummarySection, ...]
    answered: int
    total: int
    window_start: dt.date
    window_end: dt.date
    errors: tuple[Notice, ...]
    warnings: tuple[Notice, ...]
    submit_allowed: bool
    submitted: bool = False
    buttons: tuple[Button, ...] = ()
    notices: tuple[Notice, ...] = ()
    # A reply to something done at the summary (an edit, a refused message): the renderer
    # shows the notices, the `changed` lines and the buttons, not every line again.
    brief: bool = False
    changed: tuple[int, ...] = ()  # numbers of the questions this step changed


@dataclass(frozen=True, slots=True)
class SubmitReady:
    """The validated final answers, in question order, for the service to freeze."""

    answers: Mapping[str, Answer]
    summary: SummaryView
    warnings: tuple[Notice, ...] = ()


View: TypeAlias = QuestionView | SummaryView | SubmitReady
