"""Reminder instants from the calendar and the policy, and which reminders and digests are due."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.config.schedule import OfficeHours, Schedule
from cchc_bot.period_calendar import build_periods, period_by_code, periods_in_years
from cchc_bot.periods import ReportingPeriod
from cchc_bot.reminder_plan import (
    DueDigest,
    DueReminder,
    PlannedReminder,
    Recipient,
    ReminderKey,
    ReminderPlanner,
    Sweep,
    UnitState,
    digest_instants,
    digest_kind,
    due_digests,
    due_reminders,
    in_office_hours,
    plan_reminders,
)
from cchc_bot.workdays import WorkCalendar

from .schedules import bundled_schedule, raw_schedule, schedule_with

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GRACE = dt.timedelta(hours=12)
D = dt.date


def reminders_with(*rules: dict[str, Any], **policy: Any) -> dict[str, Any]:
    """The bundled `reminders:` section with its schedule (and maybe other keys) replaced."""
    return {**raw_schedule()["reminders"], "schedule": list(rules), **policy}


def local(text: str) -> dt.datetime:
    """An instant written in local time: "2024-03-05T09:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def plan(schedule: Schedule, period: ReportingPeriod) -> list[tuple[str, str]]:
    """A period's reminders as (kind, ISO instant) rows."""
    reminders = plan_reminders(
        period,
        schedule.reminders,
        schedule.office_hours,
        WorkCalendar.for_policy(schedule.holidays),
        TZ,
    )
    return [(reminder.kind, reminder.at.isoformat()) for reminder in reminders]


