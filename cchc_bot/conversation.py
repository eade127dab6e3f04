"""The report conversation engine: a pure `step(context, state, event)` driving any questionnaire.

The draft row is the conversation's state (DESIGN.md, decision 1), so nothing here keeps
anything between calls: `step` takes the context (questions of the unit and period), the
state read from the database and the event (a message or a button), and returns the new
state, the answer rows to upsert or delete, and a view to render. It speaks in codes and
parameters; `handlers/texts.py` turns them into Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, NamedTuple, TypeAlias, cast

from cchc_bot.answers import PERCENT_DECIMALS, Answer
from cchc_bot.calendar import ReportingPeriod
from cchc_bot.config.questionnaire import (
    Indicator,
    IndicatorType,
    Questionnaire,
    Target,
)
from cchc_bot.config.units import UnitConfig
from cchc_bot.numbers import (
    NumberInputError,
    NumberKind,
    decimals_for_unit,
    format_number,
    format_percent,
    parse_number,
    parse_ratio_parts,
)
from cchc_bot.rule_arithmetic import arithmetic_of
from cchc_bot.rules import Reference, Rule, parse_rule

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

_ZERO: Final = Decimal(0)
_ORIGIN_DEPTH: Final = 8
"""Edits opened from edits are remembered this deep (then the oldest is forgotten)."""
_COMMAND_MAX_LENGTH: Final = 60


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


# --- events -------------------------------------------------------------------------------


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


# --- views --------------------------------------------------------------------------------


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


# --- state --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pending:
    """A half-finished step of the current question (stored in the `pending` column)."""

    step: Step
    indicator_id: str
    part: str | None = None  # confirm_number: "value", "numerator" or "denominator"
    number: Decimal | None = None  # confirm_number: the figure to confirm
    interpretation: str | None = None
    numerator: Decimal | None = None  # the numerator already given (denominator step)
    candidate: Answer | None = None  # confirm_warning / explanation: the answer held back
    warnings: tuple[Notice, ...] = ()  # confirm_warning: what is to be confirmed

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data: dict[str, Any] = {"step": self.step.value, "indicator": self.indicator_id}
        if self.part is not None:
            data["part"] = self.part
        if self.number is not None:
            data["number"] = str(self.number)
        if self.interpretation is not None:
            data["interpretation"] = self.interpretation
        if self.numerator is not None:
            data["numerator"] = str(self.numerator)
        if self.candidate is not None:
            data["candidate"] = self.candidate.to_json()
        if self.warnings:
            data["warnings"] = [notice.to_json() for notice in self.warnings]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Pending:
        """Rebuild from `to_json` output; ValueError (or KeyError) when malformed."""
        candidate = data.get("candidate")
        interpretation = data.get("interpretation")
        part = data.get("part")
        return cls(
            step=Step(data["step"]),
            indicator_id=str(data["indicator"]),
            part=None if part is None else str(part),
            number=_optional_decimal(data.get("number")),
            interpretation=None if interpretation is None else str(interpretation),
            numerator=_optional_decimal(data.get("numerator")),
            candidate=None if candidate is None else Answer.from_json(candidate),
            warnings=tuple(Notice.from_json(item) for item in data.get("warnings") or ()),
        )


@dataclass(frozen=True, slots=True)
class DraftState:
    """The conversation as stored on the draft: answers, position, sub-step, editing flag."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    position: str = ""  # an indicator id, SUMMARY, DONE, or "" before the first question
    pending: Pending | None = None
    editing: bool = False  # answering a question picked from elsewhere: return there
    # While editing: where to return, innermost last; question ids, SUMMARY at the bottom
    # when the edit began at the summary (empty means the summary too).
    origin: tuple[str, ...] = ()

    def pending_column(self) -> dict[str, Any] | None:
        """The `submissions.pending` JSON: the sub-step and the editing flag (None if neither)."""
        if self.pending is None and not self.editing:
            return None
        data: dict[str, Any] = {"editing": self.editing}
        if self.editing and self.origin:
            data["origin"] = list(self.origin)
        if self.pending is not None:
            data["step"] = self.pending.to_json()
        return data

    @classmethod
    def from_columns(
        cls,
        position: str | None,
        pending: Mapping[str, Any] | None,
        answers: Mapping[str, Answer],
    ) -> DraftState:
        """Rebuild from the submission's `position` and `pending` and its answer rows.

        A malformed `pending` (say, written by an older version) is dropped: the
        question is simply asked again.
        """
        editing = False
        origin: tuple[str, ...] = ()
        step: Pending | None = None
        if isinstance(pending, Mapping):
            editing = bool(pending.get("editing", False))
            raw_origin = pending.get("origin")
            if editing and isinstance(raw_origin, list):
                origin = tuple(str(item) for item in raw_origin[:_ORIGIN_DEPTH])
            raw = pending.get("step")
            if isinstance(raw, Mapping):
                try:
                    step = Pending.from_json(raw)
                except (ValueError, KeyError, TypeError, ArithmeticError):
                    step = None
        return cls(dict(answers), position or "", step, editing, origin)

    def to_json(self) -> dict[str, Any]:
        """The whole state as JSON-ready data."""
        return {
            "position": self.position,
            "pending": self.pending_column(),
            "answers": {key: answer.to_json() for key, answer in self.answers.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DraftState:
        """Rebuild from `to_json` output."""
        answers = {str(k): Answer.from_json(v) for k, v in (data.get("answers") or {}).items()}
        return cls.from_columns(data.get("position"), data.get("pending"), answers)


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One answer row to upsert (`answer` set) or delete (`answer` None)."""

    indicator_id: str
    answer: Answer | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step produced: the state to store, the answer rows to write, the view to show."""

    state: DraftState
    changes: tuple[AnswerChange, ...]
    view: View


# --- context ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    """One applicable question with its number and section."""

    indicator: Indicator
    number: int
    section_code: str
    section_title: str

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
) -> ConversationContext:
    """The context of a unit's report for a period kind; rules are parsed here, once.

    `previous_values` and `first_quarter_values` are keyed like rule references: the
    indicator id for a figure, `id.numerator` / `id.denominator` for a ratio's parts.
    """
    section_of = {ind.id: section for section, ind in questionnaire.indicators()}
    questions = tuple(
        Question(ind, number, section_of[ind.id].code, section_of[ind.id].title)
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
    by_indicator: dict[str, list[CheckRule]] = {}
    errors_by_anchor: dict[str, list[CheckRule]] = {}
    for check_rule in checks:
        for ident in check_rule.rule.indicator_ids:
            by_indicator.setdefault(ident, []).append(check_rule)
        if check_rule.level == "error":
            errors_by_anchor.setdefault(check_rule.anchor, []).append(check_rule)
    dependents: dict[str, list[str]] = {}
    for question in questions:
        for source in {question.numerator_source, question.denominator_source} - {None}:
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
    )


def context_for_period(
    questionnaire: Questionnaire,
    unit: UnitConfig,
    period: ReportingPeriod,
    *,
    previous_values: Mapping[str, Decimal] | None = None,
    first_quarter_values: Mapping[str, Decimal] | None = None,
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
    )


# --- public entry points ------------------------------------------------------------------


def start(context: ConversationContext) -> Outcome:
    """A new draft: the first question."""
    return resume(context, DraftState())


def resume(context: ConversationContext, state: DraftState) -> Outcome:
    """Where the person left off, with a RESUMED notice (the state may be normalised)."""
    fresh = state.position == ""
    normal, reset = _normalise(context, state)
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
                    "answered": str(_answered_count(context, normal.answers)),
                },
            )
        )
    return _present(context, normal, notices)


