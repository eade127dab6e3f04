"""Which earlier periods a period is compared with, and the increment of cumulative figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.aggregation import EarlierPeriod, Figure, UnitReport
from cchc_bot.comparisons import period_increment, plan_comparisons
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import Indicator
from cchc_bot.config.schedule import Schedule
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import build_periods

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEDULE = load_configuration(bundled_config_dir()).schedule
COUNT = Indicator.model_validate(
    {"id": "c", "label": "Số văn bản", "type": "integer", "cumulative": True}
)
RATIO = Indicator.model_validate(
    {
        "id": "r",
        "label": "Tỷ lệ đúng hạn",
        "type": "ratio",
        "cumulative": True,
        "numerator": {"label": "Đúng hạn"},
        "denominator": {"label": "Đã giải quyết"},
    }
)


def plan(schedule: Schedule, code: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(cùng kỳ, kỳ trước, basis) of a period of 2025."""
    periods = [*build_periods(schedule, 2024, TZ), *build_periods(schedule, 2025, TZ)]
    period = next(p for p in periods if p.code == code)
    result = plan_comparisons(period, periods)
    return result.same_last_year, result.previous, result.basis


def test_bundled_periods_compare_with_last_year_the_period_before_and_their_windows() -> None:
    assert plan(SCHEDULE, "2025-Q1") == ("2024-Q1", "2024-Y", ())
    assert plan(SCHEDULE, "2025-H1") == ("2024-H1", "2025-Q1", ("2025-Q1",))
    assert plan(SCHEDULE, "2025-Q3") == ("2024-Q3", "2025-H1", ())
    # Q3 (11/6-10/9) starts the day after H1 ends: Y's own part is Y - H1 - Q3.
    assert plan(SCHEDULE, "2025-Y") == ("2024-Y", "2025-Q3", ("2025-H1", "2025-Q3"))


def test_increment_starts_the_day_after_the_basis_ends() -> None:
    periods = build_periods(SCHEDULE, 2025, TZ)
    year = next(p for p in periods if p.kind == "Y")
    assert plan_comparisons(year, periods).increment_start == dt.date(2025, 9, 11)


def test_a_cumulative_nine_months_q3_makes_the_year_increment_y_minus_q3() -> None:
    raw = SCHEDULE.model_dump(by_alias=True)
    for rule in raw["periods"]:
        if rule["code"] == "Q3":
            rule["label"] = "9 tháng"
            rule["window_start"] = {"month": 12, "day": 11, "year_offset": -1}
            rule["cumulative"] = True
    nine_months = Schedule.model_validate(raw)
    assert plan(nine_months, "2025-Y") == ("2024-Y", "2025-Q3", ("2025-Q3",))
    assert plan(nine_months, "2025-Q3")[2] == ("2025-H1",)


def unit(code: str, figure: Figure | None) -> UnitReport:
    """A submitted xã report with one figure (or none)."""
    figures = {"c": figure, "r": figure} if figure is not None else {}
    return UnitReport(code, code, "xa", "submitted", figures=figures, applicable=frozenset("cr"))


def test_a_unit_without_the_earlier_figure_is_left_out_not_taken_as_zero() -> None:
    units = [unit("a", Figure.number(10)), unit("b", Figure.number(20)), unit("c", None)]
    q1 = EarlierPeriod("2025-Q1", "Quý I/2025", {"a": {"c": Figure.number(4)}})
    increment = period_increment(COUNT, units, [q1])
    assert increment is not None
    # Only a has both: 10 - 4 = 6 (b's 20 is not an increment of 20 over a missing Q1).
    assert (increment.value, increment.units, increment.of) == (Decimal(6), 1, 2)
    assert period_increment(COUNT, units, [EarlierPeriod("x", "x", {})]) is None


def test_a_ratio_increment_is_the_ratio_of_the_parts_increments() -> None:
    # H1 9/10 and 18/20, Q1 4/5 and 8/10: (5 + 10) / (5 + 10) = 100 %, not 90 % - 80 %.
    units = [unit("a", Figure.ratio(9, 10)), unit("b", Figure.ratio(18, 20))]
    q1 = EarlierPeriod(
        "2025-Q1", "Quý I/2025", {"a": {"r": Figure.ratio(4, 5)}, "b": {"r": Figure.ratio(8, 10)}}
    )
    increment = period_increment(RATIO, units, [q1])
    assert increment is not None
    assert (increment.numerator, increment.denominator) == (Decimal(15), Decimal(15))
    assert increment.value == Decimal(100)


@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000)),
        min_size=1,
        max_size=12,
    )
)
def test_increment_plus_basis_is_the_cumulative_total(parts: list[tuple[int, int, int]]) -> None:
    # Per unit: H1 share, Q3 share and the year's own share; Y = the three added up.
    units = [unit(f"u{i}", Figure.number(h1 + q3 + own)) for i, (h1, q3, own) in enumerate(parts)]
    h1 = EarlierPeriod(
        "H1", "H1", {f"u{i}": {"c": Figure.number(p[0])} for i, p in enumerate(parts)}
    )
    q3 = EarlierPeriod(
        "Q3", "Q3", {f"u{i}": {"c": Figure.number(p[1])} for i, p in enumerate(parts)}
    )
    increment = period_increment(COUNT, units, [h1, q3])
    assert increment is not None
    year_total = sum(h1 + q3 + own for h1, q3, own in parts)
    assert increment.value == sum(own for _, _, own in parts)
    assert increment.value + sum(p[0] for p in parts) + sum(p[1] for p in parts) == year_total
