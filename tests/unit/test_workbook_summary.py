"""The "Tổng hợp" and "Chưa đạt chỉ tiêu" sheets against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from cchc_bot.aggregation import Comparisons, EarlierPeriod, ExportData, Figure, UnitReport
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.units import GroupConfig
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "t",
        "sections": [
            {
                "code": "A",
                "title": "1. Số liệu",
                "indicators": [
                    {"id": "cnt", "label": "Số cuộc kiểm tra", "type": "integer",
                     "unit": "cuộc", "cumulative": True,
                     "target": {"default": {"op": ">=", "plan": 60},
                                "cap_xa": {"op": ">=", "value": 5}}},
                    {"id": "rat", "label": "Tỷ lệ hồ sơ đúng hạn", "type": "ratio",
                     "cumulative": True, "numerator": {"label": "Đúng hạn"},
                     "denominator": {"label": "Đã giải quyết"},
                     "target": {"op": ">=", "value": 100}},
                    {"id": "snap", "label": "Số công chức", "type": "integer", "unit": "người"},
                    {"id": "score", "label": "Điểm tự chấm", "type": "decimal", "unit": "điểm",
                     "aggregate": "mean"},
                    {"id": "txt", "label": "Kiến nghị", "type": "text", "required": False},
                ],
            }
        ],
    }
)  # fmt: skip
ALL = frozenset(ind.id for _, ind in QUESTIONNAIRE.indicators())
GROUPS = (
    GroupConfig(code="cap_huyen", label="Cấp huyện", order=1),
    GroupConfig(code="nganh_doc", label="Ngành dọc", order=2, in_total=False),
    GroupConfig(code="cap_xa", label="Cấp xã", order=3),
)
N = Figure.number
WHY = "Thiếu công chức ở Bộ phận Một cửa"
R = Figure.ratio


def report(code: str, kind: str, group: str, **figures: Figure) -> UnitReport:
    """A submitted report asked every indicator."""
    return UnitReport(code, code, kind, "submitted", figures=figures, applicable=ALL, group=group)


@functools.cache
def sample() -> ExportData:
    """6 tháng 2024: two phòng, one ngành dọc, two xã, with Q1/2024 and 6 tháng/2023."""
    units = [
        report("ph_a", "phong", "cap_huyen", cnt=N(10), rat=R(9, 10), snap=N(5),
               score=N("85.5"), txt=Figure.answer("Đề nghị tập huấn")),
        report("ph_b", "phong", "cap_huyen", cnt=N(20), score=N(90)),
        report("ng_c", "co_quan_tinh", "nganh_doc", cnt=N(100), rat=R(1, 2), snap=N(50)),
        report("xa_d", "xa", "cap_xa", cnt=N(3), rat=R(18, 20, explanation=WHY), snap=N(7),
               score=N("78.25"), txt=Figure.answer("Không")),
        report("xa_e", "xa", "cap_xa", cnt=N(12), rat=R(0, 0)),
    ]  # fmt: skip
    q1 = EarlierPeriod(
        "2024-Q1",
        "Quý I/2024",
        {
            "ph_a": {"cnt": N(4), "rat": R(4, 5), "snap": N(4)},
            "ph_b": {"cnt": N(5)},
            "ng_c": {"cnt": N(50), "snap": N(40)},
            "xa_d": {"cnt": N(1), "rat": R(8, 10), "snap": N(6)},
        },
    )
    last_year = EarlierPeriod(
        "2023-H1",
        "6 tháng đầu năm 2023",
        {"ph_a": {"cnt": N(8)}, "xa_d": {"cnt": N(2)}, "ng_c": {"cnt": N(70)}},
    )
    schedule = load_configuration(bundled_config_dir()).schedule
    period = period_by_code(schedule, "2024-H1", TZ)
    return ExportData(
        period=period,
        questionnaire=QUESTIONNAIRE,
        units=units,
        previous=None,
        reminders=[],
        generated_at=dt.datetime(2024, 6, 12, 1, 0, tzinfo=dt.UTC),
        tz=TZ,
        groups=GROUPS,
        comparisons=Comparisons(
            same_last_year=last_year,
            previous=q1,
            basis=(q1,),
            increment_start=dt.date(2024, 3, 11),
            increment_end=dt.date(2024, 6, 10),
        ),
    )


@pytest.fixture(scope="module")
def book() -> Iterator[Any]:
    """The sample written and read back by openpyxl."""
    buffer = io.BytesIO()
    write_xlsx(sample(), buffer)
    buffer.seek(0)
    workbook = openpyxl.load_workbook(buffer)
    yield workbook
    workbook.close()


def line(book: Any, indicator_id: str) -> dict[str, Any]:
    """One indicator's line of "Tổng hợp", value by header."""
    table = [list(row) for row in book["Tổng hợp"].iter_rows(values_only=True)]
    header = next(row for row in table if row and row[0] == "Mã chỉ tiêu")
    row = next(row for row in table if row and row[0] == indicator_id)
    return dict(zip(header, row, strict=False))