# Checked by hand against the working calendar: 2024 has Tết on 8-14/2, 2-3/9 off; 2026 has
# Tết on 16-20/2, 31/8-2/9 off and 24/11 (Ngày Văn hóa Việt Nam) off.
PINNED: dict[str, list[tuple[str, str]]] = {
    # Opens on Saturday 24/2: "opened" moves to Monday 26/2 (rolling back would precede it).
    "2024-Q1": [
        ("opened", "2024-02-26T08:00:00+07:00"),
        ("before_5", "2024-03-04T08:00:00+07:00"),
        ("before_2", "2024-03-07T08:00:00+07:00"),
        ("before_1", "2024-03-08T08:00:00+07:00"),
        ("due_today", "2024-03-11T07:30:00+07:00"),
        ("overdue_1", "2024-03-12T08:00:00+07:00"),
        ("overdue_3", "2024-03-14T08:00:00+07:00"),
    ],
    # Opens on Sunday 26/5: "opened" moves to Monday 27/5.
    "2024-H1": [
        ("opened", "2024-05-27T08:00:00+07:00"),
        ("before_5", "2024-06-04T08:00:00+07:00"),
        ("before_2", "2024-06-07T08:00:00+07:00"),
        ("before_1", "2024-06-10T08:00:00+07:00"),
        ("due_today", "2024-06-11T07:30:00+07:00"),
        ("overdue_1", "2024-06-12T08:00:00+07:00"),
        ("overdue_3", "2024-06-14T08:00:00+07:00"),
    ],
    # before_5 skips the National Day holidays (2-3/9/2024).
    "2024-Q3": [
        ("opened", "2024-08-26T08:00:00+07:00"),
        ("before_5", "2024-09-04T08:00:00+07:00"),
        ("before_2", "2024-09-09T08:00:00+07:00"),
        ("before_1", "2024-09-10T08:00:00+07:00"),
        ("due_today", "2024-09-11T07:30:00+07:00"),
        ("overdue_1", "2024-09-12T08:00:00+07:00"),
        ("overdue_3", "2024-09-16T08:00:00+07:00"),
    ],
    "2024-Y": [
        ("opened", "2024-11-25T08:00:00+07:00"),
        ("before_5", "2024-12-04T08:00:00+07:00"),
        ("before_2", "2024-12-09T08:00:00+07:00"),
        ("before_1", "2024-12-10T08:00:00+07:00"),
        ("due_today", "2024-12-11T07:30:00+07:00"),
        ("overdue_1", "2024-12-12T08:00:00+07:00"),
        ("overdue_3", "2024-12-16T08:00:00+07:00"),
    ],
    # Opens on Monday 23/2, the first working day after Tết: no reminder falls in Tết.
    "2026-Q1": [
        ("opened", "2026-02-23T08:00:00+07:00"),
        ("before_5", "2026-03-04T08:00:00+07:00"),
        ("before_2", "2026-03-09T08:00:00+07:00"),
        ("before_1", "2026-03-10T08:00:00+07:00"),
        ("due_today", "2026-03-11T07:30:00+07:00"),
        ("overdue_1", "2026-03-12T08:00:00+07:00"),
        ("overdue_3", "2026-03-16T08:00:00+07:00"),
    ],
    "2026-H1": [
        ("opened", "2026-05-26T08:00:00+07:00"),
        ("before_5", "2026-06-04T08:00:00+07:00"),
        ("before_2", "2026-06-09T08:00:00+07:00"),
        ("before_1", "2026-06-10T08:00:00+07:00"),
        ("due_today", "2026-06-11T07:30:00+07:00"),
        ("overdue_1", "2026-06-12T08:00:00+07:00"),
        ("overdue_3", "2026-06-16T08:00:00+07:00"),
    ],
    # Due on Friday 11/9: the overdue reminders skip the weekend.
    "2026-Q3": [
        ("opened", "2026-08-26T08:00:00+07:00"),
        ("before_5", "2026-09-04T08:00:00+07:00"),
        ("before_2", "2026-09-09T08:00:00+07:00"),
        ("before_1", "2026-09-10T08:00:00+07:00"),
        ("due_today", "2026-09-11T07:30:00+07:00"),
        ("overdue_1", "2026-09-14T08:00:00+07:00"),
        ("overdue_3", "2026-09-16T08:00:00+07:00"),
    ],
    "2026-Y": [
        ("opened", "2026-11-25T08:00:00+07:00"),
        ("before_5", "2026-12-04T08:00:00+07:00"),
        ("before_2", "2026-12-09T08:00:00+07:00"),
        ("before_1", "2026-12-10T08:00:00+07:00"),
        ("due_today", "2026-12-11T07:30:00+07:00"),
        ("overdue_1", "2026-12-14T08:00:00+07:00"),
        ("overdue_3", "2026-12-16T08:00:00+07:00"),
    ],
    # Due on Saturday 11/9/2027 (kept by the bundled deadline policy): "due_today" rolls back
    # to Friday 07:30, the same day as "before_1"; both are kept.
    "2027-Q3": [
        ("opened", "2027-08-26T08:00:00+07:00"),
        ("before_5", "2027-09-06T08:00:00+07:00"),
        ("before_2", "2027-09-09T08:00:00+07:00"),
        ("due_today", "2027-09-10T07:30:00+07:00"),
        ("before_1", "2027-09-10T08:00:00+07:00"),
        ("overdue_1", "2027-09-13T08:00:00+07:00"),
        ("overdue_3", "2027-09-15T08:00:00+07:00"),
    ],
}


@pytest.mark.parametrize("code", sorted(PINNED))
def test_bundled_reminders_fall_on_pinned_instants(code: str) -> None:
    schedule = bundled_schedule()
    period = period_by_code(schedule, code, TZ)
    assert plan(schedule, period) == PINNED[code]
    assert [moment.isoformat() for moment in period.reminders] == [at for _, at in PINNED[code]]


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027, 2028])
def test_reminders_fall_on_working_days_in_office_hours_while_the_period_is_open(
    year: int,
) -> None:
    schedule = bundled_schedule()
    work = WorkCalendar.for_policy(schedule.holidays)
    for period in build_periods(schedule, year, TZ):
        for moment in period.reminders:
            assert in_office_hours(moment, schedule.office_hours, work, TZ), moment
            assert period.opens_at <= moment <= period.closes_at
        assert list(period.reminders) == sorted(period.reminders)


