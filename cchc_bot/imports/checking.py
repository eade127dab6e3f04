"""One unit's row of an imported workbook, read and checked with the chat's parsers and rules."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from cchc_bot.answers import Answer
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation.checks import answer_problem, rule_holds, rule_values
from cchc_bot.conversation.context import ConversationContext, Question
from cchc_bot.conversation.derived import auto_answer, effective_answers, source_value
from cchc_bot.conversation.figures import format_part, number_kind, part_kind
from cchc_bot.conversation.model import NoticeCode
from cchc_bot.conversation.reading import clean_text
from cchc_bot.number_parsing import NumberInputError, NumberKind, parse_number
from cchc_bot.texts import figures as words

NOT_ARISEN_WORDS = frozenset({"khong phat sinh", "khong ap dung", "kps"})
YES_WORDS = frozenset({"co", "yes", "x", "1", "true", "dung"})
NO_WORDS = frozenset({"khong", "no", "0", "false"})


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of the unit table: its column letter and what it holds (None when empty)."""

    column: str
    value: object


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit's row: where it is and its cells by (indicator id, part)."""

    sheet: str
    row: int
    unit_code: str
    cells: Mapping[tuple[str, str], Cell] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """Whether no figure at all was written for the unit (it did not report)."""
        return all(_blank(cell.value) for cell in self.cells.values())


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, where it is: sheet, row, column (may be ""), unit, indicator."""

    sheet: str
    row: int
    column: str
    unit: str
    indicator: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return words.IMPORT_ROW_PROBLEM.format(
                sheet=self.sheet, row=self.row, unit=self.unit, message=self.message
            )
        return words.IMPORT_PROBLEM.format(
            sheet=self.sheet,
            column=self.column,
            row=self.row,
            unit=self.unit,
            indicator=self.indicator,
            message=self.message,
        )


class _CellError(ValueError):
    """A cell that cannot be read as the question's answer (the message says why)."""


def check_row(
    context: ConversationContext, row: UnitRow, unit_label: str
) -> tuple[dict[str, Answer], list[Problem]]:
    """The answers a row gives, and every problem found in it (none: it can be stored)."""
    answers: dict[str, Answer] = {}
    problems: list[Problem] = []

    def problem(question: Question, message: str, part: str = "") -> None:
        column = _column_of(row, question, part)
        problems.append(Problem(row.sheet, row.row, column, unit_label, question.id, message))

    for question in context.questions:
        try:
            answer = _read(question, row, answers)
        except _CellError as error:
            problem(question, str(error))
            continue
        if answer is not None:
            answers[question.id] = answer
    for question in context.questions:
        passed, automatic = auto_answer(question, answers)
        if passed:
            if automatic is not None:
                answers[question.id] = automatic
            continue
        answer = answers.get(question.id)
        if answer is None:
            if question.indicator.required and not any(
                p.indicator == question.id for p in problems
            ):
                problem(question, words.IMPORT_MISSING)
            continue
        notice = answer_problem(context, question, answer, answers, explanation=False)
        if notice is None:
            continue
        if notice.code is NoticeCode.NUMERATOR_ABOVE_DENOMINATOR:
            problem(question, words.IMPORT_NUMERATOR_ABOVE.format(**notice.params), "numerator")
        elif notice.code is NoticeCode.MISSING_ANSWER:
            problem(question, words.IMPORT_MISSING)
        else:
            problem(question, words.IMPORT_INVALID)
    # Every rule whose figures were all read is checked, so one run reports every problem.
    unreadable = {found.indicator for found in problems}
    values = rule_values(context, effective_answers(context, answers))
    for check in context.checks:
        if check.level != "error" or check.rule.indicator_ids & unreadable:
            continue
        if rule_holds(check, values) is False:
            problem(context.by_id[check.anchor], check.message)
    return answers, problems


def _read(question: Question, row: UnitRow, answers: Mapping[str, Answer]) -> Answer | None:
    """A question's answer from its cells; None when they are empty."""
    ind = question.indicator
    if question.type is IndicatorType.RATIO:
        return _read_ratio(question, row, answers)
    cell = row.cells.get((question.id, "text" if _is_text_column(question) else "value"))
    if cell is None or _blank(cell.value):
        return None
    value = cell.value
    if isinstance(value, str) and _fold(value) in NOT_ARISEN_WORDS:
        if not ind.allows_not_applicable:
            raise _CellError(words.IMPORT_NOT_APPLICABLE_REFUSED)
        return Answer(not_applicable=True)
    match question.type:
        case IndicatorType.INTEGER | IndicatorType.DECIMAL | IndicatorType.PERCENT:
            kind, decimals = number_kind(ind)
            return Answer(value=_number(value, kind, decimals, ind.unit))
        case IndicatorType.BOOLEAN:
            return Answer(value=Decimal(1) if _yes(value) else Decimal(0))
        case IndicatorType.CHOICE:
            return _choice(question, value)
        case _:
            return Answer(text_value=clean_text(str(value)))


