"""Vietnamese figures: parsing, ambiguity, errors, formatting, ratios and percentages."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.number_format import format_number, format_percent, percent_of
from cchc_bot.number_messages import ERROR_MESSAGES, NumberErrorReason
from cchc_bot.number_parsing import (
    NumberInputError,
    NumberKind,
    ParsedNumber,
    ParsedRatio,
    decimals_for_unit,
    parse_number,
    parse_ratio,
)
from cchc_bot.number_words import number_in_words

COUNT = NumberKind.COUNT
DECIMAL = NumberKind.DECIMAL
PERCENT = NumberKind.PERCENT
R = NumberErrorReason


def ok(
    text: str,
    kind: NumberKind,
    value: str,
    *,
    ambiguous: bool = False,
    decimals: int = 2,
    minimum: str | None = None,
    maximum: str | None = None,
) -> Any:
    """A table row for text that is accepted as `value`."""
    options = (decimals, minimum, maximum)
    return pytest.param(text, kind, options, Decimal(value), ambiguous, id=f"{kind}:{text!r}")


def refused(
    text: str,
    kind: NumberKind,
    reason: NumberErrorReason,
    *,
    decimals: int = 2,
    minimum: str | None = None,
    maximum: str | None = None,
) -> Any:
    """A table row for text that is refused for `reason`."""
    options = (decimals, minimum, maximum)
    return pytest.param(text, kind, options, reason, None, id=f"{kind}:{text!r}")


# The reading rules of cchc_bot/number_parsing.py, one example or more per rule.
# "ambiguous" means the bot echoes the interpretation and asks before storing.
TABLE = [
    # Plain Vietnamese forms: never ambiguous.
    ok("0", COUNT, "0"),
    ok("125", COUNT, "125"),
    ok("007", COUNT, "7"),
    ok("1.234", COUNT, "1234"),
    ok("1.234.567", COUNT, "1234567"),
    ok("1.234.567", DECIMAL, "1234567"),
    ok("1 234", COUNT, "1234"),
    ok("1 234 567", COUNT, "1234567"),
    ok("1\u00a0234", COUNT, "1234"),
    ok("1\u202f234", COUNT, "1234"),
    ok("1\u2009234,5", DECIMAL, "1234.5"),
    ok("1  234", COUNT, "1234"),
    ok("95,5", DECIMAL, "95.5"),
    ok("95,5", PERCENT, "95.5"),
    ok("0,5", DECIMAL, "0.5"),
    ok("1.234,5", DECIMAL, "1234.5"),
    ok("1.234,56", DECIMAL, "1234.56"),
    ok("1.234.567,89", DECIMAL, "1234567.89"),
    ok("1 234,56", DECIMAL, "1234.56"),
    ok("95,50", PERCENT, "95.5", decimals=1),
    ok("5,0", DECIMAL, "5"),
    refused("5,0", COUNT, R.NOT_INTEGER),
    # Whitespace, signs, percent signs.
    ok("  125  ", COUNT, "125"),
    ok("\t125\n", COUNT, "125"),
    ok("\u200b125\ufeff", COUNT, "125"),
    ok("+5", COUNT, "5"),
    ok("+ 5", COUNT, "5"),
    ok("-0", COUNT, "0"),
    ok("95,5%", PERCENT, "95.5"),
    ok("95,5 %", PERCENT, "95.5"),
    ok("100%", PERCENT, "100"),
    ok("100", PERCENT, "100"),
    ok("0 %", PERCENT, "0"),
    # Zero spelled out.
    ok("không", COUNT, "0"),
    ok("Không", DECIMAL, "0"),
    ok("KHÔNG", PERCENT, "0"),
    ok("khong", COUNT, "0"),
    ok(unicodedata.normalize("NFD", "không"), COUNT, "0"),
    # Full-width digits and punctuation.
    ok("１２３", COUNT, "123"),
    ok("１．２３４", COUNT, "1234"),
    ok("１．２３４，５", DECIMAL, "1234.5"),
    ok("９５，５％", PERCENT, "95.5"),
    ok("1\u3000234", COUNT, "1234"),
    # "a.bbb": thousands for an integral kind, questioned when a decimal point fits too.
    ok("1.234", DECIMAL, "1234", ambiguous=True),
    ok("1.000", DECIMAL, "1000", ambiguous=True),
    ok("1.234", DECIMAL, "1234", decimals=0),
    ok("1.234", PERCENT, "1.234", ambiguous=True, decimals=3),
    ok("1.234", PERCENT, "1234", ambiguous=True, decimals=3, maximum="2000"),
    ok("1.234", DECIMAL, "1.234", ambiguous=True, decimals=3, maximum="100"),
    # "a,bbb": a decimal comma is trusted; English thousands only when decimals cannot be.
    ok("1,234", DECIMAL, "1.234", decimals=3),
    ok("12,345", COUNT, "12345", ambiguous=True),
    ok("1,234", PERCENT, "1.234", decimals=3),
    ok("1,234", PERCENT, "1234", ambiguous=True, decimals=0, maximum="5000"),
    # English forms: accepted, always questioned.
    ok("12.5", DECIMAL, "12.5", ambiguous=True),
    ok("12.50", DECIMAL, "12.5", ambiguous=True),
    ok("95.5", PERCENT, "95.5", ambiguous=True),
    ok("95.5%", PERCENT, "95.5", ambiguous=True),
    ok("0.5", DECIMAL, "0.5", ambiguous=True),
    ok("0.123", DECIMAL, "0.123", ambiguous=True, decimals=3),
    ok("5.0", DECIMAL, "5", ambiguous=True),
    refused("5.0", COUNT, R.NOT_INTEGER),
    ok("1.000", COUNT, "1000"),
    ok("12,000", COUNT, "12000", ambiguous=True),
    ok("1,234,567", COUNT, "1234567", ambiguous=True),
    ok("1,234.5", DECIMAL, "1234.5", ambiguous=True),
    ok("1 234.5", DECIMAL, "1234.5", ambiguous=True),
    # Bounds.
    ok("5", COUNT, "5", minimum="5", maximum="5"),
    refused("4", COUNT, R.BELOW_MINIMUM, minimum="5"),
    refused("0", COUNT, R.BELOW_MINIMUM, minimum="1"),
    refused("1.001", COUNT, R.ABOVE_MAXIMUM, maximum="1000"),
    refused("1.234", COUNT, R.ABOVE_MAXIMUM, maximum="100"),
    ok("50", PERCENT, "50", minimum="50"),
    refused("49,99", PERCENT, R.BELOW_MINIMUM, minimum="50"),
    refused("100,01", PERCENT, R.ABOVE_MAXIMUM),
    refused("101", PERCENT, R.ABOVE_MAXIMUM),
    refused("100.5", PERCENT, R.ABOVE_MAXIMUM),
    ok("150", PERCENT, "150", maximum="200"),
    refused("1.234", PERCENT, R.ABOVE_MAXIMUM, decimals=0),
    # Empty and too long.
    refused("", COUNT, R.EMPTY),
    refused("   ", COUNT, R.EMPTY),
    refused("\u00a0\u3000", DECIMAL, R.EMPTY),
    refused("\u200b", DECIMAL, R.EMPTY),
    refused("1" * 30 + "1", COUNT, R.TOO_LONG),
    ok("1" * 30, COUNT, "1" * 30),
    ok(" " * 50 + "5" + " " * 50, COUNT, "5"),
    refused("5" * 5000, COUNT, R.TOO_LONG),
    # Not numbers.
    refused("abc", COUNT, R.NOT_A_NUMBER),
    refused("12a", COUNT, R.NOT_A_NUMBER),
    refused("1e3", COUNT, R.NOT_A_NUMBER),
    refused("1,5E+03", DECIMAL, R.NOT_A_NUMBER),
    refused("0x10", COUNT, R.NOT_A_NUMBER),
    refused("1_000", COUNT, R.NOT_A_NUMBER),
    refused("١٢٣", COUNT, R.NOT_A_NUMBER),
    refused("۱۲۳", COUNT, R.NOT_A_NUMBER),
    refused("😀", COUNT, R.NOT_A_NUMBER),
    refused("5😀", COUNT, R.NOT_A_NUMBER),
    refused(".", DECIMAL, R.NOT_A_NUMBER),
    refused("+", COUNT, R.NOT_A_NUMBER),
    refused("%", PERCENT, R.NOT_A_NUMBER),
    refused("--5", COUNT, R.NOT_A_NUMBER),
    refused("5%", COUNT, R.NOT_A_NUMBER),
    refused("5 hồ sơ", COUNT, R.NOT_A_NUMBER),
    refused("17/20", COUNT, R.NOT_A_NUMBER),
    refused("1\n234", COUNT, R.NOT_A_NUMBER),
    ok("không có", COUNT, "0"),
    ok("Không có", DECIMAL, "0"),
    # Negative.
    refused("-5", COUNT, R.NEGATIVE),
    refused("- 5", DECIMAL, R.NEGATIVE),
    refused("\u22125", DECIMAL, R.NEGATIVE),
    refused("-95,5%", PERCENT, R.NEGATIVE),
    refused("-abc", COUNT, R.NOT_A_NUMBER),
    # Not finite.
    refused("inf", DECIMAL, R.NOT_FINITE),
    refused("-Infinity", DECIMAL, R.NOT_FINITE),
    refused("NaN", DECIMAL, R.NOT_FINITE),
    refused("nan%", PERCENT, R.NOT_FINITE),
    refused("∞", COUNT, R.NOT_FINITE),
    refused("1e999", DECIMAL, R.NOT_FINITE),
    # Fractions where only integers go; too many decimals.
    refused("1,5", COUNT, R.NOT_INTEGER),
    refused("1.5", COUNT, R.NOT_INTEGER),
    refused("1.234,5", COUNT, R.NOT_INTEGER),
    refused("01.234", COUNT, R.NOT_INTEGER),  # a grouped head cannot start with 0
    refused("1.2345", COUNT, R.NOT_INTEGER),  # groups have exactly 3 digits
    refused("95,5", DECIMAL, R.NOT_INTEGER, decimals=0),
    refused("95,5", PERCENT, R.NOT_INTEGER, decimals=0),
    refused("95,555", PERCENT, R.TOO_MANY_DECIMALS),
    refused("1,234", DECIMAL, R.TOO_MANY_DECIMALS),
    refused("12,345", DECIMAL, R.TOO_MANY_DECIMALS),
    refused("0.123", DECIMAL, R.TOO_MANY_DECIMALS),
    refused("1.234", PERCENT, R.TOO_MANY_DECIMALS),
    refused("1,2345678", DECIMAL, R.TOO_MANY_DECIMALS, decimals=6),
    # Separators that fit neither convention.
    refused("1.23.4", DECIMAL, R.BAD_SEPARATORS),
    refused("1,234,5", DECIMAL, R.BAD_SEPARATORS),
    refused("1..2", DECIMAL, R.BAD_SEPARATORS),
    refused("1,,2", DECIMAL, R.BAD_SEPARATORS),
    refused("5.", DECIMAL, R.BAD_SEPARATORS),
    refused("5,", DECIMAL, R.BAD_SEPARATORS),
    refused(",5", DECIMAL, R.BAD_SEPARATORS),
    refused(".5", DECIMAL, R.BAD_SEPARATORS),
    refused("12 34", COUNT, R.BAD_SEPARATORS),
    refused("1 234.567,8", DECIMAL, R.BAD_SEPARATORS),
    refused("1.23,4", DECIMAL, R.BAD_SEPARATORS),
    refused("1 2345", COUNT, R.BAD_SEPARATORS),
    refused("1.234,5.6", DECIMAL, R.BAD_SEPARATORS),
    refused("1,234.567,8", DECIMAL, R.BAD_SEPARATORS),
]


@pytest.mark.parametrize(("text", "kind", "options", "expected", "ambiguous"), TABLE)
def test_parse_number_follows_the_reading_rules(
    text: str,
    kind: NumberKind,
    options: tuple[int, str | None, str | None],
    expected: Decimal | NumberErrorReason,
    ambiguous: bool | None,
) -> None:
    decimals, minimum, maximum = options
    low = None if minimum is None else Decimal(minimum)
    high = None if maximum is None else Decimal(maximum)
    if isinstance(expected, NumberErrorReason):
        with pytest.raises(NumberInputError) as caught:
            parse_number(text, kind, decimals=decimals, minimum=low, maximum=high)
        assert caught.value.reason is expected
        return
    parsed = parse_number(text, kind, decimals=decimals, minimum=low, maximum=high)
    assert parsed.value == expected
    assert parsed.ambiguous is ambiguous
    assert (parsed.interpretation is not None) is parsed.ambiguous


@pytest.mark.parametrize(
    ("text", "kind", "decimals", "interpretation"),
    [
        ("1.234", DECIMAL, 2, "một nghìn hai trăm ba mươi tư"),
        ("12,345", COUNT, 0, "mười hai nghìn ba trăm bốn mươi lăm"),
        ("12.5", DECIMAL, 2, "mười hai phẩy năm"),
        ("95.5%", PERCENT, 2, "chín mươi lăm phẩy năm phần trăm"),
        ("1.234", PERCENT, 3, "một phẩy hai ba bốn phần trăm"),
        ("1,234.5", DECIMAL, 1, "một nghìn hai trăm ba mươi tư phẩy năm"),
    ],
)
def test_ambiguous_input_is_spelled_out_in_words(
    text: str, kind: NumberKind, decimals: int, interpretation: str
) -> None:
    # The words only: the confirmation prompt shows the figure itself once, beside them.
    parsed = parse_number(text, kind, decimals=decimals)
    assert parsed.ambiguous
    assert parsed.interpretation == interpretation


def test_unambiguous_input_has_no_interpretation() -> None:
    assert parse_number("1.234", COUNT) == ParsedNumber(Decimal(1234))


def test_parsed_value_has_no_exponent_and_no_trailing_zeros() -> None:
    assert str(parse_number("1.200", COUNT).value) == "1200"
    assert str(parse_number("95,50", PERCENT).value) == "95.5"
    assert str(parse_number("0,00", DECIMAL).value) == "0"


@pytest.mark.parametrize(
    ("text", "kind", "options", "message"),
    [
        (
            "1,5",
            COUNT,
            {},
            "«1,5» có phần thập phân, nhưng câu này chỉ nhận số nguyên, ví dụ 1.234.",
        ),
        (
            "abc",
            DECIMAL,
            {"decimals": 1},
            "«abc» không phải là số. Vui lòng nhập một số, ví dụ 1.234,5.",
        ),
        ("abc", PERCENT, {}, "«abc» không phải là số. Vui lòng nhập một số, ví dụ 95,25 %."),
        ("12a", COUNT, {}, "«12a» có chữ «a». Vui lòng chỉ nhập chữ số, ví dụ 1.234."),
        ("12 cuộc", COUNT, {}, "«12 cuộc» có chữ «cuộc». Vui lòng chỉ nhập chữ số, ví dụ 1.234."),
        ("12#", COUNT, {}, "«12#» có ký tự «#». Vui lòng chỉ nhập chữ số, ví dụ 1.234."),
        (
            "5%",
            COUNT,
            {},
            "«5%» có dấu %, nhưng câu này không hỏi tỷ lệ phần trăm. "
            "Vui lòng chỉ nhập số, ví dụ 1.234.",
        ),
        ("-5", COUNT, {}, "«-5» là số âm. Vui lòng nhập số từ 0 trở lên, ví dụ 1.234."),
        ("", COUNT, {}, "Anh/chị chưa nhập số. Vui lòng nhập một số, ví dụ 1.234."),
        ("101", PERCENT, {}, "«101» vượt mức tối đa: số liệu không được lớn hơn 100 %."),
        (
            "0",
            COUNT,
            {"minimum": Decimal(1)},
            "«0» nhỏ hơn mức tối thiểu: số liệu phải từ 1 trở lên.",
        ),
        (
            "12.345,6",
            DECIMAL,
            {"maximum": Decimal(10000)},
            "«12.345,6» vượt mức tối đa: số liệu không được lớn hơn 10.000.",
        ),
        (
            "1,234",
            DECIMAL,
            {"decimals": 2},
            "«1,234» có quá nhiều chữ số sau dấu phẩy: tối đa 2 chữ số, ví dụ 1.234,56.",
        ),
        (
            "1..2",
            COUNT,
            {},
            "«1..2» có dấu phân cách chưa đúng: dùng dấu chấm để tách hàng nghìn và dấu phẩy "
            "trước phần thập phân, ví dụ 1.234.",
        ),
    ],
)
def test_errors_explain_themselves_in_vietnamese(
    text: str, kind: NumberKind, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(NumberInputError) as caught:
        parse_number(text, kind, **options)
    assert caught.value.message == message
    assert str(caught.value) == message


def test_every_reason_has_a_vietnamese_message() -> None:
    assert set(ERROR_MESSAGES) == set(NumberErrorReason)
    for message in ERROR_MESSAGES.values():
        assert any(char.isalpha() and not char.isascii() for char in message), message


def test_number_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="số nguyên"):
        parse_number("1,5", COUNT)


def test_negative_decimals_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="decimals"):
        parse_number("1", DECIMAL, decimals=-1)


@pytest.mark.parametrize(
    ("text", "numerator", "denominator"),
    [
        ("17/20", 17, 20),
        ("17 / 20", 17, 20),
        (" 17/ 20 ", 17, 20),
        ("17 trên 20", 17, 20),
        ("17 Trên 20", 17, 20),
        ("17 tren 20", 17, 20),
        (unicodedata.normalize("NFD", "17 trên 20"), 17, 20),
        ("１７／２０", 17, 20),
        ("25/20", 25, 20),
        ("0/0", 0, 0),
        ("không/5", 0, 5),
        ("1.234/2.000", 1234, 2000),
        ("1 234 / 2 000", 1234, 2000),
    ],
)
def test_parse_ratio_reads_numerator_and_denominator(
    text: str, numerator: int, denominator: int
) -> None:
    assert parse_ratio(text) == ParsedRatio(numerator, denominator)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", R.EMPTY),
        ("   ", R.EMPTY),
        ("1" * 30 + "/" + "1" * 30, R.TOO_LONG),
        ("17", R.RATIO_FORMAT),
        ("17/", R.RATIO_FORMAT),
        ("/20", R.RATIO_FORMAT),
        ("17/20/30", R.RATIO_FORMAT),
        ("17 trên", R.RATIO_FORMAT),
        ("abc/20", R.RATIO_FORMAT),
        ("85%", R.RATIO_FORMAT),
        ("17/20%", R.RATIO_FORMAT),
        ("1..2/3", R.RATIO_FORMAT),
        ("inf/3", R.RATIO_FORMAT),
        ("12,345/20", R.RATIO_FORMAT),
        ("-1/20", R.NEGATIVE),
        ("17/-20", R.NEGATIVE),
        ("1,5/20", R.NOT_INTEGER),
        ("17/20,5", R.NOT_INTEGER),
    ],
)
def test_parse_ratio_refuses_malformed_ratios(text: str, reason: NumberErrorReason) -> None:
    with pytest.raises(NumberInputError) as caught:
        parse_ratio(text)
    assert caught.value.reason is reason
    assert caught.value.message


def test_parse_ratio_checks_the_maximum_denominator() -> None:
    assert parse_ratio("17/1000", maximum_denominator=1000) == ParsedRatio(17, 1000)
    with pytest.raises(NumberInputError) as caught:
        parse_ratio("17/1001", maximum_denominator=1000)
    assert caught.value.reason is R.ABOVE_MAXIMUM
    assert caught.value.message == "Mẫu số không được lớn hơn 1.000."


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0, 0, "0"),
        (5, 0, "5"),
        (999, 0, "999"),
        (1234, 0, "1.234"),
        (1234567, 0, "1.234.567"),
        (Decimal("1234.5"), 1, "1.234,5"),
        (Decimal("1234.5"), 0, "1.235"),
        (Decimal("95.5"), 2, "95,5"),
        (Decimal("95.50"), 2, "95,5"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("-1234.5"), 1, "-1.234,5"),
        (Decimal("-0.001"), 2, "0"),
        (Decimal("1E+3"), 0, "1.000"),
        (0.1, 2, "0,1"),
        (95.5, 1, "95,5"),
        # Integral 1.000-999.999 stays ungrouped when decimals are allowed: "1.234" reads two ways.
        (1234, 2, "1234"),
        (999999, 1, "999999"),
        (Decimal("1234.00"), 2, "1234"),
        (1000000, 2, "1.000.000"),
        (Decimal("1234.56"), 2, "1.234,56"),
    ],
)
def test_format_number_writes_vietnamese_figures(
    value: Decimal | int | float, decimals: int, text: str
) -> None:
    assert format_number(value, decimals) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Inf")])
def test_format_number_refuses_non_finite_values(value: Decimal | float) -> None:
    with pytest.raises(ValueError, match="cannot format"):
        format_number(value)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (100, 2, "100 %"),
        (Decimal("95.5"), 2, "95,5 %"),
        (Decimal("95.50"), 2, "95,5 %"),
        (Decimal("33.333"), 2, "33,33 %"),
        (Decimal("66.665"), 2, "66,67 %"),
        (Decimal("99.5"), 0, "100 %"),
        (0, 2, "0 %"),
    ],
)
def test_format_percent_drops_trailing_zeros(
    value: Decimal | int, decimals: int, text: str
) -> None:
    assert format_percent(value, decimals) == text


@pytest.mark.parametrize(
    ("numerator", "denominator", "decimals", "expected"),
    [
        (17, 20, 2, Decimal("85")),
        (1, 3, 2, Decimal("33.33")),
        (2, 3, 2, Decimal("66.67")),
        (2, 3, 0, Decimal("67")),
        (1, 8, 1, Decimal("12.5")),
        (1, 16, 1, Decimal("6.3")),
        (0, 20, 2, Decimal("0")),
        (20, 20, 2, Decimal("100")),
        (25, 20, 2, Decimal("125")),
        (Decimal("1.5"), Decimal("3"), 2, Decimal("50")),
    ],
)
def test_percent_of_rounds_half_up(
    numerator: Decimal | int, denominator: Decimal | int, decimals: int, expected: Decimal
) -> None:
    assert percent_of(numerator, denominator, decimals) == expected


def test_percent_of_keeps_the_requested_decimals() -> None:
    assert str(percent_of(17, 20)) == "85.00"
    assert str(percent_of(17, 20, 0)) == "85"


@pytest.mark.parametrize("numerator", [0, 5])
def test_percent_of_a_zero_denominator_is_not_zero_percent(numerator: int) -> None:
    assert percent_of(numerator, 0) is None


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (100, "một trăm"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (1050, "một nghìn không trăm năm mươi"),
        (1234, "một nghìn hai trăm ba mươi tư"),
        (12345, "mười hai nghìn ba trăm bốn mươi lăm"),
        (1_000_005, "một triệu không trăm linh năm"),
        (2_500_000, "hai triệu năm trăm nghìn"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (1_005_000_000, "một tỷ không trăm linh năm triệu"),
        (10**12, "một nghìn tỷ"),
        (Decimal("95.5"), "chín mươi lăm phẩy năm"),
        (Decimal("12.05"), "mười hai phẩy không năm"),
        (Decimal("1.2340"), "một phẩy hai ba bốn"),
        (Decimal("-3"), "âm ba"),
    ],
)
def test_number_in_words_reads_like_a_vietnamese_speaker(value: Decimal | int, words: str) -> None:
    assert number_in_words(value) == words


# Properties.

T = TypeVar("T")


def attempt(call: Callable[[], T]) -> T | NumberInputError:
    """The result of a call, or the NumberInputError it raised (any other error propagates)."""
    try:
        return call()
    except NumberInputError as error:
        return error


KINDS = st.sampled_from(list(NumberKind))
DECIMALS = st.integers(min_value=0, max_value=6)
NUMBERISH = st.text(
    alphabet=st.sampled_from(list("0123456789.,  %+-eE/ \u00a0１，．％khôngtrên∞")),
    max_size=40,
)
ANY_CHARACTER = st.characters(exclude_categories=())  # includes surrogates and controls


@settings(max_examples=500)
@given(
    text=st.one_of(st.text(), st.text(ANY_CHARACTER), NUMBERISH),
    kind=KINDS,
    decimals=DECIMALS,
    maximum=st.none() | st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_parse_number_only_ever_raises_number_input_error(
    text: str, kind: NumberKind, decimals: int, maximum: Decimal | None
) -> None:
    parsed = attempt(lambda: parse_number(text, kind, decimals=decimals, maximum=maximum))
    if isinstance(parsed, NumberInputError):
        assert parsed.message
        return
    assert parsed.value >= 0
    assert (parsed.interpretation is not None) is parsed.ambiguous


@pytest.mark.parametrize(
    "text",
    [
        "1" * 1_000_000,
        " " * 1_000_000 + "5",
        "\x00" * 10_000,
        "\u200b" * 10_000 + "5",
        "\ud800",
        "5\udfff",
        "\x7f\x1b[31m5",
    ],
)
def test_parse_number_survives_hostile_text(text: str) -> None:
    for kind in NumberKind:
        outcome = attempt(functools.partial(parse_number, text, kind))
        assert isinstance(outcome, ParsedNumber | NumberInputError)


@given(value=st.integers(min_value=0, max_value=10**18))
def test_formatted_counts_parse_back_unambiguously(value: int) -> None:
    parsed = parse_number(format_number(value), COUNT, decimals=0)
    assert parsed == ParsedNumber(Decimal(value))


@st.composite
def decimal_figures(draw: st.DrawFn, maximum: int) -> tuple[Decimal, int]:
    """A non-negative Decimal with at most `decimals` places, and that `decimals`."""
    decimals = draw(DECIMALS)
    value = draw(st.decimals(min_value=0, max_value=maximum, places=decimals))
    return value, decimals


@given(figure=decimal_figures(maximum=10**12))
def test_formatted_decimals_parse_back_unambiguously(figure: tuple[Decimal, int]) -> None:
    value, decimals = figure
    parsed = parse_number(format_number(value, decimals), DECIMAL, decimals=decimals)
    assert parsed.value == value
    assert not parsed.ambiguous


@given(figure=decimal_figures(maximum=100))
def test_formatted_percentages_parse_back_unambiguously(figure: tuple[Decimal, int]) -> None:
    value, decimals = figure
    parsed = parse_number(format_percent(value, decimals), PERCENT, decimals=decimals)
    assert parsed.value == value
    assert not parsed.ambiguous


@given(
    value=st.decimals(min_value=0, max_value=10**9, allow_nan=False, allow_infinity=False),
    decimals=DECIMALS,
)
def test_formatting_rounds_half_up_to_a_parsable_figure(value: Decimal, decimals: int) -> None:
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    parsed = parse_number(format_number(value, decimals), DECIMAL, decimals=decimals)
    assert parsed.value == rounded


@settings(max_examples=300)
@given(
    text=st.one_of(st.text(), st.text(ANY_CHARACTER), NUMBERISH),
    maximum=st.none() | st.integers(min_value=0, max_value=10**6),
)
def test_parse_ratio_only_ever_raises_number_input_error(text: str, maximum: int | None) -> None:
    ratio = attempt(lambda: parse_ratio(text, maximum_denominator=maximum))
    if isinstance(ratio, NumberInputError):
        assert ratio.message
        return
    assert ratio.numerator >= 0
    assert ratio.denominator >= 0


@given(
    numerator=st.integers(min_value=0, max_value=10**12),
    denominator=st.integers(min_value=0, max_value=10**12),
    separator=st.sampled_from(["/", " / ", " trên "]),
)
def test_formatted_ratios_parse_back(numerator: int, denominator: int, separator: str) -> None:
    text = f"{format_number(numerator)}{separator}{format_number(denominator)}"
    assert parse_ratio(text) == ParsedRatio(numerator, denominator)


@given(
    numerator=st.integers(min_value=0, max_value=10**9),
    extra=st.integers(min_value=0, max_value=10**9),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_percent_of_a_part_lies_between_0_and_100(
    numerator: int, extra: int, decimals: int
) -> None:
    denominator = numerator + extra
    percent = percent_of(numerator, denominator, decimals)
    if denominator == 0:
        assert percent is None
        return
    assert percent is not None
    assert Decimal(0) <= percent <= Decimal(100)
    exact = Fraction(numerator * 100, denominator)
    assert abs(Fraction(percent) - exact) <= Fraction(1, 2 * 10**decimals)
    assert (percent == 100) is (extra == 0 or exact >= 100 - Fraction(1, 2 * 10**decimals))


@given(
    first=st.integers(min_value=0, max_value=10**6),
    second=st.integers(min_value=0, max_value=10**6),
    denominator=st.integers(min_value=1, max_value=10**6),
)
def test_percent_of_grows_with_the_numerator(first: int, second: int, denominator: int) -> None:
    low, high = sorted((first, second))
    low_percent = percent_of(low, denominator)
    high_percent = percent_of(high, denominator)
    assert low_percent is not None
    assert high_percent is not None
    assert low_percent <= high_percent


@given(value=st.integers(min_value=0, max_value=10**30))
def test_number_in_words_is_always_well_formed(value: int) -> None:
    words = number_in_words(value)
    assert words
    assert "  " not in words
    assert words == words.strip()
    assert (words == "không") is (value == 0)


# A figure followed by the question's unit; money units that take decimals.

BUNDLED_UNITS = ["hồ sơ", "cuộc", "văn bản", "người", "lượt người", "TTHC", "phản ánh, kiến nghị"]


def without_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("3 cuộc", "cuộc", 3),
        ("12 hồ sơ", "hồ sơ", 12),
        ("12 Hồ Sơ", "hồ sơ", 12),
        ("12 ho so", "hồ sơ", 12),
        ("1.234 hồ sơ", "hồ sơ", 1234),
        ("1 234 hồ sơ", "hồ sơ", 1234),
        (unicodedata.normalize("NFD", "7 người"), "người", 7),
        ("5 TTHC", "TTHC", 5),
    ],
)
def test_a_figure_may_be_followed_by_the_questions_unit(text: str, unit: str, value: int) -> None:
    assert parse_number(text, COUNT, decimals=0, unit=unit) == ParsedNumber(Decimal(value))


@pytest.mark.parametrize(
    ("text", "unit", "letters"),
    [
        ("12 cuộc", "hồ sơ", "cuộc"),  # another unit is still refused, and named
        ("hồ sơ", "hồ sơ", None),  # a unit alone is no figure
        ("12 hồ", "hồ sơ", "hồ"),
        ("12hồ sơ", "hồ sơ", "hồ"),
    ],
)
def test_only_the_questions_own_unit_is_taken_off(
    text: str, unit: str, letters: str | None
) -> None:
    with pytest.raises(NumberInputError) as caught:
        parse_number(text, COUNT, decimals=0, unit=unit)
    assert caught.value.reason is R.NOT_A_NUMBER
    assert f"«{text}»" in caught.value.message
    if letters is not None:
        assert f"có chữ «{letters}»" in caught.value.message


def test_ratio_sides_may_carry_their_units() -> None:
    units = ("hồ sơ", "hồ sơ")
    assert parse_ratio("17 hồ sơ/20 hồ sơ", units=units) == ParsedRatio(17, 20)
    assert parse_ratio("17/20 hồ sơ", units=units) == ParsedRatio(17, 20)
    assert parse_ratio("17 trên 20 ho so", units=units) == ParsedRatio(17, 20)


@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        (
            "17a/20",
            R.RATIO_FORMAT,
            "Tử số «17a» có chữ «a». Vui lòng chỉ nhập chữ số, ví dụ 17/20.",
        ),
        (
            "17/2o",
            R.RATIO_FORMAT,
            "Mẫu số «2o» có chữ «o». Vui lòng chỉ nhập chữ số, ví dụ 17/20.",
        ),
        (
            "1,5/20",
            R.NOT_INTEGER,
            "Tử số «1,5» có phần thập phân, nhưng câu này chỉ nhận số nguyên, ví dụ 17/20.",
        ),
        ("-1/20", R.NEGATIVE, "Tử số «-1» là số âm. Vui lòng nhập số từ 0 trở lên, ví dụ 17/20."),
        ("17/", R.RATIO_FORMAT, "«17/» chưa đúng dạng tử số/mẫu số, ví dụ 17/20."),
        ("17/20/30", R.RATIO_FORMAT, "«17/20/30» chưa đúng dạng tử số/mẫu số, ví dụ 17/20."),
    ],
)
def test_ratio_errors_name_the_side_and_give_one_example(
    text: str, reason: NumberErrorReason, message: str
) -> None:
    with pytest.raises(NumberInputError) as caught:
        parse_ratio(text)
    assert caught.value.reason is reason
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("unit", "decimals"),
    [
        ("triệu đồng", 3),
        ("Triệu đồng", 3),
        ("tỷ đồng", 3),
        ("nghìn đồng", 3),
        (unicodedata.normalize("NFD", "triệu đồng"), 3),
        ("đồng", None),
        ("hồ sơ", None),
        (None, None),
    ],
)
def test_money_in_thousands_of_dong_or_more_takes_decimals(
    unit: str | None, decimals: int | None
) -> None:
    assert decimals_for_unit(unit) == decimals


@settings(max_examples=200)
@given(
    value=st.integers(min_value=0, max_value=10**9),
    unit=st.sampled_from(BUNDLED_UNITS),
    plain=st.booleans(),
    upper=st.booleans(),
)
def test_a_figure_with_its_unit_reads_as_the_figure(
    value: int, unit: str, plain: bool, upper: bool
) -> None:
    typed_unit = without_diacritics(unit) if plain else unit
    typed_unit = typed_unit.upper() if upper else typed_unit
    text = f"{format_number(value)} {typed_unit}"
    assert parse_number(text, COUNT, decimals=0, unit=unit) == parse_number(
        format_number(value), COUNT, decimals=0
    )


_QUOTED = re.compile(r"«[^»]*»")


def assert_well_worded(message: str) -> None:
    """One sentence set: no placeholder left, one example at most, no doubled punctuation."""
    outside = _QUOTED.sub("«»", message)  # what the person typed may hold anything
    assert "{" not in outside, message
    assert "}" not in outside, message
    assert outside.lower().count("ví dụ") <= 1, message
    assert not re.search(r"[.,:;]\s*[.,:;]", outside), message
    assert "  " not in outside, message
    assert outside.endswith("."), message
    assert outside[0].isupper() or outside[0] == "«", message


TYPED = st.text(alphabet=st.sampled_from(list("0123456789.,  %-+/abđếx#😀")), max_size=25)


@settings(max_examples=300)
@given(text=TYPED, kind=KINDS, decimals=DECIMALS)
def test_number_errors_are_well_worded_and_quote_what_was_typed(
    text: str, kind: NumberKind, decimals: int
) -> None:
    outcome = attempt(lambda: parse_number(text, kind, decimals=decimals, unit="hồ sơ"))
    if isinstance(outcome, NumberInputError):
        assert_well_worded(outcome.message)
        if outcome.reason not in (R.EMPTY, R.TOO_LONG, R.NOT_FINITE):
            assert f"«{' '.join(text.split())}»" in outcome.message


@settings(max_examples=300)
@given(text=TYPED)
def test_ratio_errors_are_well_worded(text: str) -> None:
    outcome = attempt(lambda: parse_ratio(text, maximum_denominator=1000))
    if isinstance(outcome, NumberInputError):
        assert_well_worded(outcome.message)


@settings(max_examples=200)
@given(
    number=st.integers(min_value=0, max_value=10**6),
    letters=st.text(alphabet=st.sampled_from(list("abcđếơxyz")), min_size=1, max_size=5),
)
def test_letters_after_a_number_are_named(number: int, letters: str) -> None:
    text = f"{number}{letters}"
    with pytest.raises(NumberInputError) as caught:
        parse_number(text, COUNT, decimals=0)
    assert caught.value.message.startswith(f"«{text}» có chữ «{letters}».")