def test_an_opening_in_tet_moves_the_opened_reminder_to_the_first_working_day_after_it() -> None:
    # 20 days before 10/3/2026 is 18/2/2026, the second day of Tết (16-20/2).
    schedule = schedule_with(
        submission={"opens_days_before_window_end": 20, "late_days": 30},
        reminders=reminders_with(
            {"kind": "opened", "anchor": "opens"},
            {"kind": "before_15", "anchor": "deadline", "working_days": -15},
        ),
    )
    period = period_by_code(schedule, "2026-Q1", TZ)
    assert period.opens_at.isoformat() == "2026-02-18T00:00:00+07:00"
    assert plan(schedule, period) == [
        # Counting 15 working days back from 11/3 steps over Tết and lands before it,
        # before the opening: moved to the opening's first working day too.
        ("opened", "2026-02-23T08:00:00+07:00"),
        ("before_15", "2026-02-23T08:00:00+07:00"),
    ]


def test_working_days_are_counted_over_tet() -> None:
    schedule = schedule_with(
        submission={"opens_days_before_window_end": 40, "late_days": 30},
        reminders=reminders_with({"kind": "before_15", "anchor": "deadline", "working_days": -15}),
    )
    period = period_by_code(schedule, "2026-Q1", TZ)
    # 10/3 back to 23/2 is 12 working days; 16/2-22/2 are off; then 13/2, 12/2, 11/2.
    assert plan(schedule, period) == [("before_15", "2026-02-11T08:00:00+07:00")]


def test_a_reminder_on_a_holiday_before_the_deadline_moves_to_the_previous_working_day() -> None:
    schedule = schedule_with(
        holidays={**raw_schedule()["holidays"], "extra": [{"date": "2024-03-11", "name": "Nghỉ"}]},
    )
    period = period_by_code(schedule, "2024-Q1", TZ)
    rows = dict(plan(schedule, period))
    assert rows["due_today"] == "2024-03-08T07:30:00+07:00"  # Friday before the day off
    assert rows["before_1"] == "2024-03-08T08:00:00+07:00"
    assert rows["overdue_1"] == "2024-03-12T08:00:00+07:00"


def test_a_window_end_anchor_on_a_sunday_rolls_back() -> None:
    schedule = schedule_with(
        reminders=reminders_with({"kind": "window_closing", "anchor": "window_end"}),
    )
    # 10/3/2024 is a Sunday and is before the deadline: Friday 8/3.
    period = period_by_code(schedule, "2024-Q1", TZ)
    assert plan(schedule, period) == [("window_closing", "2024-03-08T08:00:00+07:00")]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # Before office hours: pulled to the office start of the same day.
        ({"working_days": -2, "time": "05:45"}, "2024-03-07T07:00:00+07:00"),
        # After office hours, before the deadline: the previous working day's send time.
        ({"working_days": -2, "time": "19:00"}, "2024-03-06T08:00:00+07:00"),
        ({"working_days": 0, "time": "20:00"}, "2024-03-08T08:00:00+07:00"),
        # After office hours and after the deadline: the next working day's send time.
        ({"working_days": 1, "time": "19:00", "overdue": True}, "2024-03-13T08:00:00+07:00"),
        # The closing time of the office is still inside office hours.
        ({"working_days": -1, "time": "17:00"}, "2024-03-08T17:00:00+07:00"),
    ],
)
def test_times_outside_office_hours_are_moved_inside(rule: dict[str, Any], expected: str) -> None:
    schedule = schedule_with(
        reminders=reminders_with({"kind": "probe", "anchor": "deadline", **rule}),
    )
    period = period_by_code(schedule, "2024-Q1", TZ)
    assert plan(schedule, period) == [("probe", expected)]


