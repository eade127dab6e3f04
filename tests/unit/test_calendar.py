"""Reporting periods: windows and deadlines of the district plan, open and nearest periods, JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.date_format import format_datetime, format_day, format_day_with_weekday, format_window
from cchc_bot.period_calendar import (
    build_periods,
    calendar_json,
    nearest_period,
    open_periods,
    period_by_code,
    periods_in_years,
)
from cchc_bot.periods import ReportingPeriod, UnknownPeriodError, parse_period_code, period_label

from .schedules import bundled_schedule, schedule_with

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
D = dt.date


def local(text: str) -> dt.datetime:
    """An instant written in local time: "2024-03-05T09:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def row(period: ReportingPeriod) -> tuple[str, ...]:
    """A period as a table row: code, label, window, deadline, opening and closing instants."""
    return (
        period.code,
        period.label,
        period.window_start.isoformat(),
        period.window_end.isoformat(),
        period.deadline.isoformat(),
        period.opens_at.isoformat(),
        period.closes_at.isoformat(),
    )


PINNED: dict[int, list[tuple[str, ...]]] = {
    2024: [
        ("2024-Q1", "Quý I/2024", "2023-12-11", "2024-03-10",
         "2024-03-11T23:59:59+07:00", "2024-02-24T00:00:00+07:00", "2024-04-10T23:59:59+07:00"),
        ("2024-H1", "6 tháng đầu năm 2024", "2023-12-11", "2024-06-10",
         "2024-06-11T23:59:59+07:00", "2024-05-26T00:00:00+07:00", "2024-07-11T23:59:59+07:00"),
        ("2024-Q3", "Quý III/2024", "2024-06-11", "2024-09-10",
         "2024-09-11T23:59:59+07:00", "2024-08-26T00:00:00+07:00", "2024-10-11T23:59:59+07:00"),
        ("2024-Y", "Năm 2024", "2023-12-11", "2024-12-10",
         "2024-12-11T23:59:59+07:00", "2024-11-25T00:00:00+07:00", "2025-01-10T23:59:59+07:00"),
    ],
    2025: [
        ("2025-Q1", "Quý I/2025", "2024-12-11", "2025-03-10",
         "2025-03-11T23:59:59+07:00", "2025-02-23T00:00:00+07:00", "2025-04-10T23:59:59+07:00"),
        ("2025-H1", "6 tháng đầu năm 2025", "2024-12-11", "2025-06-10",
         "2025-06-11T23:59:59+07:00", "2025-05-26T00:00:00+07:00", "2025-07-11T23:59:59+07:00"),
        ("2025-Q3", "Quý III/2025", "2025-06-11", "2025-09-10",
         "2025-09-11T23:59:59+07:00", "2025-08-26T00:00:00+07:00", "2025-10-11T23:59:59+07:00"),
        ("2025-Y", "Năm 2025", "2024-12-11", "2025-12-10",
         "2025-12-11T23:59:59+07:00", "2025-11-25T00:00:00+07:00", "2026-01-10T23:59:59+07:00"),
    ],
    2026: [
        ("2026-Q1", "Quý I/2026", "2025-12-11", "2026-03-10",
         "2026-03-11T23:59:59+07:00", "2026-02-23T00:00:00+07:00", "2026-04-10T23:59:59+07:00"),
        ("2026-H1", "6 tháng đầu năm 2026", "2025-12-11", "2026-06-10",
         "2026-06-11T23:59:59+07:00", "2026-05-26T00:00:00+07:00", "2026-07-11T23:59:59+07:00"),
        ("2026-Q3", "Quý III/2026", "2026-06-11", "2026-09-10",
         "2026-09-11T23:59:59+07:00", "2026-08-26T00:00:00+07:00", "2026-10-11T23:59:59+07:00"),
        ("2026-Y", "Năm 2026", "2025-12-11", "2026-12-10",
         "2026-12-11T23:59:59+07:00", "2026-11-25T00:00:00+07:00", "2027-01-10T23:59:59+07:00"),
    ],
    2027: [
        ("2027-Q1", "Quý I/2027", "2026-12-11", "2027-03-10",
         "2027-03-11T23:59:59+07:00", "2027-02-23T00:00:00+07:00", "2027-04-10T23:59:59+07:00"),
        ("2027-H1", "6 tháng đầu năm 2027", "2026-12-11", "2027-06-10",
         "2027-06-11T23:59:59+07:00", "2027-05-26T00:00:00+07:00", "2027-07-11T23:59:59+07:00"),
        # 11/9/2027 and 11/12/2027 are Saturdays: the bundled policy keeps them.
        ("2027-Q3", "Quý III/2027", "2027-06-11", "2027-09-10",
         "2027-09-11T23:59:59+07:00", "2027-08-26T00:00:00+07:00", "2027-10-11T23:59:59+07:00"),
        ("2027-Y", "Năm 2027", "2026-12-11", "2027-12-10",
         "2027-12-11T23:59:59+07:00", "2027-11-25T00:00:00+07:00", "2028-01-10T23:59:59+07:00"),
    ],
    2028: [
        # Leap year: 15 days before 10/3 is 24/2 (23/2 in 2025-2027).
        ("2028-Q1", "Quý I/2028", "2027-12-11", "2028-03-10",
         "2028-03-11T23:59:59+07:00", "2028-02-24T00:00:00+07:00", "2028-04-10T23:59:59+07:00"),
        ("2028-H1", "6 tháng đầu năm 2028", "2027-12-11", "2028-06-10",
         "2028-06-11T23:59:59+07:00", "2028-05-26T00:00:00+07:00", "2028-07-11T23:59:59+07:00"),
        ("2028-Q3", "Quý III/2028", "2028-06-11", "2028-09-10",
         "2028-09-11T23:59:59+07:00", "2028-08-26T00:00:00+07:00", "2028-10-11T23:59:59+07:00"),
        ("2028-Y", "Năm 2028", "2027-12-11", "2028-12-10",
         "2028-12-11T23:59:59+07:00", "2028-11-25T00:00:00+07:00", "2029-01-10T23:59:59+07:00"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(PINNED))
def test_bundled_periods_follow_the_district_plan(year: int) -> None:
    periods = build_periods(bundled_schedule(), year, TZ)
    assert [row(period) for period in periods] == PINNED[year]


def test_periods_carry_kind_year_cumulation_and_reminders() -> None:
    periods = build_periods(bundled_schedule(), 2024, TZ)
    assert [(p.kind, p.kind_label, p.year, p.cumulative) for p in periods] == [
        ("Q1", "Quý I", 2024, False),
        ("H1", "6 tháng đầu năm", 2024, True),
        ("Q3", "Quý III", 2024, False),
        ("Y", "Năm", 2024, True),
    ]
    assert [len(period.reminders) for period in periods] == [7, 7, 7, 7]
    assert periods[0].due_date == D(2024, 3, 11)


def test_calendar_json_for_2024_matches_the_contract() -> None:
    assert calendar_json(build_periods(bundled_schedule(), 2024, TZ)) == [
        {
            "code": "2024-Q1",
            "label": "Quý I/2024",
            "window_start": "2023-12-11",
            "window_end": "2024-03-10",
            "opens_at": "2024-02-24T00:00:00+07:00",
            "closes_at": "2024-04-10T23:59:59+07:00",
            "deadline": "2024-03-11T23:59:59+07:00",
            # opened: 24/2 is a Saturday, so the first working day after it.
            "reminders": [
                "2024-02-26T08:00:00+07:00",
                "2024-03-04T08:00:00+07:00",
                "2024-03-07T08:00:00+07:00",
                "2024-03-08T08:00:00+07:00",
                "2024-03-11T07:30:00+07:00",
                "2024-03-12T08:00:00+07:00",
                "2024-03-14T08:00:00+07:00",
            ],
        },
        {
            "code": "2024-H1",
            "label": "6 tháng đầu năm 2024",
            "window_start": "2023-12-11",
            "window_end": "2024-06-10",
            "opens_at": "2024-05-26T00:00:00+07:00",
            "closes_at": "2024-07-11T23:59:59+07:00",
            "deadline": "2024-06-11T23:59:59+07:00",
            "reminders": [
                "2024-05-27T08:00:00+07:00",
                "2024-06-04T08:00:00+07:00",
                "2024-06-07T08:00:00+07:00",
                "2024-06-10T08:00:00+07:00",
                "2024-06-11T07:30:00+07:00",
                "2024-06-12T08:00:00+07:00",
                "2024-06-14T08:00:00+07:00",
            ],
        },
        {
            "code": "2024-Q3",
            "label": "Quý III/2024",
            "window_start": "2024-06-11",
            "window_end": "2024-09-10",
            "opens_at": "2024-08-26T00:00:00+07:00",
            "closes_at": "2024-10-11T23:59:59+07:00",
            "deadline": "2024-09-11T23:59:59+07:00",
            "reminders": [
                "2024-08-26T08:00:00+07:00",
                "2024-09-04T08:00:00+07:00",
                "2024-09-09T08:00:00+07:00",
                "2024-09-10T08:00:00+07:00",
                "2024-09-11T07:30:00+07:00",
                "2024-09-12T08:00:00+07:00",
                "2024-09-16T08:00:00+07:00",
            ],
        },
        {
            "code": "2024-Y",
            "label": "Năm 2024",
            "window_start": "2023-12-11",
            "window_end": "2024-12-10",
            "opens_at": "2024-11-25T00:00:00+07:00",
            "closes_at": "2025-01-10T23:59:59+07:00",
            "deadline": "2024-12-11T23:59:59+07:00",
            "reminders": [
                "2024-11-25T08:00:00+07:00",
                "2024-12-04T08:00:00+07:00",
                "2024-12-09T08:00:00+07:00",
                "2024-12-10T08:00:00+07:00",
                "2024-12-11T07:30:00+07:00",
                "2024-12-12T08:00:00+07:00",
                "2024-12-16T08:00:00+07:00",
            ],
        },
    ]


def test_calendar_json_writes_reminders_as_instants_in_the_period_zone() -> None:
    period = build_periods(bundled_schedule(), 2024, TZ)[0]
    with_reminders = dataclasses.replace(
        period, reminders=(dt.datetime(2024, 3, 4, 1, 0, tzinfo=UTC), local("2024-03-11T07:30"))
    )
    [entry] = calendar_json([with_reminders])
    assert entry["reminders"] == ["2024-03-04T08:00:00+07:00", "2024-03-11T07:30:00+07:00"]


@pytest.mark.parametrize(
    ("year", "window_end", "deadline"),
    [
        (2027, "2027-02-28", "2027-02-28T23:59:59+07:00"),
        (2028, "2028-02-29", "2028-02-29T23:59:59+07:00"),
    ],
)
def test_leap_day_rule_falls_back_to_the_28th_in_other_years(
    year: int, window_end: str, deadline: str
) -> None:
    leap = {
        "code": "F",
        "label": "Tháng 2",
        "window_start": {"month": 2, "day": 1},
        "window_end": {"month": 2, "day": 29},
        "deadline": {"month": 2, "day": 29},
    }
    [period] = build_periods(schedule_with(periods=[leap]), year, TZ)
    assert period.label == f"Tháng 2/{year}"
    assert period.window_end.isoformat() == window_end
    assert period.deadline.isoformat() == deadline


@pytest.mark.parametrize(
    ("policy", "code", "deadline", "closes_at"),
    [
        ("keep", "2027-Q3", "2027-09-11T23:59:59+07:00", "2027-10-11T23:59:59+07:00"),
        ("next_working_day", "2027-Q3", "2027-09-13T23:59:59+07:00", "2027-10-13T23:59:59+07:00"),
        (
            "previous_working_day",
            "2027-Q3",
            "2027-09-10T23:59:59+07:00",
            "2027-10-10T23:59:59+07:00",
        ),
        ("next_working_day", "2028-H1", "2028-06-12T23:59:59+07:00", "2028-07-12T23:59:59+07:00"),
        ("next_working_day", "2024-Q1", "2024-03-11T23:59:59+07:00", "2024-04-10T23:59:59+07:00"),
    ],
)
def test_deadline_policy_moves_a_deadline_off_a_non_working_day(
    policy: str, code: str, deadline: str, closes_at: str
) -> None:
    schedule = schedule_with(deadline={"on_non_working_day": policy})
    period = period_by_code(schedule, code, TZ)
    assert period.deadline.isoformat() == deadline
    assert period.closes_at.isoformat() == closes_at


def test_next_working_day_policy_skips_holidays_too() -> None:
    schedule = schedule_with(
        deadline={"on_non_working_day": "next_working_day"},
        holidays={"extra": [{"date": "2024-03-11", "name": "Nghỉ"}]},
    )
    assert period_by_code(schedule, "2024-Q1", TZ).due_date == D(2024, 3, 12)


def test_submission_policy_sets_opening_and_closing() -> None:
    schedule = schedule_with(submission={"opens_days_before_window_end": 0, "late_days": 0})
    period = period_by_code(schedule, "2024-Q1", TZ)
    assert period.opens_at.isoformat() == "2024-03-10T00:00:00+07:00"
    assert period.closes_at == period.deadline


def test_periods_are_built_in_the_given_zone() -> None:
    period = period_by_code(bundled_schedule(), "2024-Q1", ZoneInfo("UTC"))
    assert period.deadline.isoformat() == "2024-03-11T23:59:59+00:00"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2024-Q1", (2024, "Q1")),
        ("2025-H1", (2025, "H1")),
        ("2024-Y", (2024, "Y")),
        (" 2024-q3 ", (2024, "Q3")),
    ],
)
def test_parse_period_code(code: str, expected: tuple[int, str]) -> None:
    assert parse_period_code(code) == expected


