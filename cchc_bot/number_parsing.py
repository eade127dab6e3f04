"""Read figures typed in Vietnamese conventions: "1.234", "95,5", "95,5 %", "17/20"."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from cchc_bot.number_format import format_number, render_number
from cchc_bot.number_messages import (
    DECIMAL_RATIO_EXAMPLE,
    ERROR_MESSAGES,
    INTERPRETATION_MESSAGE,
    RATIO_EXAMPLE,
    SHOWN_LENGTH,
    SUBJECT,
    NumberErrorReason,
)
from cchc_bot.number_words import number_in_words
from cchc_bot.texts.numbers import (
    DENOMINATOR_ABOVE_MAXIMUM_MESSAGE,
    DENOMINATOR_SUBJECT,
    HAS_LETTERS_MESSAGE,
    HAS_SYMBOL_MESSAGE,
    NUMERATOR_SUBJECT,
    PERCENT_SIGN_MESSAGE,
    PERCENT_WORDS,
    RATIO_AMBIGUOUS_MESSAGE,
    TOO_LONG_MESSAGE,
)

# How typed text is read (tests/unit/test_numbers.py pins every rule with examples).
#
# Clean-up: full-width ASCII ("１２３", "％", "，", "／") becomes ASCII, NBSP / narrow / thin /
# ideographic spaces become " ", unicode minus and dashes become "-", invisible format
# characters (zero-width space, BOM, direction marks) are dropped, the text is NFC-normalised
# (phones may send decomposed diacritics) and stripped. Over 30 characters (60 for a ratio)
# is TOO_LONG.
# "không" / "khong" / "không có" in any case is 0 (the conversation reads them as «Không
# phát sinh» where a question offers that). The question's unit after the number is dropped
# ("12 hồ sơ", "12 ho so"; `unit=`), any other word is NOT_A_NUMBER and named in the message.
# Only ASCII digits count: "١٢٣" is NOT_A_NUMBER.
#
# Every number body gets up to two readings:
#   Vietnamese (preferred): "." or " " groups thousands, one "," starts the decimals.
#   English (fallback):      "," or " " groups thousands, one "." starts the decimals.
# A grouped whole part is 1-3 digits not starting with 0, then groups of exactly 3 digits,
# all with the same separator; ungrouped digits may be any length. Neither reading valid
# ("1.23.4", "1,234,5", "1..2", "5.", ",5", "12 34") is BAD_SEPARATORS.
#
# A reading is *plausible* when the kind allows it: an integral kind (COUNT, or decimals=0)
# rules out any decimal mark (even "5,0"), and the bounds (PERCENT: 0-100 unless given)
# rule out the rest.
# The number of decimals does not make a reading implausible: the user does not know the
# limit, so "12.345" must still be questioned, not silently taken as 12345. Trailing
# decimal zeros are allowed beyond the limit ("95,50" with decimals=1 is 95.5).
# The first plausible reading (Vietnamese first) is taken and then fully checked; with
# none plausible, the first reading's own error is raised. The result is *ambiguous* when
#   - it is the English reading ("12.5", "0.5", "1,234.5", "12,345" for a COUNT), or
#   - it groups with a lone "." while a decimal-point reading is plausible too
#     ("1.234" for a DECIMAL, or a PERCENT whose maximum reaches 1234; never when decimals=0).
# "a,bbb" is never ambiguous when its decimal reading is plausible: "," is the Vietnamese
# decimal mark, and treating it as a thousands separator is only a fallback.
#
# Canonical output (format_number) always parses back to itself without ambiguity: the
# decimal mark is ",", thousands use ".", and an integral value of 1.000-999.999 written
# with decimals > 0 is left ungrouped ("1234"), because "1.234" reads two ways there.

MAX_INPUT_LENGTH: Final = 30
MAX_RATIO_LENGTH: Final = 2 * MAX_INPUT_LENGTH
# Exponent notation is never accepted; from this exponent on it is called "not finite".
_HUGE_EXPONENT: Final = 30


class NumberKind(StrEnum):
    """What a figure measures, which decides how its text is read and checked."""

    COUNT = "count"
    DECIMAL = "decimal"
    PERCENT = "percent"


class NumberInputError(ValueError):
    """Typed text that is not an acceptable figure, with a Vietnamese message for the user."""

    def __init__(self, reason: NumberErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A figure read from text; when `ambiguous`, echo `interpretation` and ask to confirm."""

    value: Decimal
    ambiguous: bool = False
    interpretation: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedRatio:
    """A ratio typed as "17/20" or "17 trên 20" (numerator <= denominator is not checked)."""

    numerator: int
    denominator: int