def test_a_send_time_outside_office_hours_is_held_inside_them() -> None:
    schedule = schedule_with(
        reminders=reminders_with(
            {"kind": "late_evening", "anchor": "deadline", "working_days": -1, "time": "21:00"},
            time="06:00",
        ),
    )
    period = period_by_code(schedule, "2024-Q1", TZ)
    assert plan(schedule, period) == [("late_evening", "2024-03-07T07:00:00+07:00")]


def test_reminders_before_the_opening_land_together_on_the_opening_and_are_all_kept() -> None:
    # Opening on the window end (Sunday 10/3/2024): everything before it moves to Monday 11/3.
    schedule = schedule_with(submission={"opens_days_before_window_end": 0, "late_days": 30})
    period = period_by_code(schedule, "2024-Q1", TZ)
    assert plan(schedule, period) == [
        ("due_today", "2024-03-11T07:30:00+07:00"),
        ("opened", "2024-03-11T08:00:00+07:00"),
        ("before_5", "2024-03-11T08:00:00+07:00"),
        ("before_2", "2024-03-11T08:00:00+07:00"),
        ("before_1", "2024-03-11T08:00:00+07:00"),
        ("overdue_1", "2024-03-12T08:00:00+07:00"),
        ("overdue_3", "2024-03-14T08:00:00+07:00"),
    ]


@pytest.mark.parametrize(
    ("opens_at", "expected"),
    [
        ("2024-03-05T06:00", "2024-03-05T08:00:00+07:00"),  # the send time is after it
        ("2024-03-05T10:15", "2024-03-05T10:15:00+07:00"),  # inside office hours: at once
        ("2024-03-05T18:00", "2024-03-06T07:00:00+07:00"),  # after hours: next office start
        ("2024-03-08T18:00", "2024-03-11T07:00:00+07:00"),  # Friday evening: Monday
    ],
)
def test_an_opening_during_the_day_sends_at_the_first_office_moment_after_it(
    opens_at: str, expected: str
) -> None:
    schedule = schedule_with(
        reminders=reminders_with({"kind": "opened", "anchor": "opens"}),
    )
    period = dataclasses.replace(period_by_code(schedule, "2024-Q1", TZ), opens_at=local(opens_at))
    assert plan(schedule, period) == [("opened", expected)]


def test_reminders_after_the_closing_are_dropped() -> None:
    schedule = schedule_with(submission={"opens_days_before_window_end": 15, "late_days": 0})
    period = period_by_code(schedule, "2024-Q1", TZ)
    assert [kind for kind, _ in plan(schedule, period)] == [
        "opened",
        "before_5",
        "before_2",
        "before_1",
        "due_today",
    ]


def test_planned_reminders_carry_kind_anchor_and_overdue() -> None:
    planner = ReminderPlanner.from_schedule(bundled_schedule(), TZ)
    first, *_, last = planner.reminders(period_by_code(bundled_schedule(), "2024-Q1", TZ))
    assert first == PlannedReminder("opened", local("2024-02-26T08:00"), False, "opens")
    assert last == PlannedReminder("overdue_3", local("2024-03-14T08:00"), True, "deadline")


def test_digests_run_every_working_day_from_the_first_overdue_reminder_to_the_closing() -> None:
    schedule = bundled_schedule()
    period = period_by_code(schedule, "2024-Q1", TZ)
    instants = digest_instants(
        period,
        schedule.reminders,
        schedule.office_hours,
        WorkCalendar.for_policy(schedule.holidays),
        TZ,
    )
    assert instants[0].isoformat() == "2024-03-12T08:30:00+07:00"
    assert instants[-1].isoformat() == "2024-04-10T08:30:00+07:00"
    # 12-29/3: 14 working days; 1-10/4: 8.
    assert len(instants) == 22
    assert all(moment.weekday() < 5 for moment in instants)