@pytest.mark.parametrize(
    "code", ["", "2024", "2024-", "Q1-2024", "24-Q1", "2024-Q1-x", "2024_Q1", "2024-QUYII"]
)
def test_malformed_period_code_is_refused(code: str) -> None:
    with pytest.raises(UnknownPeriodError, match="YEAR-KIND"):
        parse_period_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("2024-Q2", "no period kind 'Q2'"),
        ("2023-Q1", "year 2023 is outside"),
        ("2024/Q1", "YEAR-KIND"),
    ],
)
def test_period_by_code_refuses_unknown_periods(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        period_by_code(bundled_schedule(), code, TZ)
    assert isinstance(caught.value, UnknownPeriodError)
    assert caught.value.code == code


def test_period_by_code_refuses_years_after_the_last() -> None:
    schedule = schedule_with(years={"first": 2024, "last": 2025})
    assert period_by_code(schedule, "2025-Y", TZ).code == "2025-Y"
    with pytest.raises(UnknownPeriodError):
        period_by_code(schedule, "2026-Q1", TZ)


def test_periods_in_years_lists_years_then_schedule_order() -> None:
    periods = periods_in_years(bundled_schedule(), TZ, 2024, 2025)
    assert [p.code for p in periods] == [
        "2024-Q1",
        "2024-H1",
        "2024-Q3",
        "2024-Y",
        "2025-Q1",
        "2025-H1",
        "2025-Q3",
        "2025-Y",
    ]


@pytest.mark.parametrize(
    ("now", "codes"),
    [
        (local("2023-03-05T09:00"), []),  # before the first reporting year
        (local("2024-01-05T09:00"), []),  # 2023-Y would still be late-open: 2023 is not reported
        (local("2024-02-23T23:59:59"), []),
        (local("2024-02-24T00:00"), ["2024-Q1"]),  # Q1 of 2024 opens in February 2024
        (dt.datetime(2024, 2, 23, 17, 0, tzinfo=UTC), ["2024-Q1"]),  # same instant in UTC
        (dt.datetime(2024, 2, 23, 16, 59, 59, tzinfo=UTC), []),
        (local("2024-03-05T09:00"), ["2024-Q1"]),
        (local("2024-03-20T09:00"), ["2024-Q1"]),  # still open, as late
        (local("2024-04-10T23:59:59.900"), ["2024-Q1"]),
        (local("2024-04-11T00:00"), []),
        (local("2024-04-12T09:00"), []),
        (local("2024-06-01T09:00"), ["2024-H1"]),
        (local("2024-09-01T09:00"), ["2024-Q3"]),
        (local("2024-12-20T09:00"), ["2024-Y"]),
        (local("2025-01-05T09:00"), ["2024-Y"]),
        (local("2025-02-23T00:00"), ["2025-Q1"]),
        (local("2031-06-01T09:00"), ["2031-H1"]),
    ],
)
def test_open_periods(now: dt.datetime, codes: list[str]) -> None:
    assert [p.code for p in open_periods(bundled_schedule(), TZ, now)] == codes


def test_overlapping_open_periods_are_ordered_by_deadline() -> None:
    schedule = schedule_with(submission={"opens_days_before_window_end": 15, "late_days": 90})
    now = local("2024-06-01T09:00")
    assert [p.code for p in open_periods(schedule, TZ, now)] == ["2024-Q1", "2024-H1"]


def test_no_period_opens_after_the_last_reporting_year() -> None:
    schedule = schedule_with(years={"first": 2024, "last": 2025})
    assert open_periods(schedule, TZ, local("2026-03-05T09:00")) == []
    assert [p.code for p in open_periods(schedule, TZ, local("2026-01-05T09:00"))] == ["2025-Y"]


@pytest.mark.parametrize(
    ("now", "code"),
    [
        (local("2020-01-01T00:00"), "2024-Q1"),  # long before the first year
        (local("2023-06-01T09:00"), "2024-Q1"),  # 2023-Y is nearer, but 2023 is not reported
        (local("2024-01-10T09:00"), "2024-Q1"),
        (local("2024-03-20T09:00"), "2024-Q1"),
        (local("2024-04-26T12:00"), "2024-Q1"),
        (local("2024-04-26T23:59:59"), "2024-H1"),  # exactly halfway: the one ahead
        (local("2024-04-27T12:00"), "2024-H1"),
        (local("2024-10-01T09:00"), "2024-Q3"),
        (local("2025-01-01T09:00"), "2024-Y"),
        (local("2025-01-30T09:00"), "2025-Q1"),
    ],
)
def test_nearest_period(now: dt.datetime, code: str) -> None:
    assert nearest_period(bundled_schedule(), TZ, now).code == code


def test_nearest_period_after_the_last_year_is_the_last_years() -> None:
    schedule = schedule_with(years={"first": 2024, "last": 2025})
    assert nearest_period(schedule, TZ, local("2030-06-01T09:00")).code == "2025-Y"
    assert nearest_period(schedule, TZ, local("2026-03-01T09:00")).code == "2025-Y"


@pytest.mark.parametrize(
    ("at", "late"),
    [
        (local("2024-03-05T09:00"), False),
        (local("2024-03-11T23:59:59"), False),
        (local("2024-03-11T23:59:59.999"), False),  # still the due day
        (local("2024-03-12T00:00"), True),
        (dt.datetime(2024, 3, 11, 16, 59, 59, tzinfo=UTC), False),
        (dt.datetime(2024, 3, 11, 17, 0, tzinfo=UTC), True),
    ],
)
def test_late_submission_is_flagged_after_the_due_day(at: dt.datetime, late: bool) -> None:
    assert period_by_code(bundled_schedule(), "2024-Q1", TZ).is_late(at) is late


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (local("2024-03-05T09:00"), 6),
        (local("2024-03-11T00:00"), 0),
        (local("2024-03-11T23:00"), 0),
        (local("2024-03-12T00:00"), -1),
        (dt.datetime(2024, 3, 10, 17, 30, tzinfo=UTC), 0),  # 00:30 on 11/3 in Việt Nam
    ],
)
def test_days_left_counts_calendar_days_to_the_due_day(now: dt.datetime, days: int) -> None:
    assert period_by_code(bundled_schedule(), "2024-Q1", TZ).days_left(now) == days