def _read_ratio(question: Question, row: UnitRow, answers: Mapping[str, Answer]) -> Answer | None:
    ind = question.indicator
    cells = {
        part: row.cells.get((question.id, part)) for part in ("numerator", "denominator", "percent")
    }
    raw = {part: (cell.value if cell is not None else None) for part, cell in cells.items()}
    if all(_blank(value) for value in raw.values()):
        return None
    if any(isinstance(v, str) and _fold(v) in NOT_ARISEN_WORDS for v in raw.values()) and all(
        _blank(raw[part]) or _zero(raw[part]) for part in ("numerator", "denominator")
    ):
        if not ind.allows_not_applicable:
            raise _CellError(words.IMPORT_NOT_APPLICABLE_REFUSED)
        return Answer(not_applicable=True)
    kind, decimals = part_kind(ind)
    numerator = (
        None if _blank(raw["numerator"]) else _number(raw["numerator"], kind, decimals, None)
    )
    denominator = (
        None if _blank(raw["denominator"]) else _number(raw["denominator"], kind, decimals, None)
    )
    source = question.denominator_source
    if source is not None:
        given, from_source = source_value(answers, source)
        if denominator is None:
            denominator = from_source
        elif given and from_source is not None and denominator != from_source:
            raise _CellError(
                words.IMPORT_SOURCE_MISMATCH.format(
                    source=source, value=format_part(ind, from_source)
                )
            )
    if numerator is None or denominator is None:
        return Answer(numerator=numerator, denominator=denominator)  # reported as invalid
    if denominator == 0 and numerator == 0:
        return Answer(numerator=Decimal(0), denominator=Decimal(0), not_applicable=True)
    return Answer(numerator=numerator, denominator=denominator)


def _number(value: object, kind: NumberKind, decimals: int, unit: str | None) -> Decimal:
    """A figure from a numeric cell exactly, or from text with the chat's number parser."""
    if isinstance(value, bool):
        raise _CellError(words.IMPORT_NOT_A_NUMBER)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _CellError(words.IMPORT_NOT_A_NUMBER)
        figure = Decimal(repr(value))
        # A spreadsheet stores 12,5 as a binary float: keep the decimals the question allows.
        return figure.quantize(Decimal(1).scaleb(-decimals)) if decimals else figure
    if isinstance(value, Decimal):
        return value
    text = str(value)
    try:
        parsed = parse_number(text, kind, decimals=decimals, unit=unit)
    except NumberInputError as error:
        raise _CellError(error.message) from error
    except (InvalidOperation, ValueError) as error:  # pragma: no cover - parser guards these
        raise _CellError(words.IMPORT_NOT_A_NUMBER) from error
    if parsed.ambiguous:
        raise _CellError(
            words.IMPORT_AMBIGUOUS.format(text=text.strip(), interpretation=parsed.interpretation)
        )
    return parsed.value


def _yes(value: object) -> bool:
    folded = _fold(str(value)) if not isinstance(value, bool) else ("co" if value else "khong")
    if isinstance(value, int | float) and not isinstance(value, bool):
        folded = "1" if value == 1 else ("0" if value == 0 else folded)
    if folded in YES_WORDS:
        return True
    if folded in NO_WORDS:
        return False
    raise _CellError(words.IMPORT_NOT_YES_NO)


def _choice(question: Question, value: object) -> Answer:
    options = question.indicator.options or []
    key = _fold(str(value))
    for number, option in enumerate(options, start=1):
        if _fold(option) == key or key == str(number):
            return Answer(value=Decimal(number), text_value=option)
    raise _CellError(words.IMPORT_NOT_AN_OPTION.format(options="; ".join(options)))


def _is_text_column(question: Question) -> bool:
    return question.type in (IndicatorType.BOOLEAN, IndicatorType.CHOICE, IndicatorType.TEXT)


def _column_of(row: UnitRow, question: Question, part: str) -> str:
    """The column letter a problem points at: the part's, else the question's first cell."""
    keys = [(question.id, part)] if part else []
    keys += [(question.id, name) for name in ("value", "text", "numerator", "denominator")]
    for key in keys:
        cell = row.cells.get(key)
        if cell is not None:
            return cell.column
    return ""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _zero(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 0


def _fold(text: str) -> str:
    """Text folded for matching words: no case, no diacritics, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    plain = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(plain.split()).strip(" .!?,;:")
