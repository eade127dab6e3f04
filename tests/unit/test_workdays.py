"""Working days: Vietnamese holidays, Tết, make-up Saturdays and working-day arithmetic."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.config.schedule import HolidayPolicy, Schedule
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.workdays import DAY_OFF_NAME, WorkCalendar

D = dt.date


@functools.cache
def bundled_schedule() -> Schedule:
    """The bundled `schedule.yaml`, validated by the schedule model."""
    raw = yaml.safe_load((bundled_config_dir() / "schedule.yaml").read_text(encoding="utf-8"))
    return Schedule.model_validate(raw)


@functools.cache
def bundled_calendar() -> WorkCalendar:
    """The working calendar of the bundled holiday policy (shared, so years stay cached)."""
    return WorkCalendar.for_policy(bundled_schedule().holidays)


def policy(**fields: Any) -> HolidayPolicy:
    """A holiday policy with the given overrides."""
    return HolidayPolicy.model_validate(fields)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        # Tết Giáp Thìn 2024: Thursday 8/2 to Wednesday 14/2 (Thông báo 6150/TB-LĐTBXH).
        (D(2024, 2, 8), "Nghỉ Tết Nguyên đán"),
        (D(2024, 2, 9), "Nghỉ Tết Nguyên đán"),
        (D(2024, 2, 10), "Tết Nguyên Đán"),
        (D(2024, 2, 11), "Mùng hai Tết Nguyên Đán"),
        (D(2024, 2, 12), "Mùng ba Tết Nguyên Đán"),
        (D(2024, 2, 13), "Nghỉ Tết Nguyên đán"),
        (D(2024, 2, 14), "Nghỉ Tết Nguyên đán"),
        # Tết Ất Tỵ 2025: Monday 27/1 to Friday 31/1.
        (D(2025, 1, 27), "29 Tết"),
        (D(2025, 1, 29), "Tết Nguyên Đán"),
        (D(2025, 1, 31), "Mùng ba Tết Nguyên Đán"),
        # Tết Bính Ngọ 2026: Monday 16/2 (giao thừa) to Friday 20/2 (mùng bốn).
        (D(2026, 2, 16), "Giao thừa Tết Nguyên Đán"),
        (D(2026, 2, 17), "Tết Nguyên Đán"),
        (D(2026, 2, 18), "Mùng hai Tết Nguyên Đán"),
        (D(2026, 2, 19), "Mùng ba Tết Nguyên Đán"),
        (D(2026, 2, 20), "Mùng bốn Tết Nguyên Đán"),
        # Tết Đinh Mùi 2027: Thursday 4/2 to Wednesday 10/2.
        (D(2027, 2, 4), "29 Tết"),
        (D(2027, 2, 10), "Mùng năm Tết Nguyên Đán"),
        # Fixed public holidays.
        (D(2024, 1, 1), "Tết Dương lịch"),
        (D(2024, 4, 18), "Ngày Giỗ Tổ Hùng Vương"),
        (D(2025, 4, 7), "Ngày Giỗ Tổ Hùng Vương"),
        (D(2024, 4, 29), "Nghỉ bù lễ 30/4"),
        (D(2024, 4, 30), "Ngày Chiến thắng"),
        (D(2024, 5, 1), "Ngày Quốc tế Lao động"),
        (D(2025, 4, 30), "Ngày Chiến thắng"),
        (D(2025, 5, 1), "Ngày Quốc tế Lao động"),
        (D(2024, 9, 2), "Quốc khánh"),
        (D(2024, 9, 3), "Quốc khánh"),
        (D(2025, 9, 1), "Quốc khánh"),
        (D(2025, 9, 2), "Quốc khánh"),
        (D(2026, 9, 2), "Quốc khánh"),
    ],
)
def test_public_holidays_are_days_off_with_their_vietnamese_name(day: dt.date, name: str) -> None:
    calendar = bundled_calendar()
    assert not calendar.is_working_day(day)
    assert calendar.holiday_name(day) == name


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 2, 16),
        D(2026, 2, 17),
        D(2026, 2, 18),
        D(2026, 2, 19),
        D(2026, 2, 20),
        D(2026, 4, 27),  # Giỗ Tổ Hùng Vương fell on Sunday 26/4: observed on Monday
        D(2026, 4, 30),
        D(2026, 5, 1),
        D(2026, 8, 31),  # swapped with Saturday 22/8/2026 for Quốc khánh
        D(2026, 9, 1),
        D(2026, 9, 2),
    ],
)
def test_2026_holidays_of_the_holidays_package_are_days_off(day: dt.date) -> None:
    assert not bundled_calendar().is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 2, 7), True),  # Wednesday before Tết
        (D(2024, 2, 15), True),  # first working day after Tết
        (D(2026, 2, 13), True),  # Friday before Tết 2026
        (D(2026, 2, 23), True),  # Monday after Tết 2026
        (D(2024, 5, 4), True),  # bundled make-up Saturday for 29/4/2024
        (D(2024, 5, 5), False),  # the Sunday after it
        (D(2024, 4, 29), False),  # the Monday it buys off
        (D(2024, 5, 2), True),
        (D(2025, 4, 26), True),  # make-up Saturday the holidays package knows (for 2/5/2025)
        (D(2025, 5, 2), False),
        (D(2026, 8, 22), True),  # make-up Saturday the holidays package knows (for 31/8/2026)
        (D(2024, 3, 9), False),  # plain Saturday
        (D(2024, 3, 10), False),  # plain Sunday
        (D(2024, 3, 11), True),  # plain Monday
    ],
)
def test_working_days_follow_weekends_holidays_and_make_up_saturdays(
    day: dt.date, working: bool
) -> None:
    assert bundled_calendar().is_working_day(day) is working


@pytest.mark.parametrize("day", [D(2024, 3, 9), D(2024, 3, 10), D(2024, 3, 11), D(2024, 5, 4)])
def test_holiday_name_is_none_on_working_days_and_plain_weekends(day: dt.date) -> None:
    assert bundled_calendar().holiday_name(day) is None


def test_operator_extra_day_off_is_off_and_named() -> None:
    calendar = WorkCalendar(policy(extra=[{"date": "2024-03-12", "name": "Nghỉ bầu cử"}]))
    assert not calendar.is_working_day(D(2024, 3, 12))
    assert calendar.holiday_name(D(2024, 3, 12)) == "Nghỉ bầu cử"


def test_unnamed_extra_day_keeps_the_official_name_or_gets_a_generic_one() -> None:
    calendar = WorkCalendar(policy(extra=[{"date": "2024-09-02"}, {"date": "2024-03-12"}]))
    assert calendar.holiday_name(D(2024, 9, 2)) == "Quốc khánh"
    assert calendar.holiday_name(D(2024, 3, 12)) == DAY_OFF_NAME


def test_not_holidays_turns_an_official_holiday_into_a_working_day() -> None:
    calendar = WorkCalendar(policy(not_holidays=["2024-09-03"]))
    assert calendar.is_working_day(D(2024, 9, 3))
    assert calendar.holiday_name(D(2024, 9, 3)) is None
    assert not calendar.is_working_day(D(2024, 9, 2))


def test_operator_make_up_day_is_worked_even_on_a_sunday_or_holiday() -> None:
    calendar = WorkCalendar(
        policy(make_up_working_days=[{"date": "2024-03-10"}, {"date": "2024-09-03"}])
    )
    assert calendar.is_working_day(D(2024, 3, 10))
    assert calendar.is_working_day(D(2024, 9, 3))
    assert calendar.holiday_name(D(2024, 9, 3)) is None


def test_operator_extra_day_off_overrides_a_make_up_saturday_of_the_package() -> None:
    calendar = WorkCalendar(policy(extra=[{"date": "2026-08-22", "name": "Không làm bù"}]))
    assert not calendar.is_working_day(D(2026, 8, 22))


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="XQ"):
        WorkCalendar(policy(country="XQ")).is_working_day(D(2024, 1, 2))


def test_calendars_are_shared_per_policy() -> None:
    assert WorkCalendar.for_policy(policy()) is WorkCalendar.for_policy(HolidayPolicy())
    assert WorkCalendar.for_policy(policy()) is not WorkCalendar.for_policy(
        policy(not_holidays=["2024-09-03"])
    )


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2024, 3, 8), 1, D(2024, 3, 11)),  # Friday + 1 skips the weekend
        (D(2024, 3, 11), -1, D(2024, 3, 8)),  # Monday - 1 skips it backwards
        (D(2024, 3, 6), 5, D(2024, 3, 13)),
        (D(2024, 3, 9), 1, D(2024, 3, 11)),  # from a Saturday, +1 is Monday ...
        (D(2024, 3, 9), -1, D(2024, 3, 8)),  # ... and -1 is Friday
        (D(2024, 3, 9), 0, D(2024, 3, 9)),  # 0 leaves a non-working day unchanged
        (D(2024, 3, 11), 0, D(2024, 3, 11)),
        (D(2024, 2, 7), 1, D(2024, 2, 15)),  # across Tết 2024
        (D(2024, 2, 15), -1, D(2024, 2, 7)),
        (D(2024, 2, 6), 3, D(2024, 2, 16)),
        (D(2026, 2, 12), 2, D(2026, 2, 23)),  # across Tết 2026
        (D(2026, 2, 23), -2, D(2026, 2, 12)),
        (D(2024, 4, 26), 1, D(2024, 5, 2)),  # across 29/4 - 1/5/2024
        (D(2024, 5, 3), 1, D(2024, 5, 4)),  # onto the make-up Saturday
        (D(2024, 12, 31), 1, D(2025, 1, 2)),  # across the year and Tết Dương lịch
        (D(2025, 1, 2), -2, D(2024, 12, 30)),
        (D(2024, 3, 11), -5, D(2024, 3, 4)),
    ],
)
def test_add_working_days(day: dt.date, n: int, expected: dt.date) -> None:
    assert bundled_calendar().add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("day", "previous", "following"),
    [
        (D(2024, 3, 11), D(2024, 3, 8), D(2024, 3, 12)),
        (D(2024, 3, 9), D(2024, 3, 8), D(2024, 3, 11)),
        (D(2024, 2, 10), D(2024, 2, 7), D(2024, 2, 15)),
        (D(2024, 5, 4), D(2024, 5, 3), D(2024, 5, 6)),
    ],
)
def test_previous_and_next_working_day_are_strictly_before_and_after(
    day: dt.date, previous: dt.date, following: dt.date
) -> None:
    calendar = bundled_calendar()
    assert calendar.previous_working_day(day) == previous
    assert calendar.next_working_day(day) == following


@pytest.mark.parametrize(
    ("day", "on_or_before", "on_or_after"),
    [
        (D(2024, 3, 11), D(2024, 3, 11), D(2024, 3, 11)),
        (D(2027, 9, 11), D(2027, 9, 10), D(2027, 9, 13)),
        (D(2024, 2, 10), D(2024, 2, 7), D(2024, 2, 15)),
    ],
)
def test_rolling_onto_a_working_day(
    day: dt.date, on_or_before: dt.date, on_or_after: dt.date
) -> None:
    calendar = bundled_calendar()
    assert calendar.working_day_on_or_before(day) == on_or_before
    assert calendar.working_day_on_or_after(day) == on_or_after


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2024, 3, 11), D(2024, 3, 11), 0),
        (D(2024, 3, 8), D(2024, 3, 11), 1),
        (D(2024, 3, 11), D(2024, 3, 8), -1),
        (D(2024, 3, 9), D(2024, 3, 10), 0),
        (D(2024, 3, 10), D(2024, 3, 9), 0),
        (D(2024, 3, 8), D(2024, 3, 9), 0),  # Friday to Saturday: no working day reached
        (D(2024, 3, 9), D(2024, 3, 8), -1),  # Saturday back to Friday: one step
        (D(2024, 2, 7), D(2024, 2, 15), 1),
        (D(2024, 2, 1), D(2024, 2, 29), 15),
        (D(2023, 12, 31), D(2024, 12, 31), 251),  # 366 - 104 weekend - 12 holidays + 4/5
        (D(2025, 1, 1), D(2024, 1, 1), -251),  # back: working days in [1/1/2024, 1/1/2025)
    ],
)
def test_working_days_between(a: dt.date, b: dt.date, expected: int) -> None:
    assert bundled_calendar().working_days_between(a, b) == expected


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


@settings(max_examples=300, deadline=None)
@given(day=days, n=st.integers(min_value=-40, max_value=40))
def test_add_working_days_lands_on_a_working_day_n_steps_away(day: dt.date, n: int) -> None:
    calendar = bundled_calendar()
    result = calendar.add_working_days(day, n)
    if n != 0:
        assert calendar.is_working_day(result)
        assert (result > day) is (n > 0)
    else:
        assert result == day
    assert calendar.working_days_between(day, result) == n


@settings(max_examples=300, deadline=None)
@given(a=days, b=days)
def test_working_days_between_walks_back_onto_working_days(a: dt.date, b: dt.date) -> None:
    calendar = bundled_calendar()
    steps = calendar.working_days_between(a, b)
    if calendar.is_working_day(b) or a == b:
        assert calendar.add_working_days(a, steps) == b
    if a <= b:
        assert steps == sum(
            calendar.is_working_day(a + dt.timedelta(days=k)) for k in range(1, (b - a).days + 1)
        )
