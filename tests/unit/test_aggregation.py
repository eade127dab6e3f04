"""District totals: ratio of sums, "không phát sinh", answers, targets, previous period."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.aggregation import (
    NOT_ARISEN,
    ExportData,
    Figure,
    IndicatorTotal,
    UnitReport,
    aggregate,
    tally,
)
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import AggregateRule, Questionnaire
from cchc_bot.number_format import percent_of
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code
from cchc_bot.periods import ReportingPeriod

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = Decimal
GENERATED = dt.datetime(2024, 3, 12, 9, 0, tzinfo=TZ)

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "test",
        "sections": [
            {
                "code": "SO",
                "title": "1. Số liệu",
                "indicators": [
                    {"id": "cnt", "label": "Số văn bản", "type": "integer", "unit": "văn bản",
                     "target": {"op": ">=", "value": 10}},
                    {"id": "dec", "label": "Kinh phí", "type": "decimal", "decimals": 2},
                    {"id": "pct", "label": "Mức độ hoàn thành", "type": "percent",
                     "target": {"op": ">=", "value": 90}},
                    {"id": "rat", "label": "Tỷ lệ hồ sơ đúng hạn", "type": "ratio",
                     "numerator": {"label": "Số hồ sơ đúng hạn"},
                     "denominator": {"label": "Số hồ sơ đã giải quyết"},
                     "target": {"op": ">=", "value": 100}},
                    {"id": "rat_y", "label": "Tỷ lệ nhiệm vụ hoàn thành", "type": "ratio",
                     "numerator": {"label": "Đã xong"}, "denominator": {"label": "Đề ra"},
                     "target": {"op": ">=", "value": 100, "periods": ["Y"]}},
                ],
            },
            {
                "code": "KHAC",
                "title": "2. Khác",
                "indicators": [
                    {"id": "yn", "label": "Có quy chế", "type": "boolean"},
                    {"id": "ch", "label": "Mức ISO", "type": "choice",
                     "options": ["Chưa", "Đang", "Xong"]},
                    {"id": "txt", "label": "Kiến nghị", "type": "text", "required": False},
                ],
            },
        ],
    }
)  # fmt: skip
ALL = frozenset(indicator.id for _, indicator in QUESTIONNAIRE.indicators())


@functools.cache
def period(code: str) -> ReportingPeriod:
    """A period of the bundled schedule."""
    schedule = load_configuration(bundled_config_dir()).schedule
    return period_by_code(schedule, code, TZ)


def unit(
    code: str,
    figures: Mapping[str, Figure] | None = None,
    *,
    state: str = "submitted",
    applicable: frozenset[str] = ALL,
    **fields: Any,
) -> UnitReport:
    """A unit report; submitted unless told otherwise."""
    return UnitReport(
        code=code,
        name=f"Đơn vị {code}",
        kind="xa",
        state=state,
        figures=figures or {},
        applicable=applicable,
        **fields,
    )


def export(
    units: Sequence[UnitReport],
    *,
    previous: Mapping[str, Mapping[str, Figure]] | None = None,
    period_code: str = "2024-Q1",
) -> ExportData:
    """Export data of the test questionnaire."""
    return ExportData(
        period=period(period_code),
        questionnaire=QUESTIONNAIRE,
        units=units,
        previous=previous,
        reminders=(),
        generated_at=GENERATED,
        tz=TZ,
    )


def total_of(data: ExportData, indicator_id: str) -> IndicatorTotal:
    """The district line of one indicator."""
    return next(t for t in aggregate(data) if t.indicator.id == indicator_id)


def test_district_ratio_is_the_ratio_of_sums_not_the_average_of_ratios() -> None:
    # 1/2 = 50 % and 99/100 = 99 %: the average of ratios would be 74,5 %,
    # the district really solved 100 of 102 files on time: 98,04 %.
    data = export(
        [unit("a", {"rat": Figure.ratio(1, 2)}), unit("b", {"rat": Figure.ratio(99, 100)})]
    )
    current = total_of(data, "rat").current
    assert current.numerator == 100
    assert current.denominator == 102
    assert current.value == percent_of(100, 102, 10)
    assert current.value is not None
    assert round(current.value, 2) == D("98.04")
    assert current.value != Decimal("74.5")


def test_zero_denominators_are_left_out_of_both_sums() -> None:
    data = export(
        [
            unit("a", {"rat": Figure.ratio(3, 4)}),
            unit("b", {"rat": Figure.ratio(0, 0)}),
            unit("c", {"rat": NOT_ARISEN}),
            # A numerator over a zero denominator must not leak into the district numerator.
            unit("d", {"rat": Figure(numerator=Decimal(2), denominator=Decimal(0))}),
        ]
    )
    current = total_of(data, "rat").current
    assert (current.numerator, current.denominator, current.value) == (D(3), D(4), D(75))
    assert current.reported == 4
    assert current.not_applicable == 3
    assert current.contributing == 1
    assert not current.not_arisen


def test_ratio_is_not_arisen_when_every_unit_has_nothing_to_count() -> None:
    data = export([unit("a", {"rat": Figure.ratio(0, 0)}), unit("b", {"rat": NOT_ARISEN})])
    total = total_of(data, "rat")
    assert total.current.not_arisen
    assert total.current.value is None  # "không phát sinh", never 0 %
    assert total.current.numerator is None
    assert total.met is None


def test_ratio_without_any_report_has_no_figure_and_is_not_called_not_arisen() -> None:
    total = total_of(export([unit("a", state="draft")]), "rat")
    assert total.current.value is None
    assert not total.current.not_arisen
    assert (total.current.reported, total.current.expected) == (0, 1)


def test_units_that_did_not_submit_are_expected_but_not_counted() -> None:
    data = export(
        [
            unit("a", {"cnt": Figure.number(5)}),
            unit("b", {"cnt": Figure.number(7)}),
            unit("c", state="not_started"),
            unit("d", state="draft"),
            unit("e", {"cnt": Figure(value=Decimal(9), skipped=True)}),  # skipped: no answer
            unit("f", {"cnt": Figure.number(100)}, applicable=frozenset()),  # not asked
        ]
    )
    current = total_of(data, "cnt").current
    assert current.value == 12
    assert (current.reported, current.expected) == (2, 5)


def test_returned_report_is_excluded_from_totals() -> None:
    data = export(
        [
            unit("a", {"cnt": Figure.number(5), "rat": Figure.ratio(1, 1)}),
            unit(
                "b",
                {"cnt": Figure.number(1000), "rat": Figure.ratio(0, 50)},
                state="returned",
                returned_reason="Sai số liệu",
            ),
        ]
    )
    assert total_of(data, "cnt").current.value == 5
    rat = total_of(data, "rat").current
    assert (rat.numerator, rat.denominator) == (D(1), D(1))
    assert (rat.reported, rat.expected) == (1, 2)
    assert [u.code for u in data.units if not u.counted] == ["b"]


def test_counts_are_summed_with_mean_minimum_and_maximum() -> None:
    data = export(
        [
            unit("a", {"cnt": Figure.number(2), "dec": Figure.number("1.25")}),
            unit("b", {"cnt": Figure.number(4), "dec": Figure.number("2.50")}),
            unit("c", {"cnt": Figure.number(9), "dec": Figure.number("0.75")}),
        ]
    )
    cnt = total_of(data, "cnt").current
    assert (cnt.value, cnt.mean, cnt.minimum, cnt.maximum) == (D(15), D(5), D(2), D(9))
    assert total_of(data, "dec").current.value == Decimal("4.50")


def test_percent_indicators_are_averaged_with_minimum_and_maximum() -> None:
    data = export(
        [
            unit("a", {"pct": Figure.number(80)}),
            unit("b", {"pct": Figure.number("95.5")}),
            unit("c", {"pct": Figure.number(100)}),
        ]
    )
    total = total_of(data, "pct")
    assert total.current.value is not None
    assert round(total.current.value, 4) == Decimal("91.8333")  # 275,5 / 3
    assert (total.current.minimum, total.current.maximum) == (D(80), D(100))
    assert total.met is True  # mean 91,83 % >= 90 %


def test_booleans_and_choices_are_counted_per_answer() -> None:
    data = export(
        [
            unit("a", {"yn": Figure.yes_no(True), "ch": Figure.answer("Xong")}),
            unit("b", {"yn": Figure.yes_no(False), "ch": Figure.answer("Xong")}),
            unit("c", {"yn": Figure.yes_no(True), "ch": Figure.answer("Chưa")}),
            unit("d", {"yn": Figure.yes_no(True), "ch": Figure.answer("Bỏ từ phiên bản cũ")}),
        ]
    )
    assert total_of(data, "yn").current.answers == (("Có", 3), ("Không", 1))
    assert total_of(data, "ch").current.answers == (
        ("Chưa", 1),
        ("Đang", 0),
        ("Xong", 2),
        ("Bỏ từ phiên bản cũ", 1),
    )
    assert total_of(data, "yn").met is None


def test_text_answers_are_counted_and_blank_ones_are_not() -> None:
    data = export(
        [
            unit("a", {"txt": Figure.answer("Đề nghị tập huấn")}),
            unit("b", {"txt": Figure.answer("   ")}),
            unit("c"),
        ]
    )
    current = total_of(data, "txt").current
    # A text's default rule is "none": no district figure, only how many units answered.
    assert (current.value, current.reported, current.expected) == (None, 1, 3)
    counted = QUESTIONNAIRE.by_id()["txt"].model_copy(update={"aggregate": AggregateRule.COUNT})
    figures = [unit.figures.get("txt") for unit in data.units]
    assert tally(counted, figures, expected=3).value == 1


@pytest.mark.parametrize(
    ("figures", "met"),
    [
        ([Figure.ratio(20, 20), Figure.ratio(5, 5)], True),
        ([Figure.ratio(19, 20), Figure.ratio(5, 5)], False),
        # 24.999 / 25.000 = 99,996 %, shown as 100,00 % but short of the 100 % target.
        ([Figure.ratio(24_999, 25_000)], False),
        ([Figure.ratio(0, 0)], None),
    ],
)
def test_district_ratio_meets_its_target(figures: list[Figure], met: bool | None) -> None:
    data = export([unit(f"u{i}", {"rat": figure}) for i, figure in enumerate(figures)])
    total = total_of(data, "rat")
    assert total.target is not None
    assert total.target.describe() == "≥ 100"
    assert total.met is met


@pytest.mark.parametrize(("value", "met"), [(9, False), (10, True), (11, True)])
def test_district_count_meets_its_target(value: int, met: bool) -> None:
    data = export([unit("a", {"cnt": Figure.number(value)})])
    assert total_of(data, "cnt").met is met


def test_target_limited_to_year_report_does_not_apply_to_q1() -> None:
    figures = {"rat_y": Figure.ratio(1, 2)}
    assert total_of(export([unit("a", figures)]), "rat_y").target is None
    assert total_of(export([unit("a", figures)]), "rat_y").met is None
    year = total_of(export([unit("a", figures)], period_code="2024-Y"), "rat_y")
    assert year.met is False


def test_contributing_and_expected_units() -> None:
    units = [unit(f"s{i}", {"rat": Figure.ratio(1, 2)}) for i in range(10)]
    units += [unit(f"n{i}", {"rat": Figure.ratio(0, 0)}) for i in range(2)]
    units += [unit(f"d{i}", state="draft") for i in range(3)]
    current = total_of(export(units), "rat").current
    assert (current.reported, current.expected) == (12, 15)
    assert current.contributing == 10
    assert current.not_applicable == 2


def test_previous_period_is_totalled_the_same_way() -> None:
    previous = {
        "a": {"rat": Figure.ratio(1, 2), "cnt": Figure.number(3)},
        "b": {"rat": Figure.ratio(99, 100), "cnt": Figure.number(4)},
        "c": {"rat": Figure.ratio(0, 0)},
    }
    data = export([unit("a", {"rat": Figure.ratio(5, 5)})], previous=previous)
    rat = total_of(data, "rat")
    assert rat.previous is not None
    assert (rat.previous.numerator, rat.previous.denominator) == (D(100), D(102))
    assert rat.previous.not_applicable == 1
    cnt = total_of(data, "cnt")
    assert cnt.previous is not None
    assert cnt.previous.value == 7
    # Nothing reported on an indicator in the previous period: no comparison figure.
    assert total_of(data, "pct").previous is None
    assert total_of(export([unit("a")]), "rat").previous is None


def test_totals_follow_questionnaire_order_with_sections() -> None:
    totals = aggregate(export([]))
    assert [t.indicator.id for t in totals] == [
        "cnt",
        "dec",
        "pct",
        "rat",
        "rat_y",
        "yn",
        "ch",
        "txt",
    ]
    assert [t.section.code for t in totals] == ["SO"] * 5 + ["KHAC"] * 3


def test_bundled_questionnaire_aggregates_every_indicator() -> None:
    config = load_configuration(bundled_config_dir())
    data = ExportData(
        period=period("2024-Y"),
        questionnaire=config.questionnaire,
        units=[],
        previous=None,
        reminders=(),
        generated_at=GENERATED,
        organisation=config.units.organisation,
        tz=TZ,
    )
    assert len(aggregate(data)) == len(config.questionnaire.indicators())


ratios = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(
    lambda pair: (min(pair), max(pair))
)


@given(st.lists(ratios, min_size=1, max_size=30))
def test_ratio_total_is_sum_over_sum_whatever_the_order(pairs: list[tuple[int, int]]) -> None:
    indicator = QUESTIONNAIRE.by_id()["rat"]
    figures = [Figure.ratio(n, d) for n, d in pairs]
    forward = tally(indicator, figures, expected=len(figures))
    backward = tally(indicator, list(reversed(figures)), expected=len(figures))
    assert forward == backward
    arisen = [(n, d) for n, d in pairs if d]
    if not arisen:
        assert forward.not_arisen
        assert forward.value is None
        return
    numerator, denominator = sum(n for n, _ in arisen), sum(d for _, d in arisen)
    assert forward.value == percent_of(numerator, denominator, 10)
    shares = [Decimal(n) * 100 / d for n, d in arisen]
    assert forward.value is not None
    assert min(shares) - Decimal("1e-9") <= forward.value <= max(shares) + Decimal("1e-9")
