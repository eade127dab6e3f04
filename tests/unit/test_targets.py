"""One resolution of the target in force for a unit and period, shared by export and chat."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cchc_bot.config.questionnaire import Indicator
from cchc_bot.targets import target_for


def ratio(target: object) -> Indicator:
    """A ratio indicator with the given raw `target`."""
    return Indicator.model_validate(
        {
            "id": "r",
            "label": "Tỷ lệ",
            "type": "ratio",
            "numerator": {"label": "Tử"},
            "denominator": {"label": "Mẫu"},
            "target": target,
        }
    )


TABLE = {
    "default": {"op": ">=", "value": 100},
    "Q1": {"op": ">=", "value": 25},
    "cap_xa": {"op": ">=", "value": 80, "periods": ["H1", "Y"]},
    "co_quan_tinh": None,
    "dvsn": {"op": ">=", "value": 90},
}


@pytest.mark.parametrize(
    ("period", "group", "kind", "expected"),
    [
        ("Y", None, None, 100),  # the district: default
        ("Q1", None, None, 25),  # the district in Q1: the period's entry
        ("Y", "cap_xa", "xa", 80),  # a xã: its group's entry beats the default
        ("Q1", "cap_xa", "xa", 25),  # the group's entry leaves Q1 out: the Q1 entry
        ("Y", "nganh_doc", "co_quan_tinh", None),  # null: no target for that kind
        ("H1", "cap_huyen", "dvsn", 90),  # a kind's entry beats period and default
        ("H1", "cap_huyen", "phong", 100),  # nothing specific: default
    ],
)
def test_most_specific_entry_wins(
    period: str, group: str | None, kind: str | None, expected: float | None
) -> None:
    target = target_for(ratio(TABLE), period, group, kind)
    assert (target.threshold if target is not None else None) == expected


def test_the_single_form_still_means_what_it_meant() -> None:
    indicator = ratio({"op": ">=", "value": 100, "periods": ["Y"]})
    yearly = target_for(indicator, "Y", "cap_xa", "xa")
    assert yearly is not None
    assert indicator.describe_target(yearly) == "≥ 100 %"
    assert target_for(indicator, "Q1", "cap_xa", "xa") is None
    assert indicator.target_for("Y") == yearly  # the district's, through the same resolution


def test_a_plan_is_met_at_the_plan_and_gives_a_share() -> None:
    indicator = Indicator.model_validate(
        {
            "id": "n",
            "label": "Số cuộc kiểm tra",
            "type": "integer",
            "target": {"op": ">=", "plan": 60},
        }
    )
    target = target_for(indicator, "Y")
    assert target is not None
    assert (target.is_met(59), target.is_met(60)) == (False, True)
    assert target.share_of_plan(Decimal(45)) == Decimal(75)
    assert indicator.describe_target(target) == "≥ 60"
    # The plan is the district's: no unit is asked to explain missing 60 on its own.
    assert target_for(indicator, "Y", "cap_xa", "xa") is None


def test_a_groups_own_plan_holds_each_unit_of_the_group() -> None:
    indicator = Indicator.model_validate(
        {
            "id": "n",
            "label": "Số cuộc kiểm tra",
            "type": "integer",
            "target": {"default": {"op": ">=", "plan": 60}, "cap_xa": {"op": ">=", "plan": 2}},
        }
    )
    district = target_for(indicator, "Y")
    xa = target_for(indicator, "Y", "cap_xa", "xa")
    assert (district.plan if district else None, xa.plan if xa else None) == (60, 2)
    assert target_for(indicator, "Y", "cap_huyen", "phong") is None


def test_text_and_answers_have_no_target() -> None:
    text = Indicator.model_validate({"id": "t", "label": "Ý kiến", "type": "text"})
    assert target_for(text, "Y") is None