SAME = "Cùng kỳ năm trước (6 tháng đầu năm 2023)"
PREVIOUS = "Kỳ trước (Quý I/2024)"
OWN = "Trong đó kỳ này (từ 11/3/2024 đến 10/6/2024)"


def test_groups_in_and_out_of_the_total(book: Any) -> None:
    cnt = line(book, "cnt")
    # Cấp huyện 10 + 20, ngành dọc 100 (shown, not added), cấp xã 3 + 12: 30 + 15 = 45.
    assert (cnt["Cấp huyện"], cnt["Ngành dọc (không cộng vào tổng)"], cnt["Cấp xã"]) == (
        30,
        100,
        15,
    )
    assert cnt["Số liệu tổng hợp"] == 45
    assert cnt["Đơn vị báo cáo"] == "4/4"  # the ngành dọc unit is not one of the total's
    covers = [
        r for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0] == "Số liệu tổng hợp gồm"
    ]
    assert covers[0][1] == "Cấp huyện, Cấp xã; không cộng vào tổng (chỉ hiện riêng): Ngành dọc"


def test_a_plan_gives_percent_of_plan_and_units_met(book: Any) -> None:
    cnt = line(book, "cnt")
    assert cnt["Chỉ tiêu giao"] == "≥ 60"
    assert cnt["% so với kế hoạch"] == pytest.approx(0.75)  # 45 / 60
    assert cnt["Đánh giá"] == "Chưa đạt"
    # The plan of 60 is the district's: phòng are held to none; xã to ≥ 5 (3: no, 12: yes).
    assert cnt["Số đơn vị đạt chỉ tiêu"] == "1/2"
    assert "đạt 45/60 = 75 % kế hoạch" in cnt["Ghi chú"]


def test_cumulative_figures_show_this_periods_own_part_and_no_previous_quarter(book: Any) -> None:
    cnt = line(book, "cnt")
    assert cnt[SAME] == 10  # 8 + 2; the ngành dọc's 70 is not in the total
    assert cnt[PREVIOUS] == "—"  # 6 tháng already holds Quý I
    assert cnt[OWN] == 23  # (10 - 4) + (20 - 5) + (3 - 1); xa_e has no Quý I figure
    assert "Kỳ này tính trên 3/4 đơn vị có đủ số liệu các kỳ trước" in cnt["Ghi chú"]


def test_ratio_total_groups_increment_and_target(book: Any) -> None:
    rat = line(book, "rat")
    assert rat["Số liệu tổng hợp"] == pytest.approx(27 / 30)  # (9 + 18) / (10 + 20)
    assert (rat["Cấp huyện"], rat["Cấp xã"]) == (pytest.approx(0.9), pytest.approx(0.9))
    assert rat["Ngành dọc (không cộng vào tổng)"] == pytest.approx(0.5)
    assert rat[OWN] == pytest.approx(1.0)  # (5 + 10) / (5 + 10)
    assert rat[SAME] == "chưa có số liệu"  # nobody reported it a year ago: never 0
    assert (rat["Đánh giá"], rat["Số đơn vị đạt chỉ tiêu"]) == ("Chưa đạt", "0/2")


def test_a_snapshot_figure_is_compared_with_the_previous_period(book: Any) -> None:
    snap = line(book, "snap")
    assert snap["Số liệu tổng hợp"] == 12  # 5 + 7
    assert snap[PREVIOUS] == 10  # 4 + 6 (ngành dọc's 40 left out)
    assert snap[SAME] == "chưa có số liệu"
    assert snap[OWN] is None


def test_scores_are_averaged_and_text_shows_how_many_answered(book: Any) -> None:
    score = line(book, "score")
    assert score["Số liệu tổng hợp"] == pytest.approx((85.5 + 90 + 78.25) / 3)
    assert (score["Thấp nhất"], score["Cao nhất"]) == (78.25, 90)
    txt = line(book, "txt")
    assert txt["Số liệu tổng hợp"] == 2
    assert (txt["Cấp huyện"], txt["Cấp xã"]) == (1, 1)
    assert "Chưa có số liệu" not in txt.values()


def test_missed_targets_sheet_lists_each_unit_and_its_explanation(book: Any) -> None:
    rows = list(book["Chưa đạt chỉ tiêu"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Mã đơn vị", "Tên đơn vị", "Nhóm", "Mã chỉ tiêu")
    missed = [(r[0], r[3], r[6], r[7]) for r in rows[1:]]
    assert missed == [
        ("ph_a", "rat", "≥ 100 %", "Chưa giải trình"),
        ("ng_c", "rat", "≥ 100 %", "Chưa giải trình"),  # 1/2: listed, though not in the total
        ("xa_d", "cnt", "≥ 5", "Chưa giải trình"),
        ("xa_d", "rat", "≥ 100 %", WHY),
    ]
