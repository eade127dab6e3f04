"""The first stage of an answer: a button or a message read into a candidate, no rule checked."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final, TypeAlias, cast

from cchc_bot.answers import Answer
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.conversation.context import ConversationContext, Question
from cchc_bot.conversation.derived import source_value
from cchc_bot.conversation.figures import (
    decimal_of,
    format_part,
    is_meaningful,
    number_kind,
    part_kind,
    to_decimal,
)
from cchc_bot.conversation.model import (
    COMMAND_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    EXPLANATION_MIN_LENGTH,
    TEXT_MAX_LENGTH,
    ZERO,
    Action,
    ButtonPress,
    Event,
    Notice,
    NoticeCode,
    Step,
)
from cchc_bot.conversation.state import DraftState, Pending
from cchc_bot.number_parsing import NumberInputError, parse_number, parse_ratio_parts


@dataclass(frozen=True, slots=True)
class Given:
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
    if len(text) > COMMAND_MAX_LENGTH:
        return ""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    plain = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(plain.split()).strip(" .!?,;:")


def read_event(event: Event) -> Given:
    """Turn a button or a message into an action or free text."""
    if isinstance(event, ButtonPress):
        try:
            action = Action(event.action)
        except ValueError:
            return Given(None, text=event.action[:COMMAND_MAX_LENGTH], typed=False, unknown=True)
        return Given(action, argument=event.argument, typed=False)
    text = event.text
    key = _fold(text)
    typed = _TYPED_ACTIONS.get(key)
    if typed is not None:
        return Given(typed, text=text, key=key)
    edit = _EDIT_WORDS.match(key)
    if edit is not None:
        return Given(Action.EDIT, argument=edit.group(1) or "", text=text, key=key)
    return Given(None, text=text, key=key)


def read_verdict(given: Given) -> bool | None:
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


@dataclass(frozen=True, slots=True)
class Refused:
    """The input does not do: the step is asked again with these notices."""

    notices: tuple[Notice, ...] = ()
    restart: bool = False  # the question is asked again from its first step


@dataclass(frozen=True, slots=True)
class Ask:
    """A sub-step to ask next (a figure to confirm, a ratio's denominator), or the question."""

    pending: Pending | None


@dataclass(frozen=True, slots=True)
class Offered:
    """A candidate answer, to be checked against the rules before it is saved."""

    answer: Answer


@dataclass(frozen=True, slots=True)
class Settled:
    """An answer to save as it is («Không phát sinh», or a candidate with its giải trình)."""

    answer: Answer


Reading: TypeAlias = Refused | Ask | Offered | Settled
"""What an input says, before any rule is checked."""


def read_text(
    context: ConversationContext, state: DraftState, question: Question, given: Given
) -> Reading:
    """Read free text as an answer of the question's type."""
    ind = question.indicator
    match question.type:
        case IndicatorType.INTEGER | IndicatorType.DECIMAL | IndicatorType.PERCENT:
            if given.key in _NONE_WORDS and ind.allows_not_applicable:
                # "không (có)" where «Không phát sinh» is offered means that, not the digit 0.
                return Settled(Answer(not_applicable=True))
            kind, decimals = number_kind(ind)
            try:
                parsed = parse_number(
                    given.text,
                    kind,
                    decimals=decimals,
                    minimum=to_decimal(ind.min),
                    maximum=to_decimal(ind.max),
                    unit=ind.unit,
                )
            except NumberInputError as error:
                return Refused((_number_error(error, "value"),))
            if parsed.ambiguous:
                pending = Pending(
                    Step.CONFIRM_NUMBER,
                    question.id,
                    part="value",
                    number=parsed.value,
                    interpretation=parsed.interpretation,
                )
                return Ask(pending)
            return Offered(Answer(value=parsed.value))
        case IndicatorType.RATIO:
            return _read_ratio(context, state, question, given.text)
        case IndicatorType.BOOLEAN:
            if given.key in _YES_WORDS or given.key in _NO_WORDS:
                return Offered(Answer(value=Decimal(1 if given.key in _YES_WORDS else 0)))
            return Refused((Notice(NoticeCode.NOT_A_BOOLEAN),))
        case IndicatorType.CHOICE:
            choice = choice_by_number(ind, given.key) or _choice_by_text(ind, given.key)
            if choice is None:
                count = str(len(ind.options or ()))
                return Refused((Notice(NoticeCode.NOT_A_CHOICE, {"count": count}),))
            return Offered(choice)
        case _:
            return _read_free_text(question, given.text)


def _read_free_text(question: Question, text: str) -> Reading:
    """Check a text answer's length (over the limit is refused, never cut)."""
    ind = question.indicator
    cleaned = clean_text(text)
    maximum = ind.max_length or TEXT_MAX_LENGTH
    if len(cleaned) > maximum:
        params = {"max_length": str(maximum), "length": str(len(cleaned))}
        return Refused((Notice(NoticeCode.TEXT_TOO_LONG, params),))
    if not is_meaningful(cleaned):
        return Refused((Notice(NoticeCode.TEXT_NOT_MEANINGFUL),))
    if ind.min_length is not None and len(cleaned) < ind.min_length:
        params = {"min_length": str(ind.min_length), "length": str(len(cleaned))}
        return Refused((Notice(NoticeCode.TEXT_TOO_SHORT, params),))
    return Offered(Answer(text_value=cleaned))


def read_explanation(candidate: Answer, text: str) -> Reading:
    """The giải trình of a candidate: any meaningful text of 10 to 1000 characters."""
    text = clean_text(text)
    if len(text) > EXPLANATION_MAX_LENGTH:
        params = {"max_length": str(EXPLANATION_MAX_LENGTH), "length": str(len(text))}
        return Refused((Notice(NoticeCode.EXPLANATION_TOO_LONG, params),))
    if not is_meaningful(text):
        return Refused((Notice(NoticeCode.TEXT_NOT_MEANINGFUL),))
    if len(text) < EXPLANATION_MIN_LENGTH:
        params = {"min_length": str(EXPLANATION_MIN_LENGTH), "length": str(len(text))}
        return Refused((Notice(NoticeCode.EXPLANATION_TOO_SHORT, params),))
    return Settled(replace(candidate, explanation=text))


def _read_ratio(
    context: ConversationContext, state: DraftState, question: Question, text: str
) -> Reading:
    """A ratio: "17/20" at once, or its asked parts one after the other."""
    ind = question.indicator
    pending = state.pending
    if len(text) <= COMMAND_MAX_LENGTH and _RATIO_HINT.search(text):
        try:
            numerator, denominator = _parse_ratio_text(ind, text)
        except NumberInputError as error:
            params = {"reason": error.reason.value, "message": error.message}
            return Refused((Notice(NoticeCode.INVALID_RATIO, params),))
        for part, given_value in (("numerator", numerator), ("denominator", denominator)):
            source = (
                question.numerator_source if part == "numerator" else question.denominator_source
            )
            if source is None:
                continue
            expected = source_value(state.answers, source)[1]
            if expected != given_value:
                params = {
                    "part": part,
                    "expected": format_part(ind, expected),
                    "source_number": str(context.by_id[source].number),
                }
                return Refused((Notice(NoticeCode.PART_MISMATCH, params),))
        return _whole_ratio(question, numerator, denominator)
    given_numerator = pending.numerator if pending is not None else None
    if given_numerator is None and _fold(text) in _NONE_WORDS and ind.allows_not_applicable:
        # At the ratio's first step "không (có)" means nothing arose: «Không phát sinh».
        return Settled(Answer(not_applicable=True))
    part = "numerator" if question.asks_numerator and given_numerator is None else "denominator"
    ratio_part = ind.numerator if part == "numerator" else ind.denominator
    kind, decimals = part_kind(ind)
    try:
        parsed = parse_number(
            text,
            kind,
            decimals=decimals,
            maximum=to_decimal(ratio_part.max if ratio_part is not None else None),
            unit=ratio_part.unit if ratio_part is not None else None,
        )
    except NumberInputError as error:
        return Refused((_number_error(error, part),))
    if parsed.ambiguous:
        confirm = Pending(
            Step.CONFIRM_NUMBER,
            question.id,
            part=part,
            number=parsed.value,
            interpretation=parsed.interpretation,
            numerator=given_numerator,
        )
        return Ask(confirm)
    return take_part(state.answers, question, part, parsed.value, given_numerator)


def take_part(
    answers: Mapping[str, Answer],
    question: Question,
    part: str,
    value: Decimal,
    given_numerator: Decimal | None,
) -> Reading:
    """One part of a ratio is known: ask the other one, or offer the whole ratio."""
    if part == "numerator":
        if question.asks_denominator:
            return Ask(Pending(Step.DENOMINATOR, question.id, numerator=value))
        source = cast(str, question.denominator_source)
        denominator = source_value(answers, source)[1]
        if denominator is None:  # pragma: no cover - such a ratio is passed over
            return Refused()
        return _whole_ratio(question, value, denominator)
    numerator = given_numerator
    if numerator is None and question.numerator_source is not None:
        numerator = source_value(answers, question.numerator_source)[1]
    if numerator is None:  # pragma: no cover - a denominator is only asked after a numerator
        return Ask(None)
    return _whole_ratio(question, numerator, value)


def _whole_ratio(question: Question, numerator: Decimal, denominator: Decimal) -> Reading:
    """Check a complete ratio's bounds; 0/0 is "không phát sinh", never 0 %."""
    ind = question.indicator
    # Carry-over makes it possible for some ratios: their context warns (CheckRule) instead.
    if numerator > denominator and not (ind.numerator_may_exceed and denominator > 0):
        params = {
            "numerator": format_part(ind, numerator),
            "denominator": format_part(ind, denominator),
        }
        return Refused((Notice(NoticeCode.NUMERATOR_ABOVE_DENOMINATOR, params),), restart=True)
    maximum = ind.numerator.max if ind.numerator is not None else None
    if question.asks_numerator and maximum is not None and numerator > decimal_of(maximum):
        params = {"part": "numerator", "maximum": format_part(ind, decimal_of(maximum))}
        return Refused((Notice(NoticeCode.PART_ABOVE_MAXIMUM, params),), restart=True)
    if denominator == 0:
        return Offered(Answer(numerator=ZERO, denominator=ZERO, not_applicable=True))
    return Offered(Answer(numerator=numerator, denominator=denominator))


def _parse_ratio_text(ind: Indicator, text: str) -> tuple[Decimal, Decimal]:
    """Read "17/20" (or "17 trên 20", "17 hồ sơ/20 hồ sơ"); raise NumberInputError."""
    decimals = part_kind(ind)[1]
    denominator_max = ind.denominator.max if ind.denominator is not None else None
    units = (
        ind.numerator.unit if ind.numerator is not None else None,
        ind.denominator.unit if ind.denominator is not None else None,
    )
    return parse_ratio_parts(
        text, decimals=decimals, maximum_denominator=to_decimal(denominator_max), units=units
    )


def _number_error(error: NumberInputError, part: str) -> Notice:
    params = {"part": part, "reason": error.reason.value, "message": error.message}
    return Notice(NoticeCode.INVALID_NUMBER, params)


_NONE_WORDS: Final = frozenset({"khong", "khong co"})
"""Typed on a figure that may be «Không phát sinh», these mean it (folded, see `_fold`)."""


def choice_by_number(ind: Indicator, text: str) -> Answer | None:
    """The option typed or pressed by its number, if there is one."""
    options = ind.options or []
    if not text.isdecimal() or len(text) > 3 or not 1 <= int(text) <= len(options):
        return None
    return Answer(value=Decimal(int(text)), text_value=options[int(text) - 1])


def _choice_by_text(ind: Indicator, key: str) -> Answer | None:
    if not key:
        return None
    for number, option in enumerate(ind.options or [], start=1):
        if _fold(option) == key:
            return Answer(value=Decimal(number), text_value=option)
    return None


def clean_text(text: str) -> str:
    """NFC, without control and invisible format characters (line breaks kept), stripped."""
    normal = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    kept = "".join(
        char
        for char in normal
        if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return kept.strip()


def stale(given: Given) -> Notice:
    """The notice for a button or command that does not fit the screen."""
    return Notice(
        NoticeCode.STALE_BUTTON,
        {"action": given.text if given.unknown else str(given.action or "")},
    )