def step(context: ConversationContext, state: DraftState, event: Event) -> Outcome:
    """Apply one event to the draft; junk leaves the state as it was."""
    normal, reset = _normalise(context, state)
    if normal != state:
        # The stored state no longer fits the questionnaire: show where we are instead.
        notices = [Notice(NoticeCode.POSITION_RESET)] if reset else []
        return _present(context, normal, notices)
    given = _read_event(event)
    if normal.position == DONE:
        return _outcome(normal, (), _summary_view(context, normal, [_already_submitted()]))
    if normal.position == SUMMARY:
        return _at_summary(context, normal, given)
    return _at_question(context, normal, context.by_id[normal.position], given)


def summary(context: ConversationContext, state: DraftState) -> SummaryView:
    """The summary of a draft (as shown before submitting)."""
    return _summary_view(context, state, [])


def open_errors(context: ConversationContext, state: DraftState) -> tuple[Notice, ...]:
    """Everything that blocks submission: missing or invalid answers, error rules, sub-steps."""
    return tuple(_open_errors(context, state))


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a draft is, counted as the progress bar counts."""

    answered: int  # questions with an answer (passed-over ratios, skips and "không" included)
    total: int
    not_applicable: int
    skipped: int


def progress(context: ConversationContext, answers: Mapping[str, Answer]) -> Progress:
    """The answered count the progress bar shows, and how many of those say nothing."""
    effective = _effective(context, answers)
    return Progress(
        answered=len(effective),
        total=context.total,
        not_applicable=sum(1 for answer in effective.values() if answer.not_applicable),
        skipped=sum(1 for answer in effective.values() if answer.skipped),
    )


def final_answers(context: ConversationContext, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers a submission freezes: passed-over ratios filled, unanswered optionals skipped."""
    effective = _effective(context, answers)
    result: dict[str, Answer] = {}
    for question in context.questions:
        answer = effective.get(question.id)
        if answer is None and not question.indicator.required:
            answer = Answer(skipped=True)
        if answer is not None:
            result[question.id] = answer
    return result


# --- reading events -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Input:
    """An event made uniform: an action (button or command word) or free text."""

    action: Action | None
    argument: str = ""
    text: str = ""
    key: str = ""  # the text folded for word matching ("" when too long to be a word)
    typed: bool = True
    unknown: bool = False


_TYPED_ACTIONS: Final[Mapping[str, Action]] = {
    "quay lai": Action.BACK,
    "tro lai": Action.BACK,
    "back": Action.BACK,
    "bo qua": Action.SKIP,
    "skip": Action.SKIP,
    "khong phat sinh": Action.NOT_APPLICABLE,
    "khong ap dung": Action.NOT_APPLICABLE,
    "kps": Action.NOT_APPLICABLE,
    "giu nguyen": Action.NEXT,
    "tiep": Action.NEXT,
    "tiep tuc": Action.NEXT,
    "xem lai": Action.REVIEW,
    "tom tat": Action.REVIEW,
    "gui": Action.SUBMIT,
    "goi": Action.SUBMIT,
    "nop": Action.SUBMIT,
    "gui bao cao": Action.SUBMIT,
    "nop bao cao": Action.SUBMIT,
}
_EDIT_WORDS: Final = re.compile(r"^(?:sua|chinh sua)(?: cau)?(?: ?(\d{1,4}))?$")
_YES_WORDS: Final = frozenset({"co", "c", "yes", "y", "1", "da", "da co", "roi", "co roi"})
_NO_WORDS: Final = frozenset({"khong", "ko", "k", "no", "n", "2", "chua", "chua co"})
_CONFIRM_WORDS: Final = frozenset(
    {"dung", "dung roi", "co", "dong y", "xac nhan", "ok", "yes", "y", "chinh xac", "phai"}
)
_REJECT_WORDS: Final = frozenset(
    {"sai", "khong", "ko", "k", "no", "n", "sua", "nhap lai", "khong dung", "chua dung"}
)
_RATIO_HINT: Final = re.compile(r"/|\btr[eê]n\b", re.IGNORECASE)


def _fold(text: str) -> str:
    """Text folded for matching command words: no case, no diacritics, single spaces."""
    if len(text) > _COMMAND_MAX_LENGTH:
        return ""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    plain = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(plain.split()).strip(" .!?,;:")


def _read_event(event: Event) -> _Input:
    """Turn a button or a message into an action or free text."""
    if isinstance(event, ButtonPress):
        try:
            action = Action(event.action)
        except ValueError:
            return _Input(None, text=event.action[:_COMMAND_MAX_LENGTH], typed=False, unknown=True)
        return _Input(action, argument=event.argument, typed=False)
    text = event.text
    key = _fold(text)
    typed = _TYPED_ACTIONS.get(key)
    if typed is not None:
        return _Input(typed, text=text, key=key)
    edit = _EDIT_WORDS.match(key)
    if edit is not None:
        return _Input(Action.EDIT, argument=edit.group(1) or "", text=text, key=key)
    return _Input(None, text=text, key=key)


# --- at a question ------------------------------------------------------------------------


def _at_question(
    context: ConversationContext, state: DraftState, question: Question, given: _Input
) -> Outcome:
    """Handle an event while a question (or one of its sub-steps) is shown."""
    if given.unknown:
        return _stay(context, state, question, [_stale(given)])
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
    verdict = _verdict(given)
    if verdict is None:
        if not given.typed and given.action in (Action.CONFIRM, Action.REJECT):
            return _stay(context, state, question, [_stale(given)])
        # Anything else is a fresh answer to the step under the confirmation; junk keeps
        # the confirmation open (the state never changes on junk).
        base = replace(state, pending=_base_pending(pending))
        fresh = _at_step(context, base, question, given)
        if fresh.state == base and not fresh.changes and isinstance(fresh.view, QuestionView):
            return _stay(context, state, question, fresh.view.notices)
        return fresh
    if pending.step is Step.CONFIRM_NUMBER:
        return _on_number_verdict(context, state, question, pending, confirmed=verdict)
    assert pending.candidate is not None  # guaranteed by _normalise
    if not verdict:
        return _show(context, replace(state, pending=None), question)
    keys = {notice.params.get("key", "") for notice in pending.warnings} - {""}
    candidate = replace(
        pending.candidate, confirmed_warnings=pending.candidate.confirmed_warnings | keys
    )
    return _explain_or_commit(context, replace(state, pending=None), question, candidate)


