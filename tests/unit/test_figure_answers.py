"""Figures in the conversation: echoed when taken, units and "không" understood, money decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.answers import Answer
from cchc_bot.config.base import UnitKind
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation import (
    AnswerChange,
    ConversationContext,
    DraftState,
    Outcome,
    QuestionView,
    Step,
    TextInput,
    build_context,
    resume,
    start,
    step,
)
from cchc_bot.number_format import format_number
from cchc_bot.texts import chat_report
from handlers.telegram import report_views

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "figures-1",
        "sections": [
            {
                "code": "A",
                "title": "A. Số liệu",
                "indicators": [
                    {"id": "files", "label": "Số hồ sơ tiếp nhận", "type": "integer",
                     "unit": "hồ sơ"},
                    {"id": "meetings", "label": "Số cuộc họp", "type": "integer", "unit": "cuộc",
                     "not_applicable": True},
                    {"id": "score", "label": "Điểm", "type": "decimal", "decimals": 2,
                     "unit": "điểm"},
                    {"id": "share", "label": "Tỷ lệ hài lòng", "type": "percent", "unit": "%"},
                    {"id": "money", "label": "Tỷ lệ giải ngân", "type": "ratio",
                     "numerator": {"label": "Số vốn đã giải ngân", "unit": "triệu đồng"},
                     "denominator": {"label": "Kế hoạch vốn được giao", "unit": "triệu đồng"}},
                    {"id": "on_time", "label": "Tỷ lệ hồ sơ đúng hạn", "type": "ratio",
                     "numerator": {"label": "Số hồ sơ đúng hạn", "unit": "hồ sơ"},
                     "denominator": {"from": "files"}},
                ],
            },
        ],
    }
)  # fmt: skip
UNIT = UnitConfig(code="phong_test", name="Phòng thử", kind=UnitKind.PHONG)
CONTEXT: ConversationContext = build_context(
    QUESTIONNAIRE,
    UNIT,
    "Q1",
    cumulative=False,
    window_start=dt.date(2023, 12, 11),
    window_end=dt.date(2024, 3, 10),
)


def run(state: DraftState, *typed: str) -> Outcome:
    outcome = resume(CONTEXT, state)
    for text in typed:
        outcome = step(CONTEXT, outcome.state, TextInput(text))
    return outcome


def view_of(outcome: Outcome) -> QuestionView:
    assert isinstance(outcome.view, QuestionView), outcome.view
    return outcome.view


def shown_notices(outcome: Outcome) -> list[str]:
    """The notices as the person reads them."""
    return report_views.notice_lines(view_of(outcome).notices)


FIRST = start(CONTEXT).state


def test_every_accepted_figure_is_echoed_with_its_unit_on_the_next_prompt() -> None:
    outcome = run(FIRST, "1.234")
    assert view_of(outcome).indicator_id == "meetings"
    assert shown_notices(outcome) == ["✅ Câu 1: 1.234 hồ sơ."]
    outcome = run(outcome.state, "3")
    assert shown_notices(outcome) == ["✅ Câu 2: 3 cuộc."]
    outcome = run(outcome.state, "12,5")
    assert shown_notices(outcome) == ["✅ Câu 3: 12,5 điểm."]
    outcome = run(outcome.state, "95,5")
    assert shown_notices(outcome) == ["✅ Câu 4: 95,5 %."]  # no "% %"


def test_a_number_followed_by_the_questions_unit_is_accepted() -> None:
    outcome = run(FIRST, "12 hồ sơ")
    assert outcome.changes == (AnswerChange("files", Answer(value=Decimal(12))),)
    outcome = run(outcome.state, "3 cuộc")
    assert outcome.changes == (AnswerChange("meetings", Answer(value=Decimal(3))),)


def test_another_unit_is_refused_and_named() -> None:
    outcome = run(FIRST, "12 cuộc")
    assert view_of(outcome).indicator_id == "files"
    assert outcome.changes == ()
    assert shown_notices(outcome) == [
        "⚠️ «12 cuộc» có chữ «cuộc». Vui lòng chỉ nhập chữ số, ví dụ 1.234."
    ]


@pytest.mark.parametrize("typed", ["không", "Không có", "khong co", "KHÔNG"])
def test_khong_on_a_figure_that_allows_it_is_khong_phat_sinh(typed: str) -> None:
    at_meetings = run(FIRST, "5").state
    outcome = run(at_meetings, typed)
    assert outcome.changes == (AnswerChange("meetings", Answer(not_applicable=True)),)
    assert shown_notices(outcome) == ["✅ Câu 2: Không phát sinh."]


@pytest.mark.parametrize("typed", ["không", "không có"])
def test_khong_on_a_figure_without_khong_phat_sinh_is_zero_and_said_so(typed: str) -> None:
    outcome = run(FIRST, typed)
    assert outcome.changes[0] == AnswerChange("files", Answer(value=Decimal(0)))
    assert shown_notices(outcome)[0] == "✅ Câu 1: 0 hồ sơ."


def at_money() -> DraftState:
    return run(FIRST, "10", "1", "1", "1").state


def test_money_in_trieu_dong_takes_decimals_in_both_parts() -> None:
    state = at_money()
    assert view_of(resume(CONTEXT, state)).indicator_id == "money"
    outcome = run(state, "1.234,5 triệu đồng", "2.000,25")
    assert outcome.changes == (
        AnswerChange("money", Answer(numerator=Decimal("1234.5"), denominator=Decimal("2000.25"))),
    )
    assert shown_notices(outcome) == ["✅ Câu 5: 1.234,5/2.000,25 = 61,72 %."]


def test_money_ratio_in_one_message_and_its_ambiguity_is_explained() -> None:
    outcome = run(at_money(), "1234,5/2000")
    assert outcome.changes == (
        AnswerChange("money", Answer(numerator=Decimal("1234.5"), denominator=Decimal(2000))),
    )
    refused = run(at_money(), "1.234/2.000")
    assert refused.changes == ()
    (line,) = shown_notices(refused)
    assert line.startswith("⚠️ Tử số «1.234» đọc được hai cách")
    assert line.count("ví dụ") == 1


def test_ratio_errors_are_said_once_and_name_the_side() -> None:
    outcome = run(at_money(), "12a/20")
    assert shown_notices(outcome) == [
        "⚠️ Tử số «12a» có chữ «a». Vui lòng chỉ nhập chữ số, ví dụ 1234,5/2000."
    ]
    counted = run(at_money(), "1", "1", "12,5/20")  # the hồ sơ ratio: whole numbers only
    assert view_of(counted).indicator_id == "on_time"
    (line,) = shown_notices(counted)
    assert "Ví dụ: 17/20" not in line
    assert line.count("17/20") == 1


def test_the_confirmation_of_an_ambiguous_figure_says_the_number_once() -> None:
    outcome = run(run(FIRST, "1", "1").state, "1.234")  # "điểm" has decimals: 1.234 reads two ways
    view = view_of(outcome)
    assert view.step is Step.CONFIRM_NUMBER
    prompt = report_views._prompt(view)
    assert prompt == (
        "Bot hiểu số anh/chị nhập là <b>1234</b> (một nghìn hai trăm ba mươi tư). Đúng không?"
    )


@settings(max_examples=100, deadline=None)
@given(value=st.integers(min_value=1, max_value=10**9), with_unit=st.booleans())
def test_any_count_typed_with_or_without_its_unit_is_echoed_the_vietnamese_way(
    value: int, with_unit: bool
) -> None:
    typed = format_number(value) + (" hồ sơ" if with_unit else "")
    outcome = run(FIRST, typed)
    assert outcome.changes == (AnswerChange("files", Answer(value=Decimal(value))),)
    assert shown_notices(outcome) == [
        chat_report.NOTICES["value_saved"].format(number=1, value=f"{format_number(value)} hồ sơ")
    ]