def test_naive_datetimes_are_refused() -> None:
    period = period_by_code(bundled_schedule(), "2024-Q1", TZ)
    naive = dt.datetime(2024, 3, 5, 9, 0)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        period.is_open(naive)
    with pytest.raises(ValueError, match="naive"):
        open_periods(bundled_schedule(), TZ, naive)


def test_reporting_period_is_immutable() -> None:
    period = period_by_code(bundled_schedule(), "2024-Q1", TZ)
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.code = "2024-H1"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kind_label", "year", "label"),
    [
        ("Quý I", 2024, "Quý I/2024"),
        ("Quý III", 2025, "Quý III/2025"),
        ("6 tháng đầu năm", 2024, "6 tháng đầu năm 2024"),
        ("Năm", 2024, "Năm 2024"),
        ("Tháng 2", 2028, "Tháng 2/2028"),
    ],
)
def test_period_label(kind_label: str, year: int, label: str) -> None:
    assert period_label(kind_label, year) == label


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2024, 3, 11), "11/3/2024"),
        (D(2023, 12, 11), "11/12/2023"),
        (D(2024, 1, 1), "1/1/2024"),
        (D(2024, 10, 10), "10/10/2024"),
    ],
)
def test_format_day_writes_days_without_zero_padding(day: dt.date, text: str) -> None:
    assert format_day(day) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (D(2024, 3, 11), "thứ Hai, 11/3/2024"),
        (D(2027, 9, 11), "thứ Bảy, 11/9/2027"),
        (D(2024, 3, 10), "Chủ nhật, 10/3/2024"),
    ],
)
def test_format_day_with_weekday(day: dt.date, text: str) -> None:
    assert format_day_with_weekday(day) == text


def test_format_window_and_datetime_read_as_the_plan_does() -> None:
    period = period_by_code(bundled_schedule(), "2024-Q1", TZ)
    window = format_window(period.window_start, period.window_end)
    assert f"Số liệu tính {window}" == "Số liệu tính từ 11/12/2023 đến 10/3/2024"
    assert format_datetime(period.deadline) == "23:59 ngày 11/3/2024"
    assert (
        format_datetime(dt.datetime(2024, 3, 10, 17, 30, tzinfo=UTC), TZ) == "00:30 ngày 11/3/2024"
    )


def test_calendar_module_imports_neither_telegram_nor_sqlalchemy() -> None:
    code = (
        "import sys, cchc_bot.period_calendar, cchc_bot.date_format, cchc_bot.workdays; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