def test_without_overdue_rules_digests_start_the_working_day_after_the_due_day() -> None:
    schedule = schedule_with(reminders=reminders_with({"kind": "opened", "anchor": "opens"}))
    planner = ReminderPlanner.from_schedule(schedule, TZ)
    digests = planner.digests(period_by_code(schedule, "2024-Y", TZ))
    assert digests[0].isoformat() == "2024-12-12T08:30:00+07:00"


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (local("2024-03-05T06:59:59"), False),
        (local("2024-03-05T07:00"), True),
        (local("2024-03-05T17:00"), True),
        (local("2024-03-05T17:00:01"), False),
        (local("2024-03-09T09:00"), False),  # Saturday
        (local("2024-02-13T09:00"), False),  # Tết 2024
        (local("2024-05-04T09:00"), True),  # make-up Saturday
        (dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC), True),  # 09:00 in Việt Nam
    ],
)
def test_in_office_hours(moment: dt.datetime, inside: bool) -> None:
    planner = ReminderPlanner.from_schedule(bundled_schedule(), TZ)
    assert planner.in_office_hours(moment) is inside


# --- what is due -----------------------------------------------------------------------------

HEAD_A = Recipient(member_id=1, telegram_user_id=101, unit_code="phong_a", role="head")
STAFF_A = Recipient(member_id=2, telegram_user_id=102, unit_code="phong_a", role="staff")
HEAD_B = Recipient(member_id=3, telegram_user_id=103, unit_code="xa_b", role="head")
HEAD_C = Recipient(
    member_id=4, telegram_user_id=104, unit_code="xa_c", role="head", reachable=False
)
COORDINATOR = Recipient(member_id=9, telegram_user_id=109, unit_code=None, role="coordinator")
PEOPLE = (HEAD_A, STAFF_A, HEAD_B, COORDINATOR)
Q1 = "2024-Q1"


def state(unit: str, *, period: str = Q1, **flags: Any) -> UnitState:
    """A pending unit state unless flags say otherwise."""
    values: dict[str, Any] = {"has_questions": True, "submitted": False, "answered": 3}
    return UnitState(unit_code=unit, period_code=period, total=20, **{**values, **flags})


def sweep(
    now: dt.datetime,
    states: tuple[UnitState, ...] = (state("phong_a"), state("xa_b")),
    *,
    claimed: frozenset[ReminderKey] = frozenset(),
    people: tuple[Recipient, ...] = PEOPLE,
    schedule: Schedule | None = None,
    grace: dt.timedelta = GRACE,
) -> Sweep[DueReminder]:
    """The unit reminders of 2024-Q1 at `now`."""
    schedule = schedule or bundled_schedule()
    return due_reminders(
        periods=[period_by_code(schedule, Q1, TZ)],
        planner=ReminderPlanner.from_schedule(schedule, TZ),
        recipients=people,
        unit_states=states,
        now=now,
        grace=grace,
        already_claimed=claimed,
    )


def keys(items: tuple[DueReminder, ...] | tuple[DueDigest, ...]) -> list[ReminderKey]:
    """The claim keys of a sweep's items, in order."""
    return [item.key for item in items]


def test_a_reminder_is_due_for_every_head_and_staff_of_pending_units() -> None:
    result = sweep(local("2024-03-07T08:00:30"))
    assert keys(result.due) == [
        ("phong_a", 1, Q1, "before_2"),
        ("phong_a", 2, Q1, "before_2"),
        ("xa_b", 3, Q1, "before_2"),
    ]
    first = result.due[0]
    assert first.member == HEAD_A
    assert first.scheduled_at == local("2024-03-07T08:00")
    assert (first.overdue, first.days_left_or_late, first.answered, first.total) == (
        False,
        4,
        3,
        20,
    )
    # Older reminders (opened, before_5) are long past the grace window: recorded as missed.
    assert {item.kind for item in result.missed} == {"opened", "before_5"}


def test_nothing_is_due_before_a_reminder_instant() -> None:
    assert sweep(local("2024-03-07T07:59:59")).due == ()


def test_an_overdue_reminder_counts_days_late() -> None:
    [due, *_] = sweep(local("2024-03-12T08:00")).due
    assert (due.kind, due.overdue, due.days_left_or_late) == ("overdue_1", True, -1)


