"""Per-group tallies and the district total over the groups `in_total`, with `counted_by`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.aggregation import (
    NOT_ARISEN,
    ExportData,
    Figure,
    GroupedTotal,
    UnitReport,
    aggregate_by_group,
)
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.units import GroupConfig
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code
from cchc_bot.periods import ReportingPeriod

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = Decimal

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "groups",
        "sections": [
            {
                "code": "SO",
                "title": "Số liệu",
                "indicators": [
                    {"id": "cnt", "label": "Số văn bản", "type": "integer"},
                    {"id": "rat", "label": "Tỷ lệ đúng hạn", "type": "ratio",
                     "numerator": {"label": "Đúng hạn"}, "denominator": {"label": "Đã giải quyết"}},
                    {"id": "score", "label": "Điểm tự đánh giá", "type": "decimal",
                     "unit": "điểm", "aggregate": "mean"},
                    {"id": "yn", "label": "Có quy chế", "type": "boolean"},
                    {"id": "one_stop", "label": "Hồ sơ Một cửa", "type": "integer",
                     "counted_by": "cap_huyen"},
                ],
            }
        ],
    }
)  # fmt: skip
GROUPS = (
    GroupConfig(code="cap_huyen", label="Cấp huyện", order=1),
    GroupConfig(code="nganh_doc", label="Ngành dọc", order=2, in_total=False),
    GroupConfig(code="cap_xa", label="Cấp xã", order=3),
)
COMMON = frozenset({"cnt", "rat", "yn"})


def unit(
    code: str,
    kind: str,
    figures: Mapping[str, Figure],
    *,
    extra: frozenset[str] = frozenset(),
    state: str = "submitted",
) -> UnitReport:
    """A unit of a kind (its group derived from the kind)."""
    return UnitReport(
        code=code,
        name=code,
        kind=kind,
        state=state,
        figures=figures,
        applicable=COMMON | extra,
    )


UNITS = [
    unit("h1", "phong", {"cnt": Figure.number(4), "rat": Figure.ratio(9, 10),
                         "score": Figure.number("85.5"), "yn": Figure.yes_no(True),
                         "one_stop": Figure.number(100)},
         extra=frozenset({"score", "one_stop"})),
    unit("h2", "dvsn", {"cnt": Figure.number(6), "rat": Figure.ratio(1, 2),
                        "yn": Figure.yes_no(False)}),
    unit("n1", "co_quan_tinh", {"cnt": Figure.number(100), "rat": Figure.ratio(50, 50),
                                "yn": Figure.yes_no(True)}),
    unit("x1", "xa", {"cnt": Figure.number(5), "rat": Figure.ratio(3, 8),
                      "score": Figure.number(90), "yn": Figure.yes_no(True),
                      "one_stop": Figure.number(30)},
         extra=frozenset({"score", "one_stop"})),
    unit("x2", "xa", {"cnt": Figure.number(0), "rat": NOT_ARISEN,
                      "score": Figure.number("78.25"), "yn": Figure.yes_no(False)},
         extra=frozenset({"score"})),
    unit("x3", "xa", {"cnt": Figure.number(999)}, extra=frozenset({"score"}), state="draft"),
]  # fmt: skip


@functools.cache
def quarter() -> ReportingPeriod:
    """Quý I 2024 of the bundled schedule."""
    schedule = load_configuration(bundled_config_dir()).schedule
    return period_by_code(schedule, "2024-Q1", TZ)


def export(units: Sequence[UnitReport], groups: Sequence[GroupConfig] = GROUPS) -> ExportData:
    """Export data of the test questionnaire."""
    return ExportData(
        period=quarter(),
        questionnaire=QUESTIONNAIRE,
        units=units,
        previous=None,
        reminders=(),
        generated_at=dt.datetime(2024, 3, 12, 9, 0, tzinfo=TZ),
        tz=TZ,
        groups=groups,
    )


def line(data: ExportData, indicator_id: str) -> GroupedTotal:
    """The grouped line of one indicator."""
    return next(t for t in aggregate_by_group(data) if t.indicator.id == indicator_id)


def test_counts_by_group_and_total_without_the_group_left_out() -> None:
    cnt = line(export(UNITS), "cnt")
    by_group = {g.code: (g.tally.value, g.tally.reported, g.tally.expected) for g in cnt.groups}
    # cấp huyện 4 + 6; ngành dọc 100; cấp xã 5 + 0 (x3's draft is not counted, but expected).
    assert by_group == {
        "cap_huyen": (D(10), 2, 2),
        "nganh_doc": (D(100), 1, 1),
        "cap_xa": (D(5), 2, 3),
    }
    assert [g.in_total for g in cnt.groups] == [True, False, True]
    assert (cnt.total.value, cnt.total.reported, cnt.total.expected) == (D(15), 4, 5)
    assert cnt.covers == ("cap_huyen", "cap_xa")
    assert [g.label for g in cnt.groups] == ["Cấp huyện", "Ngành dọc", "Cấp xã"]


def test_ratio_total_is_the_ratio_of_the_covered_groups_sums() -> None:
    rat = line(export(UNITS), "rat")
    parts = {g.code: (g.tally.numerator, g.tally.denominator) for g in rat.groups}
    assert parts == {
        "cap_huyen": (D(10), D(12)),
        "nganh_doc": (D(50), D(50)),
        "cap_xa": (D(3), D(8)),
    }
    # (9 + 1 + 3) / (10 + 2 + 8) = 13 / 20 = 65 %; x2 "không phát sinh" is in neither sum.
    assert (rat.total.numerator, rat.total.denominator, rat.total.value) == (D(13), D(20), D(65))
    assert rat.total.not_applicable == 1


def test_mean_of_the_total_is_over_units_not_over_group_means() -> None:
    score = line(export(UNITS), "score")
    groups = {g.code: g.tally.value for g in score.groups}
    assert groups["cap_huyen"] == D("85.5")
    assert groups["cap_xa"] == D("84.125")  # (90 + 78,25) / 2
    assert groups["nganh_doc"] is None
    assert score.total.value is not None
    # (85,5 + 90 + 78,25) / 3 = 84,5833..., not (85,5 + 84,125) / 2 = 84,8125.
    assert abs(score.total.value - D("84.58333333")) < D("1e-8")
    assert (score.total.minimum, score.total.maximum) == (D("78.25"), D(90))
    assert score.covers == ("cap_huyen", "cap_xa")  # ngành dọc is not asked


def test_yes_answers_are_counted_per_group_and_in_total() -> None:
    yn = line(export(UNITS), "yn")
    assert [g.tally.answers for g in yn.groups] == [
        (("Có", 1), ("Không", 1)),
        (("Có", 1), ("Không", 0)),
        (("Có", 1), ("Không", 1)),
    ]
    assert yn.total.answers == (("Có", 2), ("Không", 2))


def test_counted_by_adds_only_that_groups_figure() -> None:
    one_stop = line(export(UNITS), "one_stop")
    assert {g.code: g.tally.value for g in one_stop.groups} == {
        "cap_huyen": 100,
        "nganh_doc": None,
        "cap_xa": 30,
    }
    assert [g.in_total for g in one_stop.groups] == [True, False, False]
    assert (one_stop.total.value, one_stop.covers) == (D(100), ("cap_huyen",))


def test_without_declared_groups_every_unit_is_in_the_total() -> None:
    cnt = line(export(UNITS, groups=()), "cnt")
    assert cnt.total.value == 115  # 4 + 6 + 100 + 5 + 0
    assert cnt.covers == ("cap_huyen", "nganh_doc", "cap_xa")


def test_a_unit_of_a_group_no_longer_configured_still_shows() -> None:
    moved = UnitReport(
        code="m", name="m", kind="xa", state="submitted", group="cu",
        figures={"cnt": Figure.number(7)}, applicable=COMMON,
    )  # fmt: skip
    cnt = line(export([*UNITS, moved]), "cnt")
    assert cnt.groups[-1].code == "cu"
    assert cnt.total.value == 22  # 15 + 7


kinds = st.sampled_from(["phong", "dvsn", "co_quan_tinh", "xa"])
amounts = st.integers(min_value=0, max_value=1_000)
submission = st.tuples(
    kinds,
    st.sampled_from(["submitted", "submitted", "draft", "returned"]),
    st.one_of(st.none(), amounts),
    st.one_of(st.none(), st.tuples(amounts, amounts)),
    st.one_of(st.none(), st.booleans()),
)


@settings(deadline=None)
@given(st.lists(submission, max_size=25), st.booleans())
def test_group_subtotals_add_up_to_the_total_for_additive_rules(
    rows: list[tuple[str, str, int | None, tuple[int, int] | None, bool | None]],
    declared: bool,
) -> None:
    units = []
    for index, (kind, state, count, pair, yes) in enumerate(rows):
        figures: dict[str, Figure] = {}
        if count is not None:
            figures["cnt"] = Figure.number(count)
        if pair is not None:
            figures["rat"] = Figure.ratio(min(pair), max(pair))
        if yes is not None:
            figures["yn"] = Figure.yes_no(yes)
        units.append(UnitReport(f"u{index}", "u", kind, state, figures=figures, applicable=COMMON))
    data = export(units, GROUPS if declared else ())
    for grouped in aggregate_by_group(data):
        covered = [g.tally for g in grouped.groups if g.in_total]
        assert grouped.total.expected == sum(t.expected for t in covered)
        assert grouped.total.reported == sum(t.reported for t in covered)
        if grouped.indicator.id in ("cnt", "one_stop"):
            assert (grouped.total.value or 0) == sum(t.value or 0 for t in covered)
        if grouped.indicator.id == "rat":
            assert (grouped.total.numerator or 0) == sum(t.numerator or 0 for t in covered)
            assert (grouped.total.denominator or 0) == sum(t.denominator or 0 for t in covered)
        if grouped.indicator.id == "yn":
            for position, (answer, count) in enumerate(grouped.total.answers):
                assert count == sum(t.answers[position][1] for t in covered), answer