def _verdict(given: _Input) -> bool | None:
    """True for a confirmation, False for a rejection, None for anything else."""
    if given.action is Action.CONFIRM:
        return True
    if given.action is Action.REJECT:
        return False
    if given.action is None or given.action is Action.EDIT:
        if given.key in _CONFIRM_WORDS:
            return True
        if given.key in _REJECT_WORDS:
            return False
    return None


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
    context: ConversationContext, state: DraftState, question: Question, given: _Input
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
            return _stay(context, state, question, [_stale(given)])
        value = Decimal(1 if action is Action.YES else 0)
        return _offer(context, state, question, Answer(value=value))
    if action is Action.CHOOSE:
        choice = _choice_by_number(ind, given.argument)
        if question.type is not IndicatorType.CHOICE or choice is None:
            return _stay(context, state, question, [_stale(given)])
        return _offer(context, state, question, choice)
    if action is not None and not (given.typed and action is Action.EDIT):
        return _stay(context, state, question, [_stale(given)])
    return _read_text(context, state, question, given)


def _read_text(
    context: ConversationContext, state: DraftState, question: Question, given: _Input
) -> Outcome:
    """Read free text as an answer of the question's type."""
    ind = question.indicator
    match question.type:
        case IndicatorType.INTEGER | IndicatorType.DECIMAL | IndicatorType.PERCENT:
            if given.key in _NONE_WORDS and ind.allows_not_applicable:
                # "không (có)" where «Không phát sinh» is offered means that, not the digit 0.
                answer = Answer(not_applicable=True)
                return _commit(context, replace(state, pending=None), question, answer)
            kind, decimals = _number_kind(ind)
            try:
                parsed = parse_number(
                    given.text,
                    kind,
                    decimals=decimals,
                    minimum=_decimal(ind.min),
                    maximum=_decimal(ind.max),
                    unit=ind.unit,
                )
            except NumberInputError as error:
                return _stay(context, state, question, [_number_error(error, "value")])
            if parsed.ambiguous:
                pending = Pending(
                    Step.CONFIRM_NUMBER,
                    question.id,
                    part="value",
                    number=parsed.value,
                    interpretation=parsed.interpretation,
                )
                return _show(context, replace(state, pending=pending), question)
            return _offer(context, state, question, Answer(value=parsed.value))
        case IndicatorType.RATIO:
            return _read_ratio(context, state, question, given.text)
        case IndicatorType.BOOLEAN:
            if given.key in _YES_WORDS or given.key in _NO_WORDS:
                value = Decimal(1 if given.key in _YES_WORDS else 0)
                return _offer(context, state, question, Answer(value=value))
            return _stay(context, state, question, [Notice(NoticeCode.NOT_A_BOOLEAN)])
        case IndicatorType.CHOICE:
            choice = _choice_by_number(ind, given.key) or _choice_by_text(ind, given.key)
            if choice is None:
                count = str(len(ind.options or ()))
                return _stay(
                    context, state, question, [Notice(NoticeCode.NOT_A_CHOICE, {"count": count})]
                )
            return _offer(context, state, question, choice)
        case _:
            return _read_free_text(context, state, question, given.text)


def _read_free_text(
    context: ConversationContext, state: DraftState, question: Question, text: str
) -> Outcome:
    """Check a text answer's length (over the limit is refused, never cut)."""
    ind = question.indicator
    cleaned = _clean_text(text)
    maximum = ind.max_length or TEXT_MAX_LENGTH
    if len(cleaned) > maximum:
        params = {"max_length": str(maximum), "length": str(len(cleaned))}
        return _stay(context, state, question, [Notice(NoticeCode.TEXT_TOO_LONG, params)])
    if not _meaningful(cleaned):
        return _stay(context, state, question, [Notice(NoticeCode.TEXT_NOT_MEANINGFUL)])
    if ind.min_length is not None and len(cleaned) < ind.min_length:
        params = {"min_length": str(ind.min_length), "length": str(len(cleaned))}
        return _stay(context, state, question, [Notice(NoticeCode.TEXT_TOO_SHORT, params)])
    return _offer(context, state, question, Answer(text_value=cleaned))


def _read_ratio(
    context: ConversationContext, state: DraftState, question: Question, text: str
) -> Outcome:
    """A ratio: "17/20" at once, or its asked parts one after the other."""
    ind = question.indicator
    pending = state.pending
    if len(text) <= _COMMAND_MAX_LENGTH and _RATIO_HINT.search(text):
        try:
            numerator, denominator = _parse_ratio_text(ind, text)
        except NumberInputError as error:
            params = {"reason": error.reason.value, "message": error.message}
            return _stay(context, state, question, [Notice(NoticeCode.INVALID_RATIO, params)])
        for part, given_value in (("numerator", numerator), ("denominator", denominator)):
            source = (
                question.numerator_source if part == "numerator" else question.denominator_source
            )
            if source is None:
                continue
            expected = _source_value(state.answers, source)[1]
            if expected != given_value:
                params = {
                    "part": part,
                    "expected": _format_part(ind, expected),
                    "source_number": str(context.by_id[source].number),
                }
                return _stay(context, state, question, [Notice(NoticeCode.PART_MISMATCH, params)])
        return _offer_ratio(context, replace(state, pending=None), question, numerator, denominator)
    given_numerator = pending.numerator if pending is not None else None
    if given_numerator is None and _fold(text) in _NONE_WORDS and ind.allows_not_applicable:
        # At the ratio's first step "không (có)" means nothing arose: «Không phát sinh».
        answer = Answer(not_applicable=True)
        return _commit(context, replace(state, pending=None), question, answer)
    part = "numerator" if question.asks_numerator and given_numerator is None else "denominator"
    ratio_part = ind.numerator if part == "numerator" else ind.denominator
    kind, decimals = _part_kind(ind)
    try:
        parsed = parse_number(
            text,
            kind,
            decimals=decimals,
            maximum=_decimal(ratio_part.max if ratio_part is not None else None),
            unit=ratio_part.unit if ratio_part is not None else None,
        )
    except NumberInputError as error:
        return _stay(context, state, question, [_number_error(error, part)])
    if parsed.ambiguous:
        confirm = Pending(
            Step.CONFIRM_NUMBER,
            question.id,
            part=part,
            number=parsed.value,
            interpretation=parsed.interpretation,
            numerator=given_numerator,
        )
        return _show(context, replace(state, pending=confirm), question)
    return _take_part(context, state, question, part, parsed.value, given_numerator)


