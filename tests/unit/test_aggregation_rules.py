"""Per-indicator aggregation rules: sum, ratio, mean, min, max, count and none."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.aggregation import NOT_ARISEN, Figure, tally
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import AggregateRule, Indicator
from cchc_bot.ops.settings import bundled_config_dir

D = Decimal


def indicator(kind: str, **fields: Any) -> Indicator:
    """A test indicator of a type, with extra fields."""
    extra: dict[str, Any] = {}
    if kind == "ratio":
        extra = {"numerator": {"label": "Tử"}, "denominator": {"label": "Mẫu"}}
    if kind == "choice":
        extra = {"options": ["Chưa", "Đang", "Xong"]}
    return Indicator.model_validate(
        {"id": "x", "label": "Chỉ tiêu", "type": kind, **extra, **fields}
    )


@pytest.mark.parametrize(
    ("kind", "fields", "rule"),
    [
        ("integer", {}, AggregateRule.SUM),
        ("decimal", {}, AggregateRule.SUM),
        ("decimal", {"unit": "điểm"}, AggregateRule.NONE),
        ("integer", {"unit": " Điểm "}, AggregateRule.NONE),
        ("percent", {}, AggregateRule.MEAN),
        ("ratio", {}, AggregateRule.RATIO),
        ("boolean", {}, AggregateRule.COUNT),
        ("choice", {}, AggregateRule.COUNT),
        ("text", {}, AggregateRule.NONE),
        ("decimal", {"unit": "điểm", "aggregate": "mean"}, AggregateRule.MEAN),
    ],
)
def test_default_rule_follows_the_type(kind: str, fields: dict[str, Any], rule: str) -> None:
    assert indicator(kind, **fields).aggregate_rule is rule


def test_par_index_self_scores_are_averaged_not_summed() -> None:
    # Hand-computed: (85,5 + 90 + 78,25) / 3 = 253,75 / 3 = 84,583333...
    score = indicator("decimal", unit="điểm", aggregate="mean")
    figures = [Figure.number("85.5"), Figure.number("90"), Figure.number("78.25")]
    result = tally(score, figures, expected=3)
    assert result.value is not None
    assert round(result.value, 2) == D("84.58")
    assert abs(result.value - D("84.583333333")) < D("1e-9")
    assert (result.minimum, result.maximum) == (D("78.25"), D("90"))
    assert result.value == result.mean


def test_mean_skips_blanks_and_not_arisen() -> None:
    # Only 80 and 90 answered: (80 + 90) / 2 = 85, not (80 + 90) / 4.
    score = indicator("decimal", unit="điểm", aggregate="mean", not_applicable=True)
    figures = [Figure.number(80), None, NOT_ARISEN, Figure.number(90), Figure(skipped=True)]
    result = tally(score, figures, expected=5)
    assert (result.value, result.reported, result.not_applicable) == (D(85), 3, 1)
    assert result.contributing == 2


@pytest.mark.parametrize(("rule", "value"), [("min", D(3)), ("max", D(12)), ("sum", D(22))])
def test_min_max_and_sum_of_counts(rule: str, value: Decimal) -> None:
    # 7 + 3 + 12 = 22; lowest 3, highest 12, mean 22 / 3.
    count = indicator("integer", aggregate=rule)
    result = tally(count, [Figure.number(7), Figure.number(3), Figure.number(12)], expected=3)
    assert result.value == value
    assert (result.minimum, result.maximum) == (D(3), D(12))
    assert result.mean == D(22) / 3


def test_score_without_rule_has_no_district_figure() -> None:
    score = indicator("decimal", unit="điểm")
    result = tally(score, [Figure.number(90), Figure.number(80)], expected=2)
    assert (result.value, result.mean, result.reported) == (None, None, 2)


def test_booleans_count_the_yes_answers_and_choices_each_option() -> None:
    yes_no = tally(
        indicator("boolean"),
        [Figure.yes_no(True), Figure.yes_no(False), Figure.yes_no(True), None],
        expected=4,
    )
    assert (yes_no.value, yes_no.answers) == (D(2), (("Có", 2), ("Không", 1)))
    choice = tally(
        indicator("choice"),
        [Figure.answer("Xong"), Figure.answer("Chưa"), Figure.answer("Xong")],
        expected=3,
    )
    assert choice.answers == (("Chưa", 1), ("Đang", 0), ("Xong", 2))


def test_bundled_par_index_is_a_mean() -> None:
    questionnaire = load_configuration(bundled_config_dir()).questionnaire
    assert questionnaire.by_id()["cddh_07"].aggregate_rule is AggregateRule.MEAN


amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False)
counts = st.integers(min_value=0, max_value=10_000)


@given(st.lists(amounts, min_size=1, max_size=30))
def test_mean_lies_between_min_and_max(values: list[Decimal]) -> None:
    result = tally(
        indicator("decimal", aggregate="mean"), [Figure.number(v) for v in values], expected=30
    )
    assert result.minimum is not None
    assert result.maximum is not None
    assert result.value is not None
    assert result.minimum <= result.value <= result.maximum
    assert result.minimum == min(values)
    assert result.maximum == max(values)


@given(st.lists(counts, max_size=30), st.lists(counts, max_size=30))
def test_sum_of_a_partition_is_the_sum_of_its_parts(left: list[int], right: list[int]) -> None:
    count = indicator("integer")

    def total(values: list[int]) -> Decimal:
        result = tally(count, [Figure.number(v) for v in values], expected=len(values))
        return result.value if result.value is not None else D(0)

    assert total(left + right) == total(left) + total(right) == sum(left + right)


@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=30))
def test_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators(
    pairs: list[tuple[int, int]],
) -> None:
    fixed = [(min(n, d), d) for n, d in pairs]  # a numerator never exceeds its denominator
    result = tally(indicator("ratio"), [Figure.ratio(n, d) for n, d in fixed], expected=len(fixed))
    numerator = sum(n for n, d in fixed if d)
    denominator = sum(d for _, d in fixed)
    if denominator == 0:
        assert result.value is None
        assert result.not_arisen
        return
    assert (result.numerator, result.denominator) == (D(numerator), D(denominator))
    assert result.exact is not None
    assert result.exact * denominator == numerator * 100
