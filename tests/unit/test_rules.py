"""Tests of the cross-field check rule language (`cchc_bot.rules`)."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.rules import (
    MAX_RULE_LENGTH,
    Reference,
    RuleEvaluationError,
    RuleSyntaxError,
    parse_rule,
)

A = Reference("a")
B = Reference("b")
C = Reference("c")
TTHC_03 = Reference("tthc_03")
TTHC_04_NUM = Reference("tthc_04", "numerator")
TTHC_05 = Reference("tthc_05")


@pytest.mark.parametrize(
    ("text", "references"),
    [
        ("tcbm_02 <= tcbm_01", {Reference("tcbm_02"), Reference("tcbm_01")}),
        ("tthc_04.numerator + tthc_05 == tthc_03", {TTHC_04_NUM, TTHC_05, TTHC_03}),
        (
            "cqs_04.denominator <= tthc_02",
            {Reference("cqs_04", "denominator"), Reference("tthc_02")},
        ),
        ("0 <= a <= 100", {A}),
        ("-a * 2 + (b - 1) / 3 != 0.5", {A, B}),
        ("a < b and b < c or c == 0", {A, B, C}),
        ("  a >= 1  ", {A}),
        (
            "a.numerator <= a.denominator",
            {Reference("a", "numerator"), Reference("a", "denominator")},
        ),
    ],
)
def test_parse_rule_collects_references(text: str, references: set[Reference]) -> None:
    rule = parse_rule(text)
    assert rule.references == frozenset(references)
    assert rule.text == text.strip()


def test_rule_exposes_indicator_ids() -> None:
    rule = parse_rule("tthc_04.numerator + tthc_05 == tthc_03")
    assert rule.indicator_ids == frozenset({"tthc_04", "tthc_05", "tthc_03"})


def test_reference_renders_as_written() -> None:
    assert str(TTHC_04_NUM) == "tthc_04.numerator"
    assert str(TTHC_05) == "tthc_05"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("tthc_01", "must compare"),
        ("tthc_01 + 1", "must compare"),
        ("a <", "not a valid expression"),
        ("a < b ; c", "not a valid expression"),
        ("a ** 2 < 1", "unsupported operator"),
        ("a % 2 == 0", "unsupported operator"),
        ("a // 2 == 0", "unsupported operator"),
        ("a in b", "unsupported comparison"),
        ("a is b", "unsupported comparison"),
        ("not a < b", "'not' is not supported"),
        ("a.value < 1", "unknown part"),
        ("a.b.numerator < 1", "only an indicator id"),
        ("abs(a) < 1", "is not allowed"),
        ("__import__('os').system('x') == 0", "is not allowed"),
        ("a[0] < 1", "is not allowed"),
        ("'x' < a", "only numbers"),
        ("True == a", "only numbers"),
        ("None == a", "only numbers"),
        ("1j == a", "only numbers"),
        ("1e999 < a", "too large"),
        ("A < 1", "not an indicator id"),
        ("_a < 1", "not an indicator id"),
        ("(a < b) + 1 < 2", "cannot be used inside a calculation"),
        ("a < 1 if b else 2", "must compare"),
        ("lambda: a < 1", "must compare"),
        ("a < b and c", "must compare"),
        ("a\x00 < 1", "not a valid expression"),
        ("a < " + "1 + " * 200 + "1", "longer than"),
    ],
)
def test_parse_rule_refuses_everything_outside_the_language(text: str, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError, match=None) as info:
        parse_rule(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        (
            "tthc_04.numerator + tthc_05 == tthc_03",
            {TTHC_04_NUM: 17, TTHC_05: 3, TTHC_03: 20},
            True,
        ),
        (
            "tthc_04.numerator + tthc_05 == tthc_03",
            {TTHC_04_NUM: 17, TTHC_05: 2, TTHC_03: 20},
            False,
        ),
        (
            "tthc_04.numerator + tthc_05 == tthc_03",
            {TTHC_04_NUM: 17, TTHC_05: None, TTHC_03: 20},
            None,
        ),
        ("tthc_04.numerator + tthc_05 == tthc_03", {TTHC_04_NUM: 17, TTHC_03: 20}, None),
        ("a <= b", {A: 5, B: 5}, True),
        ("a < b", {A: 5, B: 5}, False),
        ("a > b", {A: 6, B: 5}, True),
        ("a >= b", {A: 4, B: 5}, False),
        ("a != b", {A: 4, B: 5}, True),
        ("0 <= a <= 100", {A: 100}, True),
        ("0 <= a <= 100", {A: 100.5}, False),
        ("0 <= a <= 100", {A: -0.5}, False),
        ("-a == -5", {A: 5}, True),
        ("a + b == 0.3", {A: 0.1, B: 0.2}, True),  # exact decimals, not binary floats
        ("a * 3 == 2", {A: 2 / 3}, False),  # float 2/3 is not exactly two thirds...
        ("a / 3 * 3 == a", {A: 2}, True),  # ...but a quotient is compared with a tolerance
        ("a / b > 0.5", {A: 1, B: 0}, None),  # division by zero is not decidable
        ("a < b", {A: Decimal("1.5"), B: 2}, True),
        ("a == 1", {A: True}, True),
        # three-valued logic: a missing figure only matters when it decides the outcome
        ("a < 1 and b < 1", {A: 5, B: None}, False),
        ("a < 1 and b < 1", {A: 0, B: None}, None),
        ("a < 1 or b < 1", {A: 0, B: None}, True),
        ("a < 1 or b < 1", {A: 5, B: None}, None),
        ("a < 1 or b < 1", {A: 5, B: 5}, False),
        ("a < b < c", {A: 5, B: None, C: 1}, None),
        ("a < b < c", {A: 5, B: 4, C: None}, False),
        ("1 < 2", {}, True),
    ],
)
def test_evaluate_rule(
    text: str, values: dict[Reference, float | None], expected: bool | None
) -> None:
    assert parse_rule(text).evaluate(values) is expected


def test_huge_counts_are_compared_exactly() -> None:
    rule = parse_rule("a + 1 == b")
    assert rule.evaluate({A: 10**30, B: 10**30 + 1}) is True
    assert rule.evaluate({A: 10**30, B: 10**30}) is False


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), Decimal("NaN")])
def test_evaluate_refuses_non_finite_values(bad: float) -> None:
    with pytest.raises(RuleEvaluationError, match="finite"):
        parse_rule("a <= 1").evaluate({A: bad})


def test_evaluate_refuses_non_numbers() -> None:
    values: dict[Reference, object] = {A: "12"}
    with pytest.raises(RuleEvaluationError, match="not a number"):
        parse_rule("a <= 1").evaluate(values)  # type: ignore[arg-type]


def test_deeply_nested_rule_within_the_length_limit_parses() -> None:
    rule = parse_rule("-" * 400 + "a < 1")
    assert rule.evaluate({A: 5}) is False


IDS = ["a", "b", "tthc_04", "x_1"]
PARTS = ["", ".numerator", ".denominator"]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(repr),
)
OPERANDS = st.one_of(
    NUMBERS,
    st.builds(lambda ident, part: ident + part, st.sampled_from(IDS), st.sampled_from(PARTS)),
)
EXPRESSIONS = st.recursive(
    OPERANDS,
    lambda inner: st.one_of(
        st.builds("({} {} {})".format, inner, st.sampled_from("+-*/"), inner),
        st.builds("-{}".format, inner),
    ),
    max_leaves=8,
)
COMPARISONS = st.builds(
    "{} {} {}".format,
    EXPRESSIONS,
    st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    EXPRESSIONS,
)
# Rules an operator could write: parse_rule refuses anything over MAX_RULE_LENGTH characters.
RULES = st.recursive(
    COMPARISONS,
    lambda inner: st.builds("({} {} {})".format, inner, st.sampled_from(["and", "or"]), inner),
    max_leaves=4,
).filter(lambda text: len(text) <= MAX_RULE_LENGTH)
VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),  # NaN and infinities included
    st.decimals(),
    st.booleans(),
)
REFERENCES = st.builds(
    Reference,
    st.sampled_from(IDS),
    st.sampled_from(["value", "numerator", "denominator"]),
)


@settings(max_examples=300, deadline=None)
@given(text=RULES, values=st.dictionaries(REFERENCES, VALUES, max_size=12))
def test_evaluate_only_raises_its_own_error(
    text: str, values: dict[Reference, float | None]
) -> None:
    rule = parse_rule(text)
    try:
        outcome = rule.evaluate(values)
    except RuleEvaluationError:
        return
    assert outcome in (True, False, None)


@settings(max_examples=300, deadline=None)
@given(text=RULES, values=st.dictionaries(REFERENCES, st.integers(0, 10**6), max_size=12))
def test_evaluate_is_decided_when_every_figure_is_given(
    text: str, values: dict[Reference, float | None]
) -> None:
    rule = parse_rule(text)
    complete = {ref: values.get(ref, 1) for ref in rule.references}
    outcome = rule.evaluate(complete)
    assert outcome in (True, False) or "/" in text  # only a zero divisor leaves it open


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=80))
def test_parse_rule_only_raises_its_own_error(text: str) -> None:
    with contextlib.suppress(RuleSyntaxError):
        parse_rule(text)