def test_a_unit_that_submits_between_two_reminders_gets_no_further_ones() -> None:
    submitted = (state("phong_a", submitted=True), state("xa_b"))
    result = sweep(local("2024-03-08T08:00"), submitted)
    assert keys(result.due) == [("xa_b", 3, Q1, "before_1")]
    assert all(item.unit_code == "xa_b" for item in result.missed)


def test_a_returned_report_brings_the_reminders_back() -> None:
    returned = (state("phong_a", submitted=False, answered=20), state("xa_b", submitted=True))
    result = sweep(local("2024-03-11T07:30"), returned)
    assert keys(result.due) == [("phong_a", 1, Q1, "due_today"), ("phong_a", 2, Q1, "due_today")]
    assert result.due[0].answered == 20


def test_claimed_reminders_are_not_due_again() -> None:
    now = local("2024-03-07T08:01")
    first = sweep(now)
    claimed = frozenset(keys(first.due) + keys(first.missed))
    assert sweep(now, claimed=claimed) == Sweep()
    partly = frozenset({("phong_a", 2, Q1, "before_2")})
    assert keys(sweep(now, claimed=partly).due) == [
        ("phong_a", 1, Q1, "before_2"),
        ("xa_b", 3, Q1, "before_2"),
    ]


@pytest.mark.parametrize(
    ("now", "verdict"),
    [
        (local("2024-03-07T19:00"), "due"),  # 11 h late
        (local("2024-03-07T19:59:59"), "due"),
        (local("2024-03-07T20:00"), "missed"),  # exactly the grace window
        (local("2024-03-07T21:00"), "missed"),  # 13 h late
    ],
)
def test_a_late_reminder_is_caught_up_within_the_grace_window(
    now: dt.datetime, verdict: str
) -> None:
    # Office hours stretched over the whole day, so only the grace window decides.
    wide = schedule_with(office_hours={"start": "00:00", "end": "23:59:59"})
    result = sweep(now, people=(HEAD_A,), schedule=wide)
    kinds = {"due": [i.kind for i in result.due], "missed": [i.kind for i in result.missed]}
    assert "before_2" in kinds[verdict]
    assert "before_2" not in kinds["missed" if verdict == "due" else "due"]


def test_a_late_reminder_waits_for_office_hours_while_within_the_grace_window() -> None:
    afternoon = schedule_with(
        reminders=reminders_with(
            {"kind": "afternoon", "anchor": "deadline", "working_days": -2, "time": "16:00"}
        )
    )
    late_evening = sweep(local("2024-03-07T22:00"), people=(HEAD_A,), schedule=afternoon)
    assert late_evening == Sweep()  # 6 h late, office closed: neither sent nor given up
    before_office = sweep(local("2024-03-08T03:59"), people=(HEAD_A,), schedule=afternoon)
    assert before_office == Sweep()
    next_morning = sweep(local("2024-03-08T07:00"), people=(HEAD_A,), schedule=afternoon)
    assert keys(next_morning.missed) == [("phong_a", 1, Q1, "afternoon")]
    assert next_morning.due == ()


def test_a_downtime_over_a_weekend_never_sends_old_reminders_in_a_burst() -> None:
    # Down from Friday 8/3 07:00 to Monday 11/3 09:00: before_1 is missed, due_today is due.
    result = sweep(local("2024-03-11T09:00"), people=(HEAD_A,))
    assert [item.kind for item in result.due] == ["due_today"]
    assert [item.kind for item in result.missed] == ["opened", "before_5", "before_2", "before_1"]


def test_inactive_units_units_without_questions_and_absent_members_get_nothing() -> None:
    states = (
        state("phong_a", active=False),
        state("xa_b", has_questions=False),
        state("xa_c"),  # its only member was revoked, so it is absent from the recipients
        state("phong_d"),  # no state for xa_e either: unknown units get nothing
    )
    assert sweep(local("2024-03-07T08:00"), states) == Sweep()