def _take_part(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    part: str,
    value: Decimal,
    given_numerator: Decimal | None,
) -> Outcome:
    """One part of a ratio is known: ask the other one, or offer the whole ratio."""
    if part == "numerator":
        if question.asks_denominator:
            pending = Pending(Step.DENOMINATOR, question.id, numerator=value)
            return _show(context, replace(state, pending=pending), question)
        source = cast(str, question.denominator_source)
        denominator = _source_value(state.answers, source)[1]
        if denominator is None:  # pragma: no cover - such a ratio is passed over
            return _stay(context, state, question, [])
        return _offer_ratio(context, replace(state, pending=None), question, value, denominator)
    numerator = given_numerator
    if numerator is None and question.numerator_source is not None:
        numerator = _source_value(state.answers, question.numerator_source)[1]
    if numerator is None:  # pragma: no cover - a denominator is only asked after a numerator
        return _show(context, replace(state, pending=None), question)
    return _offer_ratio(context, replace(state, pending=None), question, numerator, value)


def _offer_ratio(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    numerator: Decimal,
    denominator: Decimal,
) -> Outcome:
    """Check a complete ratio's bounds; 0/0 is "không phát sinh", never 0 %."""
    ind = question.indicator
    if numerator > denominator:
        params = {
            "numerator": _format_part(ind, numerator),
            "denominator": _format_part(ind, denominator),
        }
        notice = Notice(NoticeCode.NUMERATOR_ABOVE_DENOMINATOR, params)
        return _stay(context, state, question, [notice])
    maximum = ind.numerator.max if ind.numerator is not None else None
    if question.asks_numerator and maximum is not None and numerator > _decimal_of(maximum):
        params = {"part": "numerator", "maximum": _format_part(ind, _decimal_of(maximum))}
        return _stay(context, state, question, [Notice(NoticeCode.PART_ABOVE_MAXIMUM, params)])
    if denominator == 0:
        answer = Answer(numerator=_ZERO, denominator=_ZERO, not_applicable=True)
        return _offer(context, state, question, answer)
    return _offer(context, state, question, Answer(numerator=numerator, denominator=denominator))


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
        return _take_part(context, base, question, pending.part, pending.number, pending.numerator)
    return _offer(context, base, question, Answer(value=pending.number))


def _on_explanation(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    pending: Pending,
    given: _Input,
) -> Outcome:
    """The giải trình of a missed target: any meaningful text of 10 to 1000 characters."""
    if not given.typed or pending.candidate is None:
        return _stay(context, state, question, [_stale(given)])
    text = _clean_text(given.text)
    if len(text) > EXPLANATION_MAX_LENGTH:
        params = {"max_length": str(EXPLANATION_MAX_LENGTH), "length": str(len(text))}
        return _stay(context, state, question, [Notice(NoticeCode.EXPLANATION_TOO_LONG, params)])
    if not _meaningful(text):
        return _stay(context, state, question, [Notice(NoticeCode.TEXT_NOT_MEANINGFUL)])
    if len(text) < EXPLANATION_MIN_LENGTH:
        params = {"min_length": str(EXPLANATION_MIN_LENGTH), "length": str(len(text))}
        return _stay(context, state, question, [Notice(NoticeCode.EXPLANATION_TOO_SHORT, params)])
    candidate = replace(pending.candidate, explanation=text)
    return _commit(context, replace(state, pending=None), question, candidate)


def _keep(context: ConversationContext, state: DraftState, question: Question) -> Outcome:
    """Go on with the saved answer, checked again as if it were just typed."""
    answer = state.answers.get(question.id)
    if answer is None:
        return _stay(context, state, question, [Notice(NoticeCode.NOTHING_TO_KEEP)])
    problem = _answer_problem(context, question, answer, state.answers, explanation=False)
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
    _sync_dependents(context, state.answers, answers, question.id)
    effective = _effective(context, answers)
    values = _rule_values(context, effective)
    blocking = [
        _rule_notice(context, check, values)
        for check in context.errors_by_anchor.get(question.id, ())
        if _holds(check, values) is False
    ]
    if blocking:
        return _show(context, replace(state, pending=None), question, blocking)
    warnings = _unconfirmed_warnings(context, question, candidate, effective, values)
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
    if not _explained(candidate):
        if _target_missed(context, question, candidate) is not None:
            pending = Pending(Step.EXPLANATION, question.id, candidate=candidate)
            return _show(context, replace(state, pending=pending), question)
        asked = _warnings_to_explain(context, question, candidate, state.answers)
        if asked:
            pending = Pending(
                Step.EXPLANATION, question.id, candidate=candidate, warnings=tuple(asked)
            )
            return _show(context, replace(state, pending=pending), question)
    return _commit(context, state, question, candidate)


def _warnings_to_explain(
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
    values = _rule_values(context, _effective(context, trial))
    return [
        _rule_notice(context, check, values) for check in checks if _holds(check, values) is False
    ]


def _commit(
    context: ConversationContext, state: DraftState, question: Question, answer: Answer
) -> Outcome:
    """Save an answer (and its ratios' denominators) and move on."""
    answers = dict(state.answers)
    changes: list[AnswerChange] = []
    if state.answers.get(question.id) != answer:
        changes.append(AnswerChange(question.id, answer))
    answers[question.id] = answer
    changes.extend(_sync_dependents(context, state.answers, answers, question.id))
    notices: list[Notice] = list(_saved_notice(question, answer))
    notices.extend(_dependent_notices(context, question, state.answers, answers))
    if state.editing:
        follow_up, explain = _next_while_editing(context, answers, question)
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
        return _outcome(moved, changes, _question_view(context, moved, follow_up, notices))
    following, passed = _next_asked(context, answers, question.number)
    notices.extend(_passed_over_notice(context, item) for item in passed)
    if following is None:
        moved = DraftState(answers, SUMMARY, None, False)
        return _outcome(moved, changes, _summary_view(context, moved, notices))
    moved = DraftState(answers, following.id, None, False)
    return _outcome(moved, changes, _question_view(context, moved, following, notices))


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
    if back is not None and not _auto(back, answers)[0]:
        rest = origin[:-1]
        moved = DraftState(answers, back.id, None, bool(rest), rest)
        return _outcome(moved, changes, _question_view(context, moved, back, notices))
    moved = DraftState(answers, SUMMARY, None, False)
    view = _summary_view(context, moved, notices, brief=True, changed=changed)
    return _outcome(moved, changes, view)


def _dependent_notices(
    context: ConversationContext,
    question: Question,
    before: Mapping[str, Answer],
    after: Mapping[str, Answer],
) -> list[Notice]:
    """Tell how the ratios that take a part from this answer changed with it."""
    notices: list[Notice] = []
    for ident in context.dependents.get(question.id, ()):
        dependent = context.by_id[ident]
        was_auto, was_auto_answer = _auto(dependent, before)
        now_auto, _ = _auto(dependent, after)
        old = was_auto_answer if was_auto else before.get(ident)
        new = after.get(ident)
        if now_auto:
            if not was_auto:
                notices.append(_passed_over_notice(context, dependent))
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
            "before_numerator": _format_part(ind, old.numerator),
            "before_denominator": _format_part(ind, old.denominator),
            "before_percent": format_percent(old_percent, PERCENT_DECIMALS),
            "numerator": _format_part(ind, new.numerator),
            "denominator": _format_part(ind, new.denominator),
            "percent": format_percent(new_percent, PERCENT_DECIMALS),
        }
        notices.append(Notice(NoticeCode.DEPENDENT_CHANGED, params))
    return notices


