"""Ratios whose numerator may exceed the denominator (carry-over), and applies_to alternatives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cchc_bot.answers import Answer
from cchc_bot.config.base import UnitKind
from cchc_bot.config.questionnaire import AppliesTo, Questionnaire
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation import (
    DraftState,
    NoticeCode,
    Outcome,
    QuestionView,
    Step,
    TextInput,
    build_context,
    open_errors,
    resume,
    start,
    step,
)

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "carry-1",
        "sections": [
            {
                "code": "A",
                "title": "A. Phản ánh",
                "indicators": [
                    {"id": "handled", "label": "Tỷ lệ phản ánh đã xử lý", "type": "ratio",
                     "numerator": {"label": "Đã xử lý"}, "denominator": {"label": "Tiếp nhận"},
                     "numerator_above_denominator": "warning"},
                    {"id": "public", "label": "Tỷ lệ công khai", "type": "ratio",
                     "numerator": {"label": "Đã công khai"}, "denominator": {"label": "Tổng"}},
                ],
            }
        ],
    }
)  # fmt: skip
UNIT = UnitConfig(code="xa_thu", name="Xã Thử", kind=UnitKind.XA)
CONTEXT = build_context(
    QUESTIONNAIRE,
    UNIT,
    "Q1",
    cumulative=False,
    window_start=dt.date(2023, 12, 11),
    window_end=dt.date(2024, 3, 10),
)
EXPLANATION = "Xử lý 3 phản ánh tiếp nhận cuối kỳ trước"


def run(state: DraftState, *texts: str) -> Outcome:
    """Type the texts one after another and return the last outcome."""
    outcome = resume(CONTEXT, state)
    for text in texts:
        outcome = step(CONTEXT, outcome.state, TextInput(text))
    return outcome


def view_of(outcome: Outcome) -> QuestionView:
    assert isinstance(outcome.view, QuestionView), outcome.view
    return outcome.view


def test_carry_over_numerator_above_denominator_is_a_warning_then_an_explanation() -> None:
    asked = run(start(CONTEXT).state, "7/5")
    view = view_of(asked)
    assert view.step is Step.CONFIRM_WARNING
    assert [notice.code for notice in view.notices] == [NoticeCode.RULE_WARNING]
    assert view.notices[0].params["key"] == "handled#numerator_above_denominator"
    assert asked.changes == ()
    explain = run(asked.state, "đúng")
    assert view_of(explain).step is Step.EXPLANATION
    saved = run(explain.state, EXPLANATION)
    answer = saved.changes[0].answer
    assert answer is not None
    assert (answer.numerator, answer.denominator) == (Decimal(7), Decimal(5))
    assert answer.percentage == Decimal(140)  # 7 / 5 = 140 %
    assert answer.explanation == EXPLANATION
    assert view_of(saved).indicator_id == "public"
    done = run(saved.state, "1/1")
    assert open_errors(CONTEXT, done.state) == ()


def test_a_ratio_without_the_setting_still_refuses_a_numerator_above_the_denominator() -> None:
    state = run(start(CONTEXT).state, "5/5").state
    refused = run(state, "6/5")
    assert [notice.code for notice in view_of(refused).notices] == [
        NoticeCode.NUMERATOR_ABOVE_DENOMINATOR
    ]
    assert refused.changes == ()


def test_carry_over_numerator_over_a_zero_denominator_is_still_refused() -> None:
    refused = run(start(CONTEXT).state, "3/0")
    assert [notice.code for notice in view_of(refused).notices] == [
        NoticeCode.NUMERATOR_ABOVE_DENOMINATOR
    ]


def test_carry_over_answer_is_not_an_error_at_the_summary() -> None:
    answers = {
        "handled": Answer(
            numerator=Decimal(7),
            denominator=Decimal(5),
            explanation=EXPLANATION,
            confirmed_warnings=frozenset({"handled#numerator_above_denominator"}),
        ),
        "public": Answer(numerator=Decimal(1), denominator=Decimal(1)),
    }
    state = DraftState(answers=answers, position="public")
    assert open_errors(CONTEXT, state) == ()


def test_applies_to_any_of_selects_xa_or_one_named_office() -> None:
    rule = AppliesTo.model_validate({"any_of": [{"kinds": ["xa"]}, {"units": ["p_noi_vu"]}]})
    xa = UnitConfig(code="xa_a", name="Xã A", kind=UnitKind.XA)
    office = UnitConfig(code="p_noi_vu", name="Phòng Nội vụ", kind=UnitKind.PHONG)
    other = UnitConfig(code="p_tu_phap", name="Phòng Tư pháp", kind=UnitKind.PHONG)
    assert [rule.matches(unit) for unit in (xa, office, other)] == [True, True, False]


def test_applies_to_flags_and_any_of_must_both_hold() -> None:
    rule = AppliesTo.model_validate(
        {"has_tthc": True, "any_of": [{"kinds": ["xa"]}, {"units": ["vp"]}]}
    )
    with_tthc = UnitConfig(code="xa_a", name="Xã A", kind=UnitKind.XA, has_tthc=True)
    without = UnitConfig(code="xa_b", name="Xã B", kind=UnitKind.XA)
    assert (rule.matches(with_tthc), rule.matches(without)) == (True, False)