def test_unreachable_members_are_still_listed_for_the_caller_to_record() -> None:
    result = sweep(local("2024-03-07T08:00"), (state("xa_c"),), people=(HEAD_C,))
    assert [(item.member.reachable, item.kind) for item in result.due] == [(False, "before_2")]


def test_states_of_other_periods_do_not_count() -> None:
    states = (state("phong_a", period="2024-H1"),)
    assert sweep(local("2024-03-07T08:00"), states) == Sweep()


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        sweep(dt.datetime(2024, 3, 7, 8, 0))  # noqa: DTZ001


# --- coordinator digests ---------------------------------------------------------------------


def digests(
    now: dt.datetime,
    states: tuple[UnitState, ...],
    *,
    claimed: frozenset[ReminderKey] = frozenset(),
    people: tuple[Recipient, ...] = (*PEOPLE, HEAD_C),
) -> Sweep[DueDigest]:
    """The coordinator digests of 2024-Q1 at `now`."""
    return due_digests(
        periods=[period_by_code(bundled_schedule(), Q1, TZ)],
        planner=ReminderPlanner.from_schedule(bundled_schedule(), TZ),
        recipients=people,
        unit_states=states,
        now=now,
        grace=GRACE,
        already_claimed=claimed,
    )


DIGEST_STATES = (
    state("phong_a"),
    state("xa_b", submitted=True),
    state("xa_c"),  # its only head is unreachable
    state("xa_e"),  # nobody linked
    state("xa_f", active=False),
    state("xa_g", has_questions=False),
)


def test_the_digest_lists_only_overdue_units_and_those_no_reminder_reaches() -> None:
    result = digests(local("2024-03-12T08:30"), DIGEST_STATES)
    [digest] = result.due
    assert digest.key == (None, 9, Q1, "digest-2024-03-12")
    assert digest.coordinator == COORDINATOR
    assert digest.day == D(2024, 3, 12)
    assert digest.overdue_units == ("phong_a", "xa_c", "xa_e")
    assert digest.unreachable_units == ("xa_c", "xa_e")
    assert result.missed == ()


def test_the_digest_goes_out_once_per_day() -> None:
    today = digests(local("2024-03-12T09:00"), DIGEST_STATES)
    claimed = frozenset(keys(today.due))
    assert digests(local("2024-03-12T15:00"), DIGEST_STATES, claimed=claimed) == Sweep()
    tomorrow = digests(local("2024-03-13T08:30"), DIGEST_STATES, claimed=claimed)
    assert keys(tomorrow.due) == [(None, 9, Q1, digest_kind(D(2024, 3, 13)))]


def test_no_digest_before_the_first_overdue_day_or_without_overdue_units() -> None:
    assert digests(local("2024-03-11T09:00"), DIGEST_STATES) == Sweep()
    assert digests(local("2024-03-12T08:29"), DIGEST_STATES) == Sweep()
    all_in = (state("phong_a", submitted=True), state("xa_b", submitted=True))
    assert digests(local("2024-03-12T09:00"), all_in) == Sweep()


def test_a_stale_digest_is_missed_and_only_the_latest_day_counts() -> None:
    # Friday 15/3 08:30 is more than 12 h old on Saturday; Monday's has not come yet.
    saturday = digests(local("2024-03-16T10:00"), DIGEST_STATES)
    assert saturday.due == ()
    assert keys(saturday.missed) == [(None, 9, Q1, "digest-2024-03-15")]
    monday = digests(local("2024-03-18T08:31"), DIGEST_STATES)
    assert keys(monday.due) == [(None, 9, Q1, "digest-2024-03-18")]
    assert monday.missed == ()


def test_no_digest_without_a_coordinator() -> None:
    assert digests(local("2024-03-12T09:00"), DIGEST_STATES, people=(HEAD_A,)) == Sweep()


# --- properties ------------------------------------------------------------------------------