def _edit_from_question(
    context: ConversationContext, state: DraftState, question: Question, argument: str
) -> Outcome:
    """«Sửa câu N» pressed at a question: open N, then come back here."""
    number = int(argument) if argument.isdigit() and len(argument) <= 4 else 0
    if not 1 <= number <= context.total:
        return _stay(context, state, question, [_stale(_Input(Action.EDIT, typed=False))])
    target = context.questions[number - 1]
    if target.id == question.id:
        return _show(context, replace(state, pending=None), question)
    if _auto(target, state.answers)[0]:
        source = target.denominator_source or target.numerator_source or ""
        params = {"number": str(number), "source_number": _number_of(context, source)}
        return _stay(context, state, question, [Notice(NoticeCode.EDIT_PASSED_OVER, params)])
    base = (state.origin or (SUMMARY,)) if state.editing else ()
    origin = (*base, question.id)[-_ORIGIN_DEPTH:]
    moved = DraftState(state.answers, target.id, None, True, origin)
    return _outcome(moved, (), _question_view(context, moved, target, []))


def _go_back(context: ConversationContext, state: DraftState, question: Question) -> Outcome:
    """Back to the previous question that was asked (where the edit came from when editing)."""
    if state.editing:
        return _return_to_origin(context, state.answers, state.origin, (), [])
    earlier = _previous_asked(context, state.answers, question.number - 1)
    if earlier is None:
        return _stay(context, state, question, [Notice(NoticeCode.AT_FIRST_QUESTION)])
    moved = DraftState(state.answers, earlier.id, None, False)
    return _outcome(moved, (), _question_view(context, moved, earlier, []))


# --- at the summary -----------------------------------------------------------------------


def _at_summary(context: ConversationContext, state: DraftState, given: _Input) -> Outcome:
    """Handle an event while the summary is shown."""
    action = given.action
    if given.unknown:
        return _outcome(state, (), _summary_view(context, state, [_stale(given)], brief=True))
    if action is Action.SUBMIT:
        return _submit(context, state)
    if action is Action.EDIT or (action is None and given.key.isdigit()):
        return _edit(context, state, given.argument if action is Action.EDIT else given.key)
    if action is Action.NEXT:
        target = _first_unanswered(context, state.answers)
        if target is None:
            notice = Notice(NoticeCode.ALL_ANSWERED)
            return _outcome(state, (), _summary_view(context, state, [notice], brief=True))
        moved = DraftState(state.answers, target.id, None, False)
        return _outcome(moved, (), _question_view(context, moved, target, []))
    if action is Action.BACK:
        last = _previous_asked(context, state.answers, context.total)
        if last is None:  # pragma: no cover - every questionnaire has an asked question
            return _outcome(state, (), _summary_view(context, state, []))
        moved = DraftState(state.answers, last.id, None, False)
        return _outcome(moved, (), _question_view(context, moved, last, []))
    if action is Action.REVIEW:
        return _outcome(state, (), _summary_view(context, state, []))
    notice = _stale(given) if not given.typed else Notice(NoticeCode.UNRECOGNIZED)
    return _outcome(state, (), _summary_view(context, state, [notice], brief=True))


def _edit(context: ConversationContext, state: DraftState, argument: str) -> Outcome:
    """Open question N from the summary; answering it returns to the summary."""
    total = str(context.total)
    if not argument:
        notice = Notice(NoticeCode.EDIT_NEEDS_NUMBER, {"total": total})
        return _outcome(state, (), _summary_view(context, state, [notice], brief=True))
    number = int(argument) if argument.isdigit() and len(argument) <= 4 else 0
    if not 1 <= number <= context.total:
        notice = Notice(NoticeCode.EDIT_OUT_OF_RANGE, {"number": argument[:10], "total": total})
        return _outcome(state, (), _summary_view(context, state, [notice], brief=True))
    question = context.questions[number - 1]
    if _auto(question, state.answers)[0]:
        source = question.denominator_source or question.numerator_source or ""
        params = {"number": str(number), "source_number": _number_of(context, source)}
        notice = Notice(NoticeCode.EDIT_PASSED_OVER, params)
        return _outcome(state, (), _summary_view(context, state, [notice], brief=True))
    moved = DraftState(state.answers, question.id, None, True)
    return _outcome(moved, (), _question_view(context, moved, question, []))


def _submit(context: ConversationContext, state: DraftState) -> Outcome:
    """Hand the report over when nothing blocks it; else list what does."""
    errors = _open_errors(context, state)
    if errors:
        notice = Notice(NoticeCode.SUBMIT_BLOCKED, {"count": str(len(errors))})
        return _outcome(state, (), _summary_view(context, state, [notice], brief=True))
    answers = final_answers(context, state.answers)
    changes = tuple(
        AnswerChange(ident, answer)
        for ident, answer in answers.items()
        if state.answers.get(ident) != answer
    )
    merged = {**state.answers, **answers}
    done = DraftState(merged, DONE, None, False)
    view = _summary_view(context, done, [])
    return _outcome(done, changes, SubmitReady(answers, view, view.warnings))


def _to_summary(
    context: ConversationContext, state: DraftState, notices: Sequence[Notice]
) -> Outcome:
    moved = DraftState(state.answers, SUMMARY, None, False)
    return _outcome(moved, (), _summary_view(context, moved, notices))


# --- checks -------------------------------------------------------------------------------


def _open_errors(context: ConversationContext, state: DraftState) -> list[Notice]:
    """Everything that blocks submission, in question order, then the error rules."""
    errors: list[Notice] = []
    if state.pending is not None:
        errors.append(
            Notice(
                NoticeCode.PENDING_STEP, {"number": _number_of(context, state.pending.indicator_id)}
            )
        )
    effective = _effective(context, state.answers)
    for question in context.questions:
        if _auto(question, state.answers)[0]:
            continue  # nothing to answer: its source is checked instead
        answer = effective.get(question.id)
        if answer is None:
            if question.indicator.required:
                errors.append(_numbered(NoticeCode.MISSING_ANSWER, question))
            continue
        problem = _answer_problem(context, question, answer, state.answers, explanation=True)
        if problem is not None:
            errors.append(problem)
    values = _rule_values(context, effective)
    errors.extend(
        _rule_notice(context, check, values)
        for check in context.checks
        if check.level == "error" and _holds(check, values) is False
    )
    for check in context.checks:
        if not check.explain or _holds(check, values) is not False:
            continue
        confirming = [
            context.by_id[ident]
            for ident in sorted(check.rule.indicator_ids, key=lambda i: context.by_id[i].number)
            if check.key in getattr(effective.get(ident), "confirmed_warnings", ())
        ]
        if confirming and not any(_explained(effective[q.id]) for q in confirming):
            params = {
                "number": str(confirming[0].number),
                "indicator_id": confirming[0].id,
                "message": check.message,
            }
            errors.append(Notice(NoticeCode.WARNING_NOT_EXPLAINED, params))
    return errors