@dataclass(frozen=True, slots=True)
class _Rules:
    """What a kind and its options accept, and how its errors name the typed text."""

    kind: NumberKind
    decimals: int
    minimum: Decimal | None
    maximum: Decimal | None
    subject: str = SUBJECT
    example_text: str | None = None

    @property
    def integral(self) -> bool:
        return self.kind is NumberKind.COUNT or self.decimals == 0

    @property
    def example(self) -> str:
        if self.example_text is not None:
            return self.example_text
        if self.kind is NumberKind.PERCENT:
            return ("95", "95,5", "95,25")[min(self.decimals, 2)] + " %"
        if self.kind is NumberKind.COUNT or self.decimals == 0:
            return "1.234"
        return ("1.234", "1.234,5", "1.234,56")[min(self.decimals, 2)]

    def error(
        self, reason: NumberErrorReason, text: str = "", template: str | None = None, **extra: str
    ) -> NumberInputError:
        message = (template or ERROR_MESSAGES[reason]).format(
            subject=self.subject.format(text=_shown(text)),
            example=self.example,
            limit=MAX_INPUT_LENGTH,
            decimals=self.decimals,
            minimum=self.show(self.minimum),
            maximum=self.show(self.maximum),
            **extra,
        )
        return NumberInputError(reason, message)

    def show(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        text = render_number(value, group_lone_thousands=True)
        return f"{text} %" if self.kind is NumberKind.PERCENT else text


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way of reading a number body."""

    value: Decimal
    written_decimals: int
    significant_decimals: int
    english: bool


_SPACES: Final = "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_MINUSES: Final = "\u2010\u2011\u2012\u2013\u2212\ufe63"
_CLEAN_UP: Final[dict[int, str]] = {
    **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
    **{ord(char): " " for char in _SPACES},
    **{ord(char): "-" for char in _MINUSES},
}
_ZERO_WORDS: Final = frozenset({"không", "khong", "không có", "khong co"})
_NOT_FINITE_WORDS: Final = frozenset({"inf", "infinity", "nan", "snan", "qnan", "∞"})
_NUMBER_CHARS: Final = frozenset("0123456789., ")
_DIGITS: Final = re.compile(r"[0-9]+")
_GROUP_HEAD: Final = re.compile(r"[1-9][0-9]{0,2}")
_GROUP: Final = re.compile(r"[0-9]{3}")
_EXPONENT: Final = re.compile(r"[0-9.,]*[0-9][0-9.,]*e([+-]?[0-9]+)")
_RATIO_SEPARATOR: Final = re.compile(r"\s*(?:/|trên|tren)\s*")
_LETTERS: Final = re.compile(r"[^\W\d_]+")
_ALLOWED_SYMBOLS: Final = frozenset("0123456789., +-%")
# Units of money counted in thousands of đồng or more take decimals ("1.234,5 triệu đồng").
_MONEY_UNIT: Final = re.compile(r"(?:nghìn|ngàn|triệu|tỷ|tỉ)\s+đồng", re.IGNORECASE)
MONEY_DECIMALS: Final = 3
# Far more than any figure plus padding; longer text is refused before the costly clean-up.
_RAW_LENGTH_LIMIT: Final = 1000


def parse_number(
    text: str,
    kind: NumberKind,
    *,
    decimals: int = 2,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
    unit: str | None = None,
) -> ParsedNumber:
    """Read a figure typed in Vietnamese conventions; raise `NumberInputError` if unusable.

    A trailing `unit` (the question's unit of count, "12 hồ sơ", with or without
    diacritics) is allowed after the number.
    """
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if kind is NumberKind.PERCENT:
        minimum = 0 if minimum is None else minimum
        maximum = 100 if maximum is None else maximum
    rules = _Rules(
        kind=kind,
        decimals=decimals,
        minimum=None if minimum is None else Decimal(minimum),
        maximum=None if maximum is None else Decimal(maximum),
    )
    return _parse(text, rules, unit)


def parse_ratio(
    text: str,
    *,
    maximum_denominator: int | None = None,
    units: tuple[str | None, str | None] = (None, None),
) -> ParsedRatio:
    """Read a ratio such as "17/20", "17 / 20" or "17 trên 20" of two non-negative integers.

    Each side may carry its unit ("17 hồ sơ/20 hồ sơ"; `units` are numerator's, denominator's).
    """
    numerator, denominator = parse_ratio_parts(
        text, maximum_denominator=maximum_denominator, units=units
    )
    return ParsedRatio(numerator=int(numerator), denominator=int(denominator))


def parse_ratio_parts(
    text: str,
    *,
    decimals: int = 0,
    maximum_denominator: Decimal | int | None = None,
    units: tuple[str | None, str | None] = (None, None),
) -> tuple[Decimal, Decimal]:
    """Read a ratio's two sides, with up to `decimals` decimals each (money, say)."""
    example = RATIO_EXAMPLE if decimals == 0 else DECIMAL_RATIO_EXAMPLE
    rules = _Rules(
        kind=NumberKind.COUNT, decimals=0, minimum=None, maximum=None, example_text=example
    )
    cleaned = _clean(text, rules, limit=MAX_RATIO_LENGTH).casefold()
    terms = _RATIO_SEPARATOR.split(cleaned)
    if len(terms) != 2 or not all(terms):
        raise rules.error(NumberErrorReason.RATIO_FORMAT, text)
    numerator = _ratio_term(terms[0], NUMERATOR_SUBJECT, units[0], decimals, example)
    denominator = _ratio_term(terms[1], DENOMINATOR_SUBJECT, units[1], decimals, example)
    if maximum_denominator is not None and denominator > maximum_denominator:
        message = DENOMINATOR_ABOVE_MAXIMUM_MESSAGE.format(
            maximum=format_number(maximum_denominator, decimals)
        )
        raise NumberInputError(NumberErrorReason.ABOVE_MAXIMUM, message)
    return numerator, denominator


def decimals_for_unit(unit: str | None) -> int | None:
    """Decimals a unit of measure allows on its own: money in thousands of đồng or more."""
    if unit is not None and _MONEY_UNIT.search(unicodedata.normalize("NFC", unit)):
        return MONEY_DECIMALS
    return None


def _parse(text: str, rules: _Rules, unit: str | None) -> ParsedNumber:
    # The unit's own length does not count against the figure's.
    cleaned = _clean(text, rules, limit=MAX_INPUT_LENGTH + (len(unit) + 1 if unit else 0))
    folded = cleaned.casefold()
    if folded in _ZERO_WORDS:
        return ParsedNumber(Decimal(0))
    folded = _without_unit(folded, unit)
    negative, body = _split_sign_and_percent(folded, rules, cleaned)
    if body in _NOT_FINITE_WORDS:
        raise rules.error(NumberErrorReason.NOT_FINITE, cleaned)
    exponent = _EXPONENT.fullmatch(body)
    if exponent is not None:
        huge = abs(int(exponent.group(1))) >= _HUGE_EXPONENT
        raise rules.error(
            NumberErrorReason.NOT_FINITE if huge else NumberErrorReason.NOT_A_NUMBER, cleaned
        )
    if not set(body) <= _NUMBER_CHARS or not any(char.isdigit() for char in body):
        raise _not_a_number(rules, cleaned)
    readings = _readings(body)
    if not readings:
        raise rules.error(NumberErrorReason.BAD_SEPARATORS, cleaned)
    if negative and any(reading.value != 0 for reading in readings):
        raise rules.error(NumberErrorReason.NEGATIVE, cleaned)
    return _choose(readings, rules, cleaned, lone_dot="." in body)


def _clean(text: str, rules: _Rules, *, limit: int = MAX_INPUT_LENGTH) -> str:
    """Normalise typed text for reading (case kept), refusing empty and over-long input."""
    stripped = text.strip()
    if len(stripped) > _RAW_LENGTH_LIMIT:
        raise rules.error(NumberErrorReason.TOO_LONG, template=_limit(TOO_LONG_MESSAGE, limit))
    translated = unicodedata.normalize("NFC", stripped.translate(_CLEAN_UP))
    visible = "".join(char for char in translated if unicodedata.category(char) != "Cf")
    cleaned = re.sub(" +", " ", visible.strip())
    if not cleaned:
        raise rules.error(NumberErrorReason.EMPTY)
    if len(cleaned) > limit:
        raise rules.error(NumberErrorReason.TOO_LONG, template=_limit(TOO_LONG_MESSAGE, limit))
    return cleaned


def _limit(template: str, limit: int) -> str:
    return template.replace("{limit}", str(limit))


def _shown(text: str) -> str:
    """Typed text as quoted back in a message: one line, not too long."""
    line = " ".join(text.split())
    return line if len(line) <= SHOWN_LENGTH else line[: SHOWN_LENGTH - 1] + "…"


def _fold(text: str) -> str:
    """Lower case without diacritics ("hồ sơ" -> "ho so"), for matching words."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def _without_unit(folded: str, unit: str | None) -> str:
    """The text without the question's unit after the number ("12 hồ sơ" -> "12")."""
    if not unit:
        return folded
    unit_words = _fold(unicodedata.normalize("NFC", unit)).split()
    words = folded.split(" ")
    count = len(unit_words)
    if not unit_words or len(words) <= count:
        return folded
    if [_fold(word) for word in words[-count:]] != unit_words:
        return folded
    return " ".join(words[:-count])


def _not_a_number(rules: _Rules, cleaned: str) -> NumberInputError:
    """Say what in the text is not part of a number: letters first, else a symbol."""
    reason = NumberErrorReason.NOT_A_NUMBER
    if not any(char in "0123456789" for char in cleaned):
        return rules.error(reason, cleaned)
    letters = _LETTERS.search(cleaned)
    if letters is not None:
        return rules.error(reason, cleaned, HAS_LETTERS_MESSAGE, letters=letters.group(0))
    symbol = next((char for char in cleaned if char not in _ALLOWED_SYMBOLS), None)
    if symbol is not None:
        shown = symbol if symbol.isprintable() and not symbol.isspace() else repr(symbol)
        return rules.error(reason, cleaned, HAS_SYMBOL_MESSAGE, symbol=shown)
    return rules.error(reason, cleaned)


def _ratio_term(term: str, subject: str, unit: str | None, decimals: int, example: str) -> Decimal:
    """One side of a ratio: a plain, unambiguous non-negative figure."""
    rules = _Rules(
        kind=NumberKind.COUNT if decimals == 0 else NumberKind.DECIMAL,
        decimals=decimals,
        minimum=None,
        maximum=None,
        subject=subject,
        example_text=example,
    )
    try:
        parsed = _parse(term, rules, unit)
    except NumberInputError as error:
        if error.reason in (NumberErrorReason.NEGATIVE, NumberErrorReason.NOT_INTEGER):
            raise
        # The reason stays "ratio format"; the message says what is wrong with the side.
        raise NumberInputError(NumberErrorReason.RATIO_FORMAT, error.message) from None
    if parsed.ambiguous:
        raise rules.error(NumberErrorReason.RATIO_FORMAT, term, RATIO_AMBIGUOUS_MESSAGE)
    return parsed.value


def _split_sign_and_percent(folded: str, rules: _Rules, cleaned: str) -> tuple[bool, str]:
    """Take off a leading sign and, for percentages, a trailing "%"."""
    negative = folded.startswith("-")
    body = folded[1:].lstrip() if folded[0] in "+-" else folded
    if body.endswith("%"):
        if rules.kind is not NumberKind.PERCENT:
            raise rules.error(NumberErrorReason.NOT_A_NUMBER, cleaned, PERCENT_SIGN_MESSAGE)
        body = body[:-1].rstrip()
    return negative, body


def _readings(body: str) -> list[_Reading]:
    """The Vietnamese and English readings of a number body that are well formed."""
    vietnamese = _read(body, thousands=".", decimal_mark=",", english=False)
    english = _read(body, thousands=",", decimal_mark=".", english=True)
    if vietnamese is not None and english is not None and vietnamese.value == english.value:
        return [vietnamese]
    return [reading for reading in (vietnamese, english) if reading is not None]


def _read(body: str, *, thousands: str, decimal_mark: str, english: bool) -> _Reading | None:
    whole, mark, fraction = body.partition(decimal_mark)
    if mark and _DIGITS.fullmatch(fraction) is None:
        return None
    digits = _whole_digits(whole, thousands)
    if digits is None:
        return None
    significant = fraction.rstrip("0")
    return _Reading(
        value=Decimal(f"{digits}.{significant}" if significant else digits),
        written_decimals=len(fraction),
        significant_decimals=len(significant),
        english=english,
    )


def _whole_digits(whole: str, thousands: str) -> str | None:
    """The digits of a whole part, plain or consistently grouped by threes."""
    if _DIGITS.fullmatch(whole):
        return whole
    for separator in (thousands, " "):
        head, *groups = whole.split(separator)
        if (
            groups
            and _GROUP_HEAD.fullmatch(head)
            and all(_GROUP.fullmatch(group) for group in groups)
        ):
            return head + "".join(groups)
    return None


def _problem(reading: _Reading, rules: _Rules, *, check_decimals: bool) -> NumberErrorReason | None:
    """What the rules have against a reading, if anything."""
    # An integral kind takes no decimal mark at all, so "1.000" is never 1 for a COUNT.
    if rules.integral and reading.written_decimals:
        return NumberErrorReason.NOT_INTEGER
    if check_decimals and reading.significant_decimals > rules.decimals:
        return NumberErrorReason.TOO_MANY_DECIMALS
    if rules.minimum is not None and reading.value < rules.minimum:
        return NumberErrorReason.BELOW_MINIMUM
    if rules.maximum is not None and reading.value > rules.maximum:
        return NumberErrorReason.ABOVE_MAXIMUM
    return None


def _choose(
    readings: list[_Reading], rules: _Rules, cleaned: str, *, lone_dot: bool
) -> ParsedNumber:
    """Take the first plausible reading and decide whether it must be confirmed."""
    plausible = [r for r in readings if _problem(r, rules, check_decimals=False) is None]
    if not plausible:
        reason = _problem(readings[0], rules, check_decimals=False)
        assert reason is not None
        raise rules.error(reason, cleaned)
    chosen = plausible[0]
    reason = _problem(chosen, rules, check_decimals=True)
    if reason is not None:
        raise rules.error(reason, cleaned)
    # Two plausible readings differ only for "a.bbb" / "a,bbb"; a decimal comma is trusted.
    ambiguous = chosen.english or (len(plausible) > 1 and lone_dot)
    if not ambiguous:
        return ParsedNumber(chosen.value)
    return ParsedNumber(chosen.value, ambiguous=True, interpretation=_interpret(chosen, rules))


def _interpret(reading: _Reading, rules: _Rules) -> str:
    words = number_in_words(reading.value)
    if rules.kind is NumberKind.PERCENT:
        words = f"{words} {PERCENT_WORDS}"
    return INTERPRETATION_MESSAGE.format(words=words)