PLANNER = ReminderPlanner.from_schedule(bundled_schedule(), TZ)
PERIODS = periods_in_years(bundled_schedule(), TZ, 2024, 2026)
UNITS = ("phong_a", "xa_b", "xa_c")
MEMBERS = (HEAD_A, STAFF_A, HEAD_B, HEAD_C)
KINDS = tuple(rule.kind for rule in bundled_schedule().reminders.schedule)

unit_states = st.tuples(
    *(
        st.builds(
            UnitState,
            unit_code=st.just(unit),
            period_code=st.sampled_from([p.code for p in PERIODS]),
            has_questions=st.booleans(),
            submitted=st.booleans(),
            active=st.booleans(),
        )
        for unit in UNITS
    )
)
claimed_keys = st.frozensets(
    st.builds(
        lambda member, period, kind: (member.unit_code, member.member_id, period.code, kind),
        st.sampled_from(MEMBERS),
        st.sampled_from(PERIODS),
        st.sampled_from(KINDS),
    ),
    max_size=20,
)
instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2026, 12, 31, 23, 59),  # noqa: DTZ001
    timezones=st.just(TZ),
)


def run(
    now: dt.datetime, states: tuple[UnitState, ...], claimed: frozenset[ReminderKey]
) -> Sweep[DueReminder]:
    """Every reminder of 2024-2026 at `now` for the property tests."""
    return due_reminders(
        periods=PERIODS,
        planner=PLANNER,
        recipients=MEMBERS,
        unit_states=states,
        now=now,
        grace=GRACE,
        already_claimed=claimed,
    )


@settings(max_examples=300, deadline=None)
@given(now=instants, states=unit_states, claimed=claimed_keys)
def test_due_reminders_are_past_unclaimed_and_idempotent(
    now: dt.datetime, states: tuple[UnitState, ...], claimed: frozenset[ReminderKey]
) -> None:
    result = run(now, states, claimed)
    pending = {(s.unit_code, s.period_code) for s in states if s.pending}
    for item in result.due:
        assert item.scheduled_at <= now
        assert now - item.scheduled_at < GRACE
        assert item.key not in claimed
        assert (item.unit_code, item.period_code) in pending
        assert PLANNER.in_office_hours(now)
    for item in result.missed:
        assert item.key not in claimed
        assert item.scheduled_at <= now
    assert len(set(keys(result.due) + keys(result.missed))) == len(result.due) + len(result.missed)

    after_sending = run(now, states, claimed | frozenset(keys(result.due)))
    assert after_sending.due == ()
    assert after_sending.missed == result.missed
    after_recording = claimed | frozenset(keys(result.due) + keys(result.missed))
    assert run(now, states, after_recording) == Sweep()


@settings(max_examples=100, deadline=None)
@given(start=instants)
def test_ticking_sends_or_records_every_reminder_exactly_once(start: dt.datetime) -> None:
    states = tuple(
        UnitState(unit_code="phong_a", period_code=p.code, has_questions=True, submitted=False)
        for p in PERIODS
    )
    claimed: set[ReminderKey] = set()
    tick = start
    for _ in range(96):  # two days of half-hourly ticks
        result = run(tick, states, frozenset(claimed))
        new = keys(result.due) + keys(result.missed)
        assert claimed.isdisjoint(new)
        assert len(set(new)) == len(new)
        claimed.update(new)
        last, tick = tick, tick + dt.timedelta(minutes=30)
    # Nothing is lost silently: every reminder older than the grace window was settled.
    settled = {
        ("phong_a", member.member_id, period.code, reminder.kind)
        for period in PERIODS
        for reminder in PLANNER.reminders(period)
        if start <= reminder.at <= last - GRACE
        for member in (HEAD_A, STAFF_A)
    }
    assert settled <= claimed


def test_the_module_imports_neither_telegram_nor_sqlalchemy() -> None:
    code = (
        "import sys, cchc_bot.reminder_plan; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_planner_takes_office_hours_and_grace_from_the_schedule() -> None:
    planner = ReminderPlanner.from_schedule(bundled_schedule(), TZ)
    assert planner.office_hours == OfficeHours()
    assert planner.grace == GRACE
