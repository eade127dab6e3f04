"""The status chart: a 1000×700 PNG that renders Vietnamese, empty kinds and 5,000 units quickly."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import struct
import time
import warnings
from collections import Counter
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from cchc_bot.config.loading import load_configuration
from cchc_bot.exports.charts import (
    cumulative_submissions,
    status_by_kind,
    status_chart,
    status_figure,
)
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.status import PeriodStatus, UnitStatus
from cchc_bot.texts.chart import CATEGORY_LABELS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
D = dt.date


@functools.cache
def q1() -> ReportingPeriod:
    """Quý I/2024 of the bundled schedule."""
    config = load_configuration(bundled_config_dir())
    return period_by_code(config.schedule, "2024-Q1", ZoneInfo("Asia/Ho_Chi_Minh"))


def unit(
    number: int, kind: str, state: str, *, late: bool = False, linked: bool = True
) -> UnitStatus:
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
        linked=linked,
        reachable=linked,
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


def _artist(figure: Figure, gid: str) -> Line2D | Text:
    """The one artist of the days chart with this gid."""
    days_axes = figure.axes[1]
    found = [a for a in [*days_axes.lines, *days_axes.texts] if a.get_gid() == gid]
    assert len(found) == 1, [a.get_gid() for a in [*days_axes.lines, *days_axes.texts]]
    artist = found[0]
    assert isinstance(artist, Line2D | Text)
    return artist


def _cumulative(figure: Figure) -> tuple[list[float], list[float]]:
    line = _artist(figure, "cumulative")
    assert isinstance(line, Line2D)
    xs = np.asarray(line.get_xdata(), dtype=float)
    ys = np.asarray(line.get_ydata(), dtype=float)
    return [float(x) for x in xs], [float(y) for y in ys]


# Quý I/2024 opens on 24/2 (day 0 of the chart) and is due on 11/3: day 16 (2024 is a leap year).
OPENING = D(2024, 2, 24)
DEADLINE_DAY = 16


def test_cumulative_line_stops_today_and_the_axis_still_reaches_the_deadline() -> None:
    status = PeriodStatus(q1(), False, tuple(unit(i, "xa", "draft") for i in range(6)))
    days = [(D(2024, 2, 26), 1), (D(2024, 3, 1), 2)]
    figure = status_figure(status, days, today=D(2024, 3, 5))
    xs, ys = _cumulative(figure)
    assert xs == [float(day) for day in range(11)]  # 24/2 .. 5/3
    assert ys[-1] == 3
    assert ys[2] == 1  # 26/2
    assert figure.axes[1].get_xlim()[1] >= DEADLINE_DAY


def test_no_line_before_the_period_opens() -> None:
    status = PeriodStatus(q1(), False, (unit(1, "xa", "not_started"),))
    xs, ys = _cumulative(status_figure(status, [], today=D(2024, 2, 20)))
    assert (xs, ys) == ([], [])


def test_after_the_deadline_the_line_runs_to_today_through_late_submissions() -> None:
    status = PeriodStatus(q1(), False, tuple(unit(i, "xa", "draft") for i in range(4)))
    days = [(D(2024, 3, 4), 2), (D(2024, 3, 14), 1)]
    xs, ys = _cumulative(status_figure(status, days, today=D(2024, 3, 18)))
    assert xs[-1] == (D(2024, 3, 18) - OPENING).days
    assert ys[-1] == 3
    assert figure_xlim_right(status, days, D(2024, 3, 18)) >= xs[-1]


def figure_xlim_right(
    status: PeriodStatus, days: list[tuple[dt.date, int]], today: dt.date
) -> float:
    """Where the days axis ends."""
    return float(status_figure(status, days, today=today).axes[1].get_xlim()[1])


def _overlaps_line(figure: Figure, label: Text) -> bool:
    """Whether the label's box touches the cumulative line (its segments sampled densely)."""
    figure.canvas.draw()
    box = label.get_window_extent()
    line = _artist(figure, "cumulative")
    assert isinstance(line, Line2D)
    transform = figure.axes[1].transData
    xs, ys = _cumulative(figure)
    points = list(zip(xs, ys, strict=True))
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for step in range(21):
            t = step / 20
            px, py = transform.transform((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
            # The margin covers half the line's width and its markers.
            if box.x0 - 4 <= px <= box.x1 + 4 and box.y0 - 4 <= py <= box.y1 + 4:
                return True
    return False


@pytest.mark.parametrize(
    ("units", "days", "today"),
    [
        # Nobody submitted: the line runs along the bottom through the deadline.
        (tuple(unit(i, "xa", "not_started") for i in range(5)), [], D(2024, 3, 20)),
        # Everybody submitted early: the line runs along the total through the deadline.
        (tuple(unit(i, "xa", "submitted") for i in range(5)), [(D(2024, 3, 1), 5)], D(2024, 3, 20)),
        # A few of many submitted: the line runs low, where a label at the foot would sit.
        (
            tuple(unit(i, "xa", "draft") for i in range(40)),
            [(D(2024, 3, 1), 1), (D(2024, 3, 8), 2)],
            D(2024, 3, 20),
        ),
        # Half-way, on the deadline day itself.
        (
            tuple(unit(i, "xa", "submitted") for i in range(10)),
            [(D(2024, 3, 8), 3), (D(2024, 3, 11), 2)],
            D(2024, 3, 11),
        ),
    ],
)
def test_deadline_label_never_sits_on_the_line(
    units: tuple[UnitStatus, ...], days: list[tuple[dt.date, int]], today: dt.date
) -> None:
    figure = status_figure(PeriodStatus(q1(), False, units), days, today=today)
    label = _artist(figure, "deadline")
    assert isinstance(label, Text)
    assert label.get_text() == "Hạn nộp 11/3/2024"
    assert not _overlaps_line(figure, label)
    total = _artist(figure, "total")
    assert isinstance(total, Text)
    assert not label.get_window_extent().overlaps(total.get_window_extent())


def test_units_without_an_account_have_their_own_bar_segment() -> None:
    status = PeriodStatus(
        q1(),
        False,
        (
            unit(1, "xa", "not_started", linked=False),
            unit(2, "xa", "not_started", linked=False),
            unit(3, "xa", "not_started"),
            unit(4, "xa", "submitted"),
            unit(5, "phong", "not_started", linked=False),
        ),
    )
    by_kind = status_by_kind(status)
    assert by_kind["xa"] == Counter(no_account=2, not_started=1, submitted_on_time=1)
    assert by_kind["phong"] == Counter(no_account=1)
    figure = status_figure(status, [], today=D(2024, 3, 5))
    kinds_axes = figure.axes[0]
    legend = kinds_axes.get_legend()
    assert legend is not None
    names = [text.get_text() for text in legend.get_texts()]
    assert CATEGORY_LABELS["no_account"] == "Chưa có tài khoản"
    assert "Chưa có tài khoản" in names
    # The segment's bars: one per kind, as wide as the count of units without an account.
    container = next(c for c in kinds_axes.containers if c.get_label() == "Chưa có tài khoản")
    widths = {
        label.get_text(): patch.get_width()
        for label, patch in zip(kinds_axes.get_yticklabels(), container, strict=True)
    }
    assert widths == {
        "Phòng chuyên môn": 1,
        "Đơn vị sự nghiệp": 0,
        "Cơ quan tỉnh trên địa bàn": 0,
        "Xã, thị trấn": 2,
    }
