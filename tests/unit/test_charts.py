"""The status chart: a 1000×700 PNG that renders Vietnamese, empty kinds and 5,000 units quickly."""

from __future__ import annotations

import datetime as dt
import functools
import struct
import time
import warnings
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.calendar import ReportingPeriod, period_by_code
from cchc_bot.charts import cumulative_submissions, status_by_kind, status_chart
from cchc_bot.config.loading import load_configuration
from cchc_bot.services.status import PeriodStatus, UnitStatus
from cchc_bot.settings import bundled_config_dir

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
D = dt.date


@functools.cache
def q1() -> ReportingPeriod:
    """Quý I/2024 of the bundled schedule."""
    config = load_configuration(bundled_config_dir())
    return period_by_code(config.schedule, "2024-Q1", ZoneInfo("Asia/Ho_Chi_Minh"))


def unit(number: int, kind: str, state: str, *, late: bool = False) -> UnitStatus:
    """One unit's status."""
    return UnitStatus(
        code=f"u{number}",
        name=f"Đơn vị {number}",
        kind=kind,
        state=state,
        late=late,
        submitted_at=None,
        answered=0,
        total=30,
        linked=True,
        reachable=True,
        version=1 if state in ("submitted", "returned") else 0,
        returned_reason=None,
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def render(status: PeriodStatus, days: list[tuple[dt.date, int]]) -> bytes:
    """Draw, failing on any warning (a missing glyph is one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return status_chart(status, days)


def test_chart_is_a_1000_by_700_png() -> None:
    status = PeriodStatus(
        q1(),
        False,
        (
            unit(1, "xa", "submitted"),
            unit(2, "xa", "submitted", late=True),
            unit(3, "phong", "draft"),
            unit(4, "dvsn", "not_started"),
            unit(5, "co_quan_tinh", "returned"),
        ),
    )
    png = render(status, [(D(2024, 3, 8), 1), (D(2024, 3, 12), 1)])
    assert png_size(png) == (1000, 700)
    assert len(png) > 20_000  # text and bars were drawn, not a blank canvas


def test_chart_renders_kinds_without_units_no_units_and_no_submissions() -> None:
    only_communes = PeriodStatus(q1(), True, (unit(1, "xa", "not_started"),))
    assert png_size(render(only_communes, [])) == (1000, 700)
    nobody = PeriodStatus(q1(), False, ())
    assert png_size(render(nobody, [])) == (1000, 700)


def test_chart_of_5000_units_takes_under_two_seconds() -> None:
    kinds = ("xa", "xa", "xa", "phong", "dvsn", "co_quan_tinh")
    states = ("submitted", "submitted", "submitted", "draft", "not_started", "returned")
    units = tuple(
        unit(i, kinds[i % len(kinds)], states[i % len(states)], late=i % 7 == 0)
        for i in range(5000)
    )
    status = PeriodStatus(q1(), False, units)
    days = [(D(2024, 2, 25) + dt.timedelta(days=k), 150) for k in range(20)]
    render(status, days)  # the first drawing of a process loads fonts
    started = time.perf_counter()
    png = render(status, days)
    assert time.perf_counter() - started <= 2.0
    assert png_size(png) == (1000, 700)


def test_status_by_kind_splits_submissions_on_time_and_late() -> None:
    status = PeriodStatus(
        q1(),
        False,
        (
            unit(1, "xa", "submitted"),
            unit(2, "xa", "submitted", late=True),
            unit(3, "xa", "submitted", late=True),
            unit(4, "phong", "returned", late=True),
            unit(5, "tinh_moi", "draft"),
        ),
    )
    by_kind = status_by_kind(status)
    assert list(by_kind) == ["phong", "dvsn", "co_quan_tinh", "xa", "tinh_moi"]
    assert by_kind["xa"] == Counter(submitted_on_time=1, submitted_late=2)
    assert by_kind["phong"] == Counter(returned=1)
    assert by_kind["dvsn"] == Counter()
    assert by_kind["tinh_moi"] == Counter(draft=1)


@pytest.mark.parametrize(
    ("per_day", "expected"),
    [
        ([], [(D(2024, 3, 9), 0), (D(2024, 3, 10), 0), (D(2024, 3, 11), 0)]),
        (
            [(D(2024, 3, 11), 2), (D(2024, 3, 1), 4), (D(2024, 3, 10), 1), (D(2024, 3, 10), 3)],
            [(D(2024, 3, 9), 4), (D(2024, 3, 10), 8), (D(2024, 3, 11), 10)],
        ),
    ],
)
def test_cumulative_submissions_count_earlier_days_and_fill_gaps(
    per_day: list[tuple[dt.date, int]], expected: list[tuple[dt.date, int]]
) -> None:
    assert cumulative_submissions(per_day, D(2024, 3, 9), D(2024, 3, 11)) == expected
