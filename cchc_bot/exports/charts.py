"""The status chart of a period as PNG bytes: states by unit kind, and submissions day by day."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cchc_bot.config.base import kind_label
from cchc_bot.date_format import format_day
from cchc_bot.number_format import format_number
from cchc_bot.texts.chart import CATEGORY_LABELS, TEXTS

if TYPE_CHECKING:
    # Only the shape is needed: importing the service at run time would pull in the database.
    from cchc_bot.services.status import PeriodStatus


# --- Layout ---------------------------------------------------------------------------------

CATEGORY_COLORS = {
    "submitted_on_time": "#2e7d32",
    "submitted_late": "#f9a825",
    "draft": "#1e88e5",
    "not_started": "#bdbdbd",
    "no_account": "#6d4c41",
    "returned": "#c62828",
}
WIDTH_PX = 1000
HEIGHT_PX = 700
DPI = 100
FONT = "DejaVu Sans"  # ships with matplotlib and covers Vietnamese diacritics
_MAX_DAY_TICKS = 16
# rc_context changes matplotlib's global settings for the drawing: one drawing at a time.
_DRAWING = threading.Lock()
_GREY = "#616161"
_DEADLINE_COLOR = "#c62828"
_MIN_LABEL_SHARE = 0.04  # segments narrower than this share of the axis carry no number
# Head room above the number of units: the deadline label lives there, above any data.
_HEAD_ROOM = 1.25


def status_chart(
    status: PeriodStatus,
    submissions_by_day: Sequence[tuple[dt.date, int]],
    *,
    today: dt.date | None = None,
) -> bytes:
    """Draw the period's status (stacked bars by unit kind) and cumulative submissions as PNG.

    `today` (in the bot's time zone) ends the cumulative line; without it the line runs to
    the deadline or the last submission, as if the period were over.
    """
    with _DRAWING, matplotlib.rc_context({"font.family": FONT, "font.size": 10}):
        figure = _build(status, submissions_by_day, today)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def status_figure(
    status: PeriodStatus,
    submissions_by_day: Sequence[tuple[dt.date, int]],
    *,
    today: dt.date | None = None,
) -> Figure:
    """The chart as a matplotlib figure (what `status_chart` renders), for inspection."""
    with _DRAWING, matplotlib.rc_context({"font.family": FONT, "font.size": 10}):
        return _build(status, submissions_by_day, today)


def _build(
    status: PeriodStatus,
    submissions_by_day: Sequence[tuple[dt.date, int]],
    today: dt.date | None,
) -> Figure:
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    kinds_axes, days_axes = figure.subplots(2, 1, height_ratios=(1, 1.1))
    title = TEXTS["title"].format(label=status.period.label)
    figure.suptitle(
        TEXTS["closed"].format(title=title) if status.closed else title,
        fontsize=14,
        fontweight="bold",
    )
    _draw_kinds(kinds_axes, status)
    _draw_days(days_axes, status, submissions_by_day, today)
    return figure


def status_by_kind(status: PeriodStatus) -> dict[str, Counter[str]]:
    """How many units of each kind are in each chart category, every configured kind included."""
    result: dict[str, Counter[str]] = {kind.code: Counter() for kind in status.kinds}
    for unit in status.units:
        if unit.state == "submitted":
            category = "submitted_late" if unit.late else "submitted_on_time"
        elif unit.state == "not_started" and not unit.linked:
            category = "no_account"
        else:
            category = unit.state
        result.setdefault(unit.kind, Counter())[category] += 1
    return result


def cumulative_submissions(
    submissions_by_day: Sequence[tuple[dt.date, int]], first: dt.date, last: dt.date
) -> list[tuple[dt.date, int]]:
    """Running total of submissions for every day from `first` to `last` (earlier days included)."""
    per_day: Counter[dt.date] = Counter()
    for day, count in submissions_by_day:
        per_day[day] += count
    running = sum(count for day, count in per_day.items() if day < first)
    result = []
    day = first
    while day <= last:
        running += per_day.get(day, 0)
        result.append((day, running))
        day += dt.timedelta(days=1)
    return result


def _draw_kinds(axes: Axes, status: PeriodStatus) -> None:
    by_kind = status_by_kind(status)
    kinds = list(by_kind)
    labels = [kind_label(kind, status.kinds) for kind in kinds]
    positions = list(range(len(kinds)))
    totals = [sum(by_kind[kind].values()) for kind in kinds]
    widest = max([*totals, 1])
    left = [0] * len(kinds)
    for category, name in CATEGORY_LABELS.items():
        widths = [by_kind[kind][category] for kind in kinds]
        bars = axes.barh(
            positions, widths, left=left, color=CATEGORY_COLORS[category], label=name, height=0.6
        )
        shown = [format_number(w) if w and w / widest >= _MIN_LABEL_SHARE else "" for w in widths]
        axes.bar_label(bars, labels=shown, label_type="center", fontsize=9, color="black")
        left = [start + width for start, width in zip(left, widths, strict=True)]
    for position, total in zip(positions, totals, strict=True):
        axes.text(total + widest * 0.01, position, format_number(total), va="center", fontsize=9)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, widest * 1.08)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(TEXTS["units_axis"])
    axes.set_title(TEXTS["kinds"], loc="left", fontweight="bold")
    axes.legend(
        ncols=-(-len(CATEGORY_LABELS) // 2),  # two rows: six entries do not fit on one
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        frameon=False,
        fontsize=9,
    )
    axes.spines[["top", "right"]].set_visible(False)


def _draw_days(
    axes: Axes,
    status: PeriodStatus,
    submissions_by_day: Sequence[tuple[dt.date, int]],
    today: dt.date | None,
) -> None:
    period = status.period
    deadline = period.deadline.date()
    first = min(period.opens_at.astimezone(period.deadline.tzinfo).date(), deadline)
    closes = period.closes_at.astimezone(period.deadline.tzinfo).date()
    shown_today = [] if today is None else [min(today, closes)]
    last = max([deadline, *shown_today, *(day for day, _ in submissions_by_day)])
    series = cumulative_submissions(submissions_by_day, first, last)
    # The line stops at today: what happens after it is not known yet.
    drawn = series if today is None else [point for point in series if point[0] <= today]
    # Days are plotted as offsets from the first day, labelled d/m, so no date converter is needed.
    xs = list(range(len(drawn)))
    ys = [count for _, count in drawn]
    color = CATEGORY_COLORS["submitted_on_time"]
    axes.plot(xs, ys, color=color, linewidth=2, marker="o", markersize=3, gid="cumulative")
    if xs:
        axes.fill_between(xs, ys, color=color, alpha=0.15)
    total = len(status.units)
    top = max([total, *ys, 1]) * _HEAD_ROOM
    axes.axhline(total, color=_GREY, linestyle="--", linewidth=1)
    axes.annotate(
        TEXTS["total"].format(count=format_number(total)),
        (0, total),
        xytext=(4, 4),
        textcoords="offset points",
        fontsize=9,
        color=_GREY,
        gid="total",
    )
    deadline_x = (deadline - first).days
    axes.axvline(deadline_x, color=_DEADLINE_COLOR, linewidth=1.5)
    # At the top of the axes, in the head room above every count, beside the deadline line
    # on the side away from the total's label (which sits at the left end).
    axes.annotate(
        TEXTS["deadline"].format(day=format_day(deadline)),
        (deadline_x, 1.0),
        xycoords=axes.get_xaxis_transform(),
        xytext=(5, -4),
        textcoords="offset points",
        ha="left" if deadline_x < len(series) * 0.8 else "right",
        va="top",
        fontsize=9,
        color=_DEADLINE_COLOR,
        gid="deadline",
    )
    if not ys or ys[-1] == 0:
        axes.text(
            0.5,
            0.5,
            TEXTS["empty"],
            transform=axes.transAxes,
            ha="center",
            va="center",
            color=_GREY,
        )
    step = max(1, -(-len(series) // _MAX_DAY_TICKS))
    ticks = list(range(0, len(series), step))
    axes.set_xticks(ticks, [f"{series[i][0].day}/{series[i][0].month}" for i in ticks])
    axes.set_xlim(-0.5, len(series) - 0.5)
    axes.set_ylim(0, top)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel(TEXTS["reports_axis"])
    axes.set_title(TEXTS["days"], loc="left", fontweight="bold")
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
