"""The task domain: what a period asks a lead agency, standings, and the rates, by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot import period_calendar
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.tasks import TaskConfig, TasksFile
from cchc_bot.config.units import UnitConfig
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.periods import ReportingPeriod
from cchc_bot.tasks.assignment import asked_in, cooperating_in, led_by, resolve_codes
from cchc_bot.tasks.progress import TaskReport, TaskStatus, done_ids
from cchc_bot.tasks.rates import (
    TaskRates,
    agency_rates,
    computed_cddh_01,
    district_rates,
    overdue_first,
    standings,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CONFIG = load_configuration(bundled_config_dir())
PERIODS = period_calendar.build_periods(CONFIG.schedule, 2024, TZ)
Q1, H1, Q3, Y = PERIODS
UNITS = [
    UnitConfig(code="a", name="Phòng A", kind="phong"),
    UnitConfig(code="b", name="Phòng B", kind="phong"),
    UnitConfig(code="x1", name="Xã 1", kind="xa"),
    UnitConfig(code="x2", name="Xã 2", kind="xa"),
    UnitConfig(code="x3", name="Xã 3", kind="xa", active=False),
]


def task(ident: str, lead: list[str], **fields: object) -> TaskConfig:
    """A task of area CDDH producing a report."""
    return TaskConfig.model_validate(
        {"id": ident, "title": ident, "area": "CDDH", "lead": lead, "product": "Báo cáo", **fields}
    )


ANNEX = TasksFile(
    year=2024,
    tasks=[
        task("t1", ["a"], due=dt.date(2024, 3, 31)),
        task("t2", ["a"], due="Q1"),
        task("t3", ["a", "b"], due="H1"),
        task("t4", ["b"], due=dt.date(2024, 6, 30)),
        task("t5", ["a"], due="Y"),
        task("t6", ["b"], recurring="each_period"),
    ],
)


def report(
    ident: str,
    unit: str,
    period: ReportingPeriod,
    status: TaskStatus,
    completed: dt.date | None = None,
    **fields: object,
) -> TaskReport:
    """A task report of a unit in a period."""
    return TaskReport(
        task_id=ident,
        unit=unit,
        period=period.code,
        period_end=period.window_end,
        status=status,
        completed_on=completed,
        **fields,  # type: ignore[arg-type]
    )


REPORTS = [
    report("t1", "a", Q1, TaskStatus.DONE, dt.date(2024, 3, 5), document_number="12/KH-UBND"),
    report("t3", "a", Q1, TaskStatus.IN_PROGRESS, percent=20),
    report("t6", "b", Q1, TaskStatus.DONE, dt.date(2024, 3, 1)),
    report("t2", "a", H1, TaskStatus.DONE, dt.date(2024, 4, 2)),
    report("t3", "a", H1, TaskStatus.IN_PROGRESS, percent=50),
    report("t5", "a", H1, TaskStatus.DONE, dt.date(2024, 5, 5)),
]


def test_a_group_lead_means_its_active_units() -> None:
    assert resolve_codes(["cap_xa", "a"], UNITS) == ["x1", "x2", "a"]


def test_a_lead_agency_is_asked_what_is_due_by_the_period_and_not_done_before() -> None:
    asked = [t.id for t in asked_in(ANNEX, UNITS, "a", PERIODS, Q1)]
    assert asked == ["t2"]  # t1 is due 31/3, after Q1's data window ends on 10/3
    done = done_ids("a", H1, REPORTS)
    assert done == {"t1"}
    assert [t.id for t in asked_in(ANNEX, UNITS, "a", PERIODS, H1, done)] == ["t2", "t3"]
    done_by_y = done_ids("a", Y, REPORTS)
    assert done_by_y == {"t1", "t2", "t5"}
    assert [t.id for t in asked_in(ANNEX, UNITS, "a", PERIODS, Y, done_by_y)] == ["t3"]


def test_a_recurring_task_is_asked_every_period_even_when_done_before() -> None:
    for period in PERIODS:
        assert "t6" in [t.id for t in asked_in(ANNEX, UNITS, "b", PERIODS, period, {"t6"})]


def test_an_agency_without_tasks_is_asked_none_and_has_no_computed_cddh_01() -> None:
    assert led_by(ANNEX, UNITS, "x1") == []
    assert asked_in(ANNEX, UNITS, "x1", PERIODS, Y) == []
    rows = standings(ANNEX, UNITS, PERIODS, Y, REPORTS, Y.due_date)
    assert computed_cddh_01(rows, "x1") is None


def test_tasks_of_another_year_are_not_asked() -> None:
    other = period_calendar.build_periods(CONFIG.schedule, 2025, TZ)
    assert asked_in(ANNEX, UNITS, "a", other, other[3]) == []


def test_cooperating_units_see_the_tasks_they_help_with() -> None:
    annex = TasksFile(year=2024, tasks=[task("c1", ["a"], cooperate=["b"], due="Q1")])
    assert [t.id for t in cooperating_in(annex, UNITS, "b", PERIODS, Q1)] == ["c1"]
    assert cooperating_in(annex, UNITS, "a", PERIODS, Q1) == []


def test_rates_per_agency_and_district_at_h1_match_hand_counts() -> None:
    rows = standings(ANNEX, UNITS, PERIODS, H1, REPORTS, H1.due_date)  # 11/6/2024
    rates = agency_rates(rows)
    # a: t1 on time, t2 late (2/4 > 10/3), t3 at 50 % overdue, t5 done early; t4 is b's.
    assert rates["a"] == TaskRates(
        due=4, done_on_time=2, done_late=1, in_progress=1, not_started=0, overdue=1
    )
    assert rates["a"].on_time_rate == 50.0
    # b: t3 not started (overdue), t4 due 30/6 not yet counted, t6 done in Q1 only.
    assert rates["b"] == TaskRates(due=2, not_started=2, overdue=2)
    assert rates["b"].on_time_rate == 0.0
    district = district_rates(rows)
    assert district == TaskRates(
        due=6, done_on_time=2, done_late=1, in_progress=1, not_started=2, overdue=3
    )
    assert district.on_time_rate is not None
    assert round(district.on_time_rate, 2) == 33.33
    assert computed_cddh_01(rows, "a") == (3, 4)
    assert computed_cddh_01(rows, "b") == (0, 3)


def test_no_task_due_gives_no_rate_rather_than_zero() -> None:
    annex = TasksFile(year=2024, tasks=[task("late", ["a"], due="Y")])
    rows = standings(annex, UNITS, PERIODS, Q1, [], Q1.due_date)
    assert district_rates(rows) == TaskRates()
    assert district_rates(rows).on_time_rate is None


def test_a_reopened_task_is_no_longer_done_and_is_asked_again() -> None:
    reopened = [
        report("t1", "a", Q1, TaskStatus.DONE, dt.date(2024, 3, 5), reopened=True),
    ]
    assert done_ids("a", H1, reopened) == set()
    assert "t1" in [t.id for t in asked_in(ANNEX, UNITS, "a", PERIODS, H1)]
    rows = standings(ANNEX, UNITS, PERIODS, H1, reopened, H1.due_date)
    row = next(r for r in rows if r.task.id == "t1")
    assert row.status is TaskStatus.IN_PROGRESS
    assert row.overdue


def test_overdue_tasks_come_first() -> None:
    rows = standings(ANNEX, UNITS, PERIODS, H1, REPORTS, H1.due_date)
    ordered = overdue_first(rows)
    # Overdue first; among them not started before in progress, then by due day.
    assert [(r.task.id, r.unit) for r in ordered[:3]] == [("t3", "b"), ("t6", "b"), ("t3", "a")]
    assert all(not r.overdue for r in ordered[3:])


STATUSES = st.sampled_from(list(TaskStatus))
DAYS = st.dates(dt.date(2023, 12, 1), dt.date(2024, 12, 31))


@st.composite
def report_sets(draw: st.DrawFn) -> list[TaskReport]:
    """Random reports of the annex's lead agencies across the four periods."""
    chosen = []
    for pair_task, unit in [("t1", "a"), ("t2", "a"), ("t3", "a"), ("t3", "b"), ("t4", "b")]:
        for period in PERIODS:
            if draw(st.booleans()):
                status = draw(STATUSES)
                done = draw(DAYS) if status is TaskStatus.DONE else None
                chosen.append(report(pair_task, unit, period, status, done))
    return chosen


@settings(max_examples=60, deadline=None)
@given(reports=report_sets(), period=st.sampled_from(PERIODS), as_of=DAYS)
def test_counts_partition_the_due_tasks_and_the_district_is_the_sum(
    reports: list[TaskReport], period: ReportingPeriod, as_of: dt.date
) -> None:
    rows = standings(ANNEX, UNITS, PERIODS, period, reports, as_of)
    district = district_rates(rows)
    assert district == sum(agency_rates(rows).values(), TaskRates())
    assert district.done + district.in_progress + district.not_started == district.due
    assert district.overdue <= district.due - district.done
    if district.on_time_rate is not None:
        assert 0 <= district.on_time_rate <= 100


@settings(max_examples=60, deadline=None)
@given(reports=report_sets())
def test_a_task_closed_earlier_is_never_asked_again(reports: list[TaskReport]) -> None:
    for period in PERIODS:
        done = done_ids("a", period, reports)
        asked = {t.id for t in asked_in(ANNEX, UNITS, "a", PERIODS, period, done)}
        assert not asked & done