def asks_for_explanation(message: str) -> bool:
    """Whether a warning's message asks for a giải trình ("… đề nghị giải trình.")."""
    folded = unicodedata.normalize("NFD", message.casefold().replace("đ", "d"))
    plain = "".join(char for char in folded if unicodedata.category(char) != "Mn")
    return "giai trinh" in " ".join(plain.split())


def _rule_notice(
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
    return _format_figure(question.indicator, reference.part, value)


def _open_warnings(context: ConversationContext, effective: Mapping[str, Answer]) -> list[Notice]:
    """Warnings nobody confirmed: rules not met, jumps, cumulative figures below Q1."""
    values = _rule_values(context, effective)
    warnings: list[Notice] = []
    for check in context.checks:
        if check.level != "warning" or _holds(check, values) is not False:
            continue
        if not _confirmed_anywhere(check, effective):
            warnings.append(_rule_notice(context, check, values))
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


def _answer_problem(
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
        if numerator > denominator:
            params = {
                "number": str(question.number),
                "numerator": _format_part(ind, numerator),
                "denominator": _format_part(ind, denominator),
            }
            return Notice(NoticeCode.NUMERATOR_ABOVE_DENOMINATOR, params)
        decimals = _part_kind(ind)[1]
        for part, figure, source in (
            (ind.numerator, numerator, question.numerator_source),
            (ind.denominator, denominator, question.denominator_source),
        ):
            if not _fits(figure, decimals):
                return _invalid(question)
            if source is not None and _source_value(answers, source)[1] != figure:
                return _invalid(question)
            if (
                source is None
                and part is not None
                and part.max is not None
                and figure > _decimal_of(part.max)
            ):
                return _invalid(question)
    elif not _value_is_valid(question, answer):
        return _invalid(question)
    if explanation:
        target = _target_missed(context, question, answer)
        if target is not None and not _explained(answer):
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
            kind, decimals = _number_kind(ind)
            minimum = _decimal(ind.min)
            maximum = _decimal(ind.max)
            if kind is NumberKind.PERCENT:
                minimum = _ZERO if minimum is None else minimum
                maximum = Decimal(100) if maximum is None else maximum
            return (
                _fits(value, decimals)
                and (minimum is None or value >= minimum)
                and (maximum is None or value <= maximum)
            )
        case IndicatorType.BOOLEAN:
            return value in (0, 1)
        case IndicatorType.CHOICE:
            options = ind.options or []
            if value is None or not _fits(value, 0) or not 1 <= value <= len(options):
                return False
            return answer.text_value == options[int(value) - 1]
        case _:
            text = answer.text_value
            if text is None or not _meaningful(text):
                return False
            return (ind.min_length is None or len(text) >= ind.min_length) and len(text) <= (
                ind.max_length or TEXT_MAX_LENGTH
            )


def _unconfirmed_warnings(
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
        _rule_notice(context, check, values)
        for check in context.checks_by_indicator.get(question.id, ())
        if check.level == "warning"
        and _holds(check, values) is False
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
        shown = _format_figure(ind, figure, value)
        previous = context.previous_values.get(key)
        if previous is not None and previous > 0 and value > JUMP_FACTOR * previous:
            params = {
                "key": f"jump:{key}",
                "figure": figure,
                "value": shown,
                "previous": _format_figure(ind, figure, previous),
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
                "first_quarter": _format_figure(ind, figure, first_quarter),
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


def _target_missed(
    context: ConversationContext, question: Question, answer: Answer
) -> Target | None:
    """The target this answer misses for the period, if it misses one."""
    target = question.indicator.target_for(context.period_kind)
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


def _holds(check: CheckRule, values: Mapping[Reference, Decimal | None]) -> bool | None:
    """Evaluate a rule on exact Decimals (the rule module reads them without rounding)."""
    return check.rule.evaluate(cast("Mapping[Reference, float | None]", values))


def _explained(answer: Answer) -> bool:
    return answer.explanation is not None and len(answer.explanation) >= EXPLANATION_MIN_LENGTH


def _rule_values(
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


# --- ratios taken from other questions ----------------------------------------------------


def _source_value(answers: Mapping[str, Answer], source: str) -> tuple[bool, Decimal | None]:
    """Whether a source question was answered at all, and its figure if it has one."""
    answer = answers.get(source)
    if answer is None:
        return False, None
    if not answer.is_answered or answer.value is None:
        return True, None
    return True, answer.value


def _auto(question: Question, answers: Mapping[str, Answer]) -> tuple[bool, Answer | None]:
    """Whether a ratio is passed over (its denominator is 0 or missing) and its answer then."""
    if question.numerator_source is None and question.denominator_source is None:
        return False, None
    denominator: Decimal | None = None
    if question.denominator_source is not None:
        given, denominator = _source_value(answers, question.denominator_source)
        if denominator is None:
            return True, Answer(not_applicable=True) if given else None
        if denominator == 0:
            return True, Answer(numerator=_ZERO, denominator=_ZERO, not_applicable=True)
    if question.numerator_source is not None:
        given, numerator = _source_value(answers, question.numerator_source)
        if numerator is None:
            return True, Answer(not_applicable=True) if given else None
        if denominator is not None:
            return True, Answer(numerator=numerator, denominator=denominator)
    return False, None


def _sync_dependents(
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
        passed, automatic = _auto(question, answers)
        new: Answer | None
        if passed:
            new = automatic
        elif old is None or _auto(question, before)[0]:
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
                    _source_value(answers, question.numerator_source)[1]
                    if question.numerator_source is not None
                    else old.numerator
                ),
                denominator=(
                    _source_value(answers, question.denominator_source)[1]
                    if question.denominator_source is not None
                    else old.denominator
                ),
            )
            if old.same_content(new):
                new = old
            elif (
                new.numerator is None or new.denominator is None or new.numerator > new.denominator
            ):
                new = None  # ask it again rather than keep a figure that no longer holds
        if new != old:
            if new is None:
                del answers[ident]
            else:
                answers[ident] = new
            changes.append(AnswerChange(ident, new))
    return changes


def _effective(context: ConversationContext, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers of the context's questions, passed-over ratios given their automatic answer."""
    effective: dict[str, Answer] = {}
    for question in context.questions:
        passed, automatic = _auto(question, answers)
        answer = automatic if passed else answers.get(question.id)
        if answer is not None:
            effective[question.id] = answer
    return effective


# --- navigation ---------------------------------------------------------------------------


def _next_asked(
    context: ConversationContext, answers: Mapping[str, Answer], start_index: int
) -> tuple[Question | None, list[Question]]:
    """The next question to ask from an index on, and the ratios passed over on the way."""
    passed: list[Question] = []
    for question in context.questions[start_index:]:
        if _auto(question, answers)[0]:
            passed.append(question)
            continue
        return question, passed
    return None, passed


def _previous_asked(
    context: ConversationContext, answers: Mapping[str, Answer], end_index: int
) -> Question | None:
    """The last question asked before an index (passed-over ratios do not count)."""
    for question in reversed(context.questions[:end_index]):
        if not _auto(question, answers)[0]:
            return question
    return None


def _first_unanswered(
    context: ConversationContext, answers: Mapping[str, Answer]
) -> Question | None:
    for question in context.questions:
        if question.id not in answers and not _auto(question, answers)[0]:
            return question
    return None


def _next_while_editing(
    context: ConversationContext, answers: Mapping[str, Answer], question: Question
) -> tuple[Question | None, bool]:
    """After an edit: a ratio of the edited figure to ask again, or whose new figures
    miss the target and need a giải trình (True), if any."""
    sources = {question.id, question.numerator_source, question.denominator_source} - {None}
    for other in context.questions:
        if other.id == question.id or not (
            other.numerator_source in sources or other.denominator_source in sources
        ):
            continue
        if _auto(other, answers)[0]:
            continue
        answer = answers.get(other.id)
        if answer is None:
            return other, False
        if _target_missed(context, other, answer) is not None and not _explained(answer):
            return other, True
    return None, False


def _normalise(context: ConversationContext, state: DraftState) -> tuple[DraftState, bool]:
    """Fit a stored state to the context; True when its position had to be moved."""
    position = state.position
    if position in (SUMMARY, DONE):
        if state.pending is not None or state.editing:
            return replace(state, pending=None, editing=False), False
        return state, False
    question = context.by_id.get(position)
    if question is None:
        target = _first_unanswered(context, state.answers)
        moved = DraftState(state.answers, target.id if target else SUMMARY, None, False)
        return moved, position != ""
    if _auto(question, state.answers)[0]:
        following, _ = _next_asked(context, state.answers, question.number)
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


# --- views --------------------------------------------------------------------------------


def _outcome(state: DraftState, changes: Iterable[AnswerChange], view: View) -> Outcome:
    return Outcome(state, tuple(changes), view)


def _present(context: ConversationContext, state: DraftState, notices: Sequence[Notice]) -> Outcome:
    """The view of wherever the state is."""
    if state.position == DONE:
        return _outcome(state, (), _summary_view(context, state, [*notices, _already_submitted()]))
    if state.position == SUMMARY:
        return _outcome(state, (), _summary_view(context, state, notices))
    question = context.by_id[state.position]
    return _outcome(state, (), _question_view(context, state, question, notices))


def _stay(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    notices: Sequence[Notice],
) -> Outcome:
    """The same step again, state unchanged."""
    return _outcome(state, (), _question_view(context, state, question, notices))


def _show(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    notices: Sequence[Notice] = (),
) -> Outcome:
    """The question at the state's sub-step (no answer written)."""
    return _outcome(state, (), _question_view(context, state, question, notices))


def _question_view(
    context: ConversationContext,
    state: DraftState,
    question: Question,
    notices: Sequence[Notice],
) -> QuestionView:
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
            target = _target_missed(context, question, pending.candidate)
            if target is not None:
                params = {
                    "target": ind.describe_target(target),
                    "value": _main_figure(question, pending.candidate),
                }
                all_notices.append(Notice(NoticeCode.TARGET_MISSED, params))
    if pending is not None and pending.step is Step.CONFIRM_NUMBER and pending.number is not None:
        figure = pending.part or "value"
        reading = _format_figure(ind, figure, pending.number)
    all_notices.extend(notices)
    numerator_label = numerator_unit = denominator_label = denominator_unit = None
    fixed_numerator = fixed_denominator = numerator_source = denominator_source = None
    if question.type is IndicatorType.RATIO:
        if ind.numerator is not None:
            numerator_label, numerator_unit = ind.numerator.label, ind.numerator.unit
        if ind.denominator is not None:
            denominator_label, denominator_unit = ind.denominator.label, ind.denominator.unit
        if question.numerator_source is not None:
            numerator_source = _number_of(context, question.numerator_source)
            fixed_numerator = _format_part(
                ind, _source_value(state.answers, question.numerator_source)[1]
            )
        if question.denominator_source is not None:
            denominator_source = _number_of(context, question.denominator_source)
            fixed_denominator = _format_part(
                ind, _source_value(state.answers, question.denominator_source)[1]
            )
    target = ind.target_for(context.period_kind)
    answered = _answered_count(context, state.answers)
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
            _format_part(ind, pending.numerator)
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
    has_earlier = _previous_asked(context, state.answers, question.number - 1) is not None
    if state.editing or state.pending is not None or has_earlier:
        buttons.append(back)
    buttons.append(Button(ButtonLabel.REVIEW, Action.REVIEW))
    return tuple(buttons)


def _summary_view(
    context: ConversationContext,
    state: DraftState,
    notices: Sequence[Notice],
    *,
    brief: bool = False,
    changed: tuple[int, ...] = (),
) -> SummaryView:
    effective = _effective(context, state.answers)
    errors = _open_errors(context, state)
    flagged = {notice.params.get("number") for notice in errors}
    for notice in errors:
        if notice.code is NoticeCode.RULE_ERROR:
            flagged.update(number.strip() for number in notice.params["numbers"].split(","))
    sections: list[SummarySection] = []
    for question in context.questions:
        passed = _auto(question, state.answers)[0]
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
        if _first_unanswered(context, state.answers) is not None:
            buttons.append(Button(ButtonLabel.CONTINUE, Action.NEXT))
        buttons.extend(_fix_buttons(context, state, errors, exclude=None))
        buttons.extend(
            Button(ButtonLabel.EDIT, Action.EDIT, str(question.number))
            for question in context.questions
            if not _auto(question, state.answers)[0]
        )
        buttons.append(Button(ButtonLabel.BACK, Action.BACK))
    return SummaryView(
        sections=tuple(sections),
        answered=_answered_count(context, state.answers),
        total=context.total,
        window_start=context.window_start,
        window_end=context.window_end,
        errors=tuple(errors),
        warnings=tuple(_open_warnings(context, effective)),
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
            if not number.isdigit() or number in numbers:
                continue
            index = int(number) - 1
            if not 0 <= index < context.total:
                continue
            question = context.questions[index]
            if question is exclude or _auto(question, state.answers)[0]:
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
                numerator=_format_part(ind, answer.numerator),
                denominator=_format_part(ind, answer.denominator),
                percent=(
                    format_percent(percentage, PERCENT_DECIMALS) if percentage is not None else None
                ),
            )
        case IndicatorType.BOOLEAN:
            return replace(base, boolean=answer.value == 1)
        case IndicatorType.CHOICE | IndicatorType.TEXT:
            return replace(base, value=answer.text_value)
        case _:
            return replace(base, value=_main_figure(question, answer))


def _main_figure(question: Question, answer: Answer) -> str:
    """The figure a target is about: the value, or a ratio's percentage."""
    ind = question.indicator
    if question.type is IndicatorType.RATIO:
        percentage = answer.percentage
        return format_percent(percentage, PERCENT_DECIMALS) if percentage is not None else ""
    if answer.value is None:
        return ""
    return _format_figure(ind, "value", answer.value)


def _format_figure(ind: Indicator, figure: str, value: Decimal) -> str:
    """A value or a ratio part, formatted for its kind."""
    if figure in ("numerator", "denominator"):
        return _format_part(ind, value)
    kind, decimals = _number_kind(ind)
    if kind is NumberKind.PERCENT:
        return format_percent(value, decimals)
    return format_number(value, decimals)


def _format_part(ind: Indicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_number(value, _part_kind(ind)[1])


def _passed_over_notice(context: ConversationContext, question: Question) -> Notice:
    source = question.denominator_source or question.numerator_source or ""
    params = {
        "number": str(question.number),
        "indicator_id": question.id,
        "label": question.indicator.label,
        "source_number": _number_of(context, source),
    }
    return Notice(NoticeCode.PASSED_OVER, params)


def _answered_count(context: ConversationContext, answers: Mapping[str, Answer]) -> int:
    """Questions with an answer, passed-over ratios with their automatic one included."""
    return len(_effective(context, answers))


# --- small helpers ------------------------------------------------------------------------


def _number_kind(ind: Indicator) -> tuple[NumberKind, int]:
    """How a figure question's text is read: kind and decimals."""
    if ind.type is IndicatorType.INTEGER:
        return NumberKind.COUNT, 0
    kind = NumberKind.PERCENT if ind.type is IndicatorType.PERCENT else NumberKind.DECIMAL
    return kind, ind.decimals if ind.decimals is not None else 2


def _part_kind(ind: Indicator) -> tuple[NumberKind, int]:
    """Ratio parts are counts, unless the ratio sets decimals or counts money in triệu đồng."""
    if ind.decimals:
        return NumberKind.DECIMAL, ind.decimals
    units = [part.unit for part in (ind.numerator, ind.denominator) if part is not None]
    money = [decimals_for_unit(unit) for unit in units]
    if any(decimals is not None for decimals in money):
        return NumberKind.DECIMAL, max(decimals or 0 for decimals in money)
    return NumberKind.COUNT, 0


def _parse_ratio_text(ind: Indicator, text: str) -> tuple[Decimal, Decimal]:
    """Read "17/20" (or "17 trên 20", "17 hồ sơ/20 hồ sơ"); raise NumberInputError."""
    decimals = _part_kind(ind)[1]
    denominator_max = ind.denominator.max if ind.denominator is not None else None
    units = (
        ind.numerator.unit if ind.numerator is not None else None,
        ind.denominator.unit if ind.denominator is not None else None,
    )
    return parse_ratio_parts(
        text, decimals=decimals, maximum_denominator=_decimal(denominator_max), units=units
    )


def _number_error(error: NumberInputError, part: str) -> Notice:
    params = {"part": part, "reason": error.reason.value, "message": error.message}
    return Notice(NoticeCode.INVALID_NUMBER, params)


_NONE_WORDS: Final = frozenset({"khong", "khong co"})
"""Typed on a figure that may be «Không phát sinh», these mean it (folded, see `_fold`)."""


def _saved_notice(question: Question, answer: Answer) -> tuple[Notice, ...]:
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
            "numerator": _format_part(ind, answer.numerator),
            "denominator": _format_part(ind, answer.denominator),
            "percent": format_percent(percentage, PERCENT_DECIMALS),
        }
        return (Notice(NoticeCode.RATIO_SAVED, params),)
    if answer.value is None:
        return ()
    value = _format_figure(ind, "value", answer.value)
    if ind.unit and question.type is not IndicatorType.PERCENT and ind.unit.strip() != "%":
        value = f"{value} {ind.unit}"
    return (Notice(NoticeCode.VALUE_SAVED, {"number": number, "value": value}),)


_FIGURE_TYPES: Final = frozenset(
    {IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENT, IndicatorType.RATIO}
)


def _choice_by_number(ind: Indicator, text: str) -> Answer | None:
    options = ind.options or []
    if not text.isdigit() or len(text) > 3 or not 1 <= int(text) <= len(options):
        return None
    return Answer(value=Decimal(int(text)), text_value=options[int(text) - 1])


def _choice_by_text(ind: Indicator, key: str) -> Answer | None:
    if not key:
        return None
    for number, option in enumerate(ind.options or [], start=1):
        if _fold(option) == key:
            return Answer(value=Decimal(number), text_value=option)
    return None


def _clean_text(text: str) -> str:
    """NFC, without control and invisible format characters (line breaks kept), stripped."""
    normal = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    kept = "".join(
        char
        for char in normal
        if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return kept.strip()


def _meaningful(text: str) -> bool:
    """At least one letter or digit: emoji and punctuation alone say nothing."""
    return any(char.isalnum() for char in text)


def _fits(value: Decimal, decimals: int) -> bool:
    """Whether a figure has at most `decimals` digits after the point."""
    if not value.is_finite():
        return False
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= decimals


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else _decimal_of(value)


def _decimal_of(value: float) -> Decimal:
    return Decimal(repr(value))


def _optional_decimal(raw: object) -> Decimal | None:
    if raw is None:
        return None
    number = Decimal(str(raw))
    if not number.is_finite():
        raise ValueError(f"not a finite figure: {raw!r}")
    return number


def _number_of(context: ConversationContext, ident: str) -> str:
    question = context.by_id.get(ident)
    return str(question.number) if question is not None else ""


def _numbered(code: NoticeCode, question: Question) -> Notice:
    return Notice(code, {"number": str(question.number), "indicator_id": question.id})


def _invalid(question: Question) -> Notice:
    return _numbered(NoticeCode.INVALID_ANSWER, question)


def _stale(given: _Input) -> Notice:
    return Notice(
        NoticeCode.STALE_BUTTON,
        {"action": given.text if given.unknown else str(given.action or "")},
    )


def _already_submitted() -> Notice:
    return Notice(NoticeCode.ALREADY_SUBMITTED)
