"""A failed check written out with the person's figures: sides, operator, computed sums."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.number_format import format_number
from cchc_bot.rule_arithmetic import Side, arithmetic_of
from cchc_bot.rules import Reference


def plain(reference: Reference | None, value: Decimal) -> str:
    return format_number(value)


def test_a_sum_against_one_figure() -> None:
    values = {
        Reference("on_time", "numerator"): Decimal(1150),
        Reference("late"): Decimal(40),
        Reference("solved"): Decimal(1200),
    }
    written = arithmetic_of("on_time.numerator + late == solved", values, plain)
    assert written is not None
    assert written.left == Side("1.150 + 40", "1.190", None)
    assert written.op == "=="
    assert written.right == Side("", "1.200", Reference("solved"))


def test_nested_terms_keep_their_brackets() -> None:
    values = {Reference(name): Decimal(n) for name, n in (("a", 5), ("b", 3), ("c", 2))}
    written = arithmetic_of("a - (b - c) <= 1", values, plain)
    assert written is not None
    assert written.left == Side("5 - (3 - 2)", "4", None)
    assert written.right == Side("1", "1", None)


def test_rules_that_are_not_one_comparison_are_not_written_out() -> None:
    values = {Reference("a"): Decimal(1), Reference("b"): Decimal(2)}
    assert arithmetic_of("a < b and b < 3", values, plain) is None
    assert arithmetic_of("a < b < 3", values, plain) is None
    assert arithmetic_of("a < missing", values, plain) is None
    assert arithmetic_of("a / (b - 2) == 1", values, plain) is None


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=2, max_size=5))
def test_the_left_sum_is_the_sum_of_its_terms(terms: list[int]) -> None:
    names = [f"x{index}" for index in range(len(terms))]
    values = {Reference(name): Decimal(term) for name, term in zip(names, terms, strict=True)}
    values[Reference("total")] = Decimal(0)
    written = arithmetic_of(" + ".join(names) + " == total", values, plain)
    assert written is not None
    assert written.left.expression == " + ".join(format_number(term) for term in terms)
    assert written.left.value == format_number(sum(terms))
