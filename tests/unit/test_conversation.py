"""The conversation engine: navigation, ratios, confirmations, checks, summary, submit, resume."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pytest

from cchc_bot.answers import Answer
from cchc_bot.config.base import UnitKind
from cchc_bot.config.loading import Configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation import (
    DONE,
    SUMMARY,
    Action,
    AnswerChange,
    ButtonPress,
    ConversationContext,
    DraftState,
    Event,
    NoticeCode,
    Outcome,
    QuestionView,
    Step,
    SubmitReady,
    SummaryView,
    TextInput,
    build_context,
    context_for_period,
    final_answers,
    open_errors,
    resume,
    start,
    step,
)

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "test-1",
        "sections": [
            {
                "code": "A",
                "title": "A. Hồ sơ",
                "indicators": [
                    {"id": "received", "label": "Tiếp nhận", "type": "integer", "min": 0,
                     "cumulative": True, "unit": "hồ sơ"},
                    {"id": "public", "label": "Tỷ lệ công khai", "type": "ratio",
                     "numerator": {"label": "Đã công khai"}, "denominator": {"label": "Tổng"},
                     "target": {"op": ">=", "value": 100}},
                    {"id": "solved", "label": "Đã giải quyết", "type": "integer", "min": 0},
                    {"id": "on_time", "label": "Tỷ lệ đúng hạn", "type": "ratio",
                     "numerator": {"label": "Đúng hạn"}, "denominator": {"from": "solved"}},
                    {"id": "late", "label": "Quá hạn", "type": "integer", "min": 0,
                     "checks": [{"rule": "on_time.numerator + late == solved", "level": "error",
                                 "message": "Đúng hạn cộng quá hạn phải bằng đã giải quyết."}]},
                    {"id": "score", "label": "Điểm", "type": "decimal", "decimals": 2,
                     "min": 0, "max": 5000},
                    {"id": "extra", "label": "Tuỳ chọn", "type": "integer", "required": False},
                ],
            },
            {
                "code": "B",
                "title": "B. Khác",
                "indicators": [
                    {"id": "quota", "label": "Biên chế giao", "type": "integer", "min": 0},
                    {"id": "staff", "label": "Hiện có", "type": "integer", "min": 0,
                     "checks": [{"rule": "staff <= quota", "level": "warning",
                                 "message": "Số hiện có vượt số được giao."}]},
                    {"id": "has_plan", "label": "Có kế hoạch", "type": "boolean"},
                    {"id": "level", "label": "Mức", "type": "choice",
                     "options": ["Một", "Hai", "Ba"]},
                    {"id": "note", "label": "Ghi chú", "type": "text", "min_length": 10,
                     "max_length": 50},
                ],
            },
        ],
    }
)  # fmt: skip
UNIT = UnitConfig(code="phong_test", name="Phòng thử", kind=UnitKind.PHONG)
GOOD_ANSWERS = (
    "10",
    "5/5",
    "4",
    "3",
    "1",
    "7",
    "bỏ qua",
    "10",
    "9",
    "có",
    "2",
    "Đủ nội dung ghi chú",
)
EXPLANATION = "Còn thiếu nhân lực trong kỳ"


def make_context(
    kind: str = "Q1",
    *,
    cumulative: bool = False,
    previous: Mapping[str, Decimal] | None = None,
    first_quarter: Mapping[str, Decimal] | None = None,
) -> ConversationContext:
    """The test questionnaire's context for a period kind."""
    return build_context(
        QUESTIONNAIRE,
        UNIT,
        kind,
        cumulative=cumulative,
        window_start=dt.date(2023, 12, 11),
        window_end=dt.date(2024, 3, 10),
        previous_values=previous,
        first_quarter_values=first_quarter,
    )


CONTEXT = make_context()


def run(context: ConversationContext, state: DraftState, *events: Event | str) -> Outcome:
    """Apply events (strings are typed text) and return the last outcome."""
    outcome = resume(context, state)
    for event in events:
        outcome = step(
            context, outcome.state, TextInput(event) if isinstance(event, str) else event
        )
    return outcome


def at(context: ConversationContext, count: int) -> DraftState:
    """The state after the first `count` good answers."""
    return run(context, start(context).state, *GOOD_ANSWERS[:count]).state


def question(outcome: Outcome) -> QuestionView:
    assert isinstance(outcome.view, QuestionView), outcome.view
    return outcome.view


def summary_of(outcome: Outcome) -> SummaryView:
    assert isinstance(outcome.view, SummaryView), outcome.view
    return outcome.view


def codes(outcome: Outcome) -> list[NoticeCode]:
    view = outcome.view
    assert isinstance(view, QuestionView | SummaryView)
    return [notice.code for notice in view.notices]


# --- the question list ------------------------------------------------------------------------


def test_start_asks_the_first_question_with_number_total_and_window() -> None:
    view = question(start(CONTEXT))
    assert (view.indicator_id, view.number, view.total, view.step) == (
        "received",
        1,
        12,
        Step.ANSWER,
    )
    assert (view.section_code, view.unit, view.answered, view.progress) == ("A", "hồ sơ", 0, 0.0)
    assert (view.window_start, view.window_end) == (dt.date(2023, 12, 11), dt.date(2024, 3, 10))
    assert start(CONTEXT).state.position == "received"


BUNDLED_LISTS = [
    # unit, period kind, number of questions, ids that must be there, ids that must not
    ("vp_hdnd_ubnd", "Q1", 55, {"cddh_01", "tthc_05", "cqs_05", "cqs_06"}, {"cddh_07", "tcc_02"}),
    ("vp_hdnd_ubnd", "H1", 59, {"tcc_01", "tthc_20"}, {"cddh_07", "cv_03"}),
    ("vp_hdnd_ubnd", "Q3", 55, {"tthc_01", "tthc_17"}, {"tcc_01", "tthc_20"}),
    ("vp_hdnd_ubnd", "Y", 60, {"cv_03", "tcc_01", "tcbm_04"}, {"tcc_02", "cddh_07", "cv_04"}),
    ("p_noi_vu", "Y", 62, {"cddh_07", "cddh_08", "cv_04", "cv_05"}, {"cqs_05", "cqs_06"}),
    ("thanh_tra", "Q1", 28, {"tc_01", "cqs_08"}, {"tthc_01", "cddh_06", "cqs_02", "cqs_05"}),
    ("thanh_tra", "Y", 30, {"cv_03"}, {"tthc_05", "cddh_07"}),
    ("tt_vhtt", "Q1", 22, {"tcbm_01", "cv_01", "tcbm_05"}, {"tc_01", "tc_nx", "tcbm_04"}),
    ("tt_vhtt", "Y", 25, {"tcc_02", "cv_03"}, {"cddh_07"}),
    ("ca_huyen", "Q1", 35, {"tthc_05", "tthc_11", "cddh_06"}, {"tc_01", "tcbm_01", "cqs_06"}),
    ("ca_huyen", "Y", 35, {"cqs_03"}, {"cddh_07", "cv_03", "cv_nx"}),
    ("bchqs", "H1", 11, {"cddh_01", "cqs_01", "txt_03"}, {"tthc_01", "tcc_01"}),
    ("tt_tran_de", "Q1", 60, {"tc_02", "tthc_10", "tc_05", "tcbm_06"}, {"cddh_07", "tcbm_04"}),
    ("tt_tran_de", "Y", 66, {"cddh_07", "cv_03", "tthc_22"}, {"tcc_02"}),
]


@pytest.mark.parametrize(("unit_code", "kind", "count", "present", "absent"), BUNDLED_LISTS)
def test_bundled_questionnaire_asks_each_unit_kind_its_questions(
    bundled_config: Configuration,
    unit_code: str,
    kind: str,
    count: int,
    present: set[str],
    absent: set[str],
) -> None:
    unit = bundled_config.units.by_code()[unit_code]
    context = build_context(
        bundled_config.questionnaire,
        unit,
        kind,
        cumulative=kind in ("H1", "Y"),
        window_start=dt.date(2023, 12, 11),
        window_end=dt.date(2024, 12, 10),
    )
    ids = [q.id for q in context.questions]
    assert len(ids) == count
    assert [q.number for q in context.questions] == list(range(1, count + 1))
    assert present <= set(ids)
    assert not absent & set(ids)
    assert ids[-1] == "txt_03"


def test_context_for_period_takes_kind_cumulation_and_window(
    bundled_config: Configuration,
) -> None:
    from zoneinfo import ZoneInfo

    from cchc_bot.period_calendar import period_by_code

    period = period_by_code(bundled_config.schedule, "2024-H1", ZoneInfo("Asia/Ho_Chi_Minh"))
    unit = bundled_config.units.by_code()["tt_tran_de"]
    context = context_for_period(bundled_config.questionnaire, unit, period)
    assert (context.period_kind, context.cumulative) == ("H1", True)
    assert (context.window_start, context.window_end) == (
        dt.date(2023, 12, 11),
        dt.date(2024, 6, 10),
    )
    error_keys = {check.key for check in context.checks if check.level == "error"}
    assert error_keys == {
        "tthc_14#0",  # received in person + by post + online == received
        "tthc_15#0",  # ahead of time <= ahead of time and on time
        "tthc_05#0",  # ahead and on time + late == resolved
        "tthc_17#0",  # carried over + received == resolved + pending
        "tthc_18#0",  # pending and late <= pending
        "tthc_16#0",  # every late hồ sơ == resolved late + pending late
        "tcbm_06#0",  # cán bộ, công chức cấp xã <= staff in post
        "cqs_02#0",  # online end to end <= received online
    }
    # tthc_03, tthc_04 and tthc_05 are questions 19, 20 and 22 of a xã's H1 report.
    assert context.errors_by_anchor["tthc_05"][0].numbers == "19, 20, 22"


# --- answering and navigating -------------------------------------------------------------------


def test_an_accepted_answer_is_one_upsert_and_the_next_question() -> None:
    outcome = run(CONTEXT, start(CONTEXT).state, "1.234")
    assert outcome.changes == (AnswerChange("received", Answer(value=Decimal(1234))),)
    assert question(outcome).indicator_id == "public"
    assert outcome.state.position == "public"


def test_ratio_in_one_message_carries_its_percentage() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 1), "17/20")
    # 85 % misses the >= 100 % target: the giải trình comes first, then the ratio is saved.
    assert question(outcome).step is Step.EXPLANATION
    candidate = question(outcome).candidate
    assert candidate is not None
    assert candidate.percent == "85 %"
    saved = run(CONTEXT, outcome.state, EXPLANATION)
    assert saved.changes == (
        AnswerChange(
            "public",
            Answer(numerator=Decimal(17), denominator=Decimal(20), explanation=EXPLANATION),
        ),
    )
    notice = question(saved).notices[0]
    assert notice.code is NoticeCode.RATIO_SAVED
    assert notice.params["percent"] == "85 %"


@pytest.mark.parametrize("text", ["20/20", "20 / 20", "20 trên 20"])
def test_ratio_one_message_forms(text: str) -> None:
    outcome = run(CONTEXT, at(CONTEXT, 1), text)
    assert outcome.changes == (
        AnswerChange("public", Answer(numerator=Decimal(20), denominator=Decimal(20))),
    )


def test_ratio_in_two_messages_asks_the_denominator_second() -> None:
    first = run(CONTEXT, at(CONTEXT, 1), "20")
    assert question(first).step is Step.DENOMINATOR
    assert question(first).entered_numerator == "20"
    assert first.changes == ()
    assert first.state.pending is not None
    assert first.state.pending.numerator == 20
    second = run(CONTEXT, first.state, "20")
    assert second.changes == (
        AnswerChange("public", Answer(numerator=Decimal(20), denominator=Decimal(20))),
    )
    assert second.state.pending is None


@pytest.mark.parametrize("events", [("0/0",), ("0", "0")])
def test_zero_denominator_is_not_applicable_never_zero_percent(events: tuple[str, ...]) -> None:
    outcome = run(CONTEXT, at(CONTEXT, 1), *events)
    answer = outcome.changes[0].answer
    assert answer is not None
    assert answer.not_applicable
    assert answer.percentage is None
    assert NoticeCode.RATIO_SAVED not in codes(outcome)


@pytest.mark.parametrize("events", [("21/20",), ("21", "20"), ("3/0",)])
def test_numerator_above_denominator_is_refused(events: tuple[str, ...]) -> None:
    outcome = run(CONTEXT, at(CONTEXT, 1), *events)
    assert outcome.changes == ()
    assert codes(outcome) == [NoticeCode.NUMERATOR_ABOVE_DENOMINATOR]
    assert question(outcome).step is Step.NUMERATOR


def test_from_denominator_asks_only_the_numerator() -> None:
    view = question(run(CONTEXT, at(CONTEXT, 3)))
    assert (view.indicator_id, view.step) == ("on_time", Step.NUMERATOR)
    assert (view.fixed_denominator, view.denominator_source) == ("4", "3")
    outcome = run(CONTEXT, at(CONTEXT, 3), "3")
    assert outcome.changes == (
        AnswerChange("on_time", Answer(numerator=Decimal(3), denominator=Decimal(4))),
    )
    refused = run(CONTEXT, at(CONTEXT, 3), "5")
    assert codes(refused) == [NoticeCode.NUMERATOR_ABOVE_DENOMINATOR]
    mismatch = run(CONTEXT, at(CONTEXT, 3), "3/5")
    assert codes(mismatch) == [NoticeCode.PART_MISMATCH]


def test_a_from_denominator_of_zero_passes_the_ratio_over() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 2), "0")
    assert question(outcome).indicator_id == "late"
    assert outcome.changes == (
        AnswerChange("solved", Answer(value=Decimal(0))),
        AnswerChange(
            "on_time", Answer(numerator=Decimal(0), denominator=Decimal(0), not_applicable=True)
        ),
    )
    saved, passed = question(outcome).notices
    assert saved.code is NoticeCode.VALUE_SAVED  # "✅ Câu 3: 0", then why 4 was passed over
    assert passed.code is NoticeCode.PASSED_OVER
    assert (passed.params["number"], passed.params["source_number"]) == ("4", "3")
    # Back from "late" goes to "solved", not to the passed-over ratio.
    back = step(CONTEXT, outcome.state, ButtonPress("back"))
    assert question(back).indicator_id == "solved"


def test_back_returns_to_the_previous_question_showing_its_answer() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 3), "quay lại")
    view = question(outcome)
    assert view.indicator_id == "solved"
    assert view.current is not None
    assert view.current.value == "4"
    assert ("keep", "next", "") in view.buttons
    assert outcome.changes == ()
    kept = run(CONTEXT, outcome.state, "giữ nguyên")
    assert question(kept).indicator_id == "on_time"
    assert kept.changes == ()


def test_back_at_the_first_question_stays() -> None:
    outcome = step(CONTEXT, start(CONTEXT).state, TextInput("quay lai"))
    assert codes(outcome) == [NoticeCode.AT_FIRST_QUESTION]
    assert outcome.state == start(CONTEXT).state


def test_back_cancels_a_pending_sub_step_first() -> None:
    pending = run(CONTEXT, at(CONTEXT, 1), "20").state
    outcome = step(CONTEXT, pending, ButtonPress("back"))
    assert question(outcome).indicator_id == "public"
    assert question(outcome).step is Step.NUMERATOR
    assert outcome.state.pending is None


@pytest.mark.parametrize(
    ("count", "expected_code", "saved"),
    [
        (0, NoticeCode.SKIP_NOT_ALLOWED, None),  # "received" is required
        (6, None, Answer(skipped=True)),  # "extra" is optional
    ],
)
def test_skip_only_for_optional_questions(
    count: int, expected_code: NoticeCode | None, saved: Answer | None
) -> None:
    state = at(CONTEXT, count)
    outcome = step(CONTEXT, state, TextInput("bỏ qua"))
    assert outcome == step(CONTEXT, state, ButtonPress("skip"))
    if expected_code is not None:
        assert codes(outcome) == [expected_code]
        assert outcome.state == state
    else:
        assert outcome.changes == (AnswerChange("extra", saved),)


def test_not_applicable_only_where_allowed() -> None:
    refused = run(CONTEXT, at(CONTEXT, 0), "không phát sinh")
    assert codes(refused) == [NoticeCode.NOT_APPLICABLE_NOT_ALLOWED]
    assert ("not_applicable", "na", "") not in question(refused).buttons
    ratio = run(CONTEXT, at(CONTEXT, 1))
    assert ("not_applicable", "na", "") in question(ratio).buttons
    accepted = run(CONTEXT, at(CONTEXT, 1), ButtonPress("na"))
    assert accepted.changes == (AnswerChange("public", Answer(not_applicable=True)),)


def test_not_applicable_typed_at_a_text_question_is_a_text_answer() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 11), "Không phát sinh")
    assert outcome.changes == (AnswerChange("note", Answer(text_value="Không phát sinh")),)


def test_ambiguous_number_is_echoed_for_confirmation() -> None:
    asked = run(CONTEXT, at(CONTEXT, 5), "1.234")
    view = question(asked)
    assert (view.step, view.reading, asked.changes) == (Step.CONFIRM_NUMBER, "1234", ())
    assert view.interpretation
    assert [button.action for button in view.buttons][:2] == [Action.CONFIRM, Action.REJECT]
    for confirm in ("đúng", "có", ButtonPress("confirm")):
        confirmed = run(CONTEXT, asked.state, confirm)
        assert confirmed.changes == (AnswerChange("score", Answer(value=Decimal(1234))),)
    for reject in ("sai", "không", ButtonPress("reject")):
        rejected = run(CONTEXT, asked.state, reject)
        assert codes(rejected) == [NoticeCode.AMBIGUOUS_REJECTED]
        assert question(rejected).step is Step.ANSWER
        assert rejected.changes == ()
    # A new figure instead of a yes/no is a fresh answer.
    fresh = run(CONTEXT, asked.state, "1,5")
    assert fresh.changes == (AnswerChange("score", Answer(value=Decimal("1.5"))),)
    # Junk keeps the confirmation open.
    junk = run(CONTEXT, asked.state, "😀")
    assert junk.state == asked.state
    assert question(junk).step is Step.CONFIRM_NUMBER


def test_ambiguous_denominator_keeps_the_numerator() -> None:
    context = build_context(
        Questionnaire.model_validate(
            {
                "version": "t",
                "sections": [
                    {
                        "code": "A",
                        "title": "A",
                        "indicators": [
                            {
                                "id": "r",
                                "label": "R",
                                "type": "ratio",
                                "numerator": {"label": "n"},
                                "denominator": {"label": "d"},
                            }
                        ],
                    }
                ],
            }
        ),
        UNIT,
        "Q1",
        cumulative=False,
        window_start=dt.date(2024, 1, 1),
        window_end=dt.date(2024, 3, 10),
    )
    asked = run(context, start(context).state, "5", "12,345")
    assert question(asked).step is Step.CONFIRM_NUMBER
    rejected = run(context, asked.state, "sai")
    assert question(rejected).step is Step.DENOMINATOR
    assert question(rejected).entered_numerator == "5"
    confirmed = run(context, asked.state, "đúng")
    assert confirmed.changes == (
        AnswerChange("r", Answer(numerator=Decimal(5), denominator=Decimal(12345))),
    )


def test_warning_rule_asks_to_confirm_and_remembers_the_confirmation() -> None:
    asked = run(CONTEXT, at(CONTEXT, 8), "12")  # staff 12 > quota 10
    view = question(asked)
    assert view.step is Step.CONFIRM_WARNING
    assert asked.changes == ()
    assert [n.code for n in view.notices] == [NoticeCode.RULE_WARNING]
    assert view.notices[0].params["key"] == "staff#0"
    confirmed = run(CONTEXT, asked.state, "xác nhận")
    assert confirmed.changes == (
        AnswerChange("staff", Answer(value=Decimal(12), confirmed_warnings=frozenset({"staff#0"}))),
    )
    # Back and the same figure again: not asked twice.
    again = run(CONTEXT, confirmed.state, "quay lại", "12")
    assert question(again).indicator_id == "has_plan"
    assert again.changes == ()


def test_warning_correct_asks_the_question_again() -> None:
    asked = run(CONTEXT, at(CONTEXT, 8), "12")
    corrected = run(CONTEXT, asked.state, ButtonPress("reject"))
    assert question(corrected).step is Step.ANSWER
    assert corrected.state.pending is None
    fixed = run(CONTEXT, asked.state, "9")  # a new figure replaces the held one
    assert fixed.changes == (AnswerChange("staff", Answer(value=Decimal(9))),)


def test_a_jump_over_three_times_the_previous_period_asks_to_confirm() -> None:
    context = make_context(previous={"received": Decimal(10), "public.denominator": Decimal(5)})
    quiet = run(context, start(context).state, "30")
    assert quiet.changes  # exactly 3x is no jump
    asked = run(context, start(context).state, "31")
    view = question(asked)
    assert view.step is Step.CONFIRM_WARNING
    params = view.notices[0].params
    assert (view.notices[0].code, params["previous"], params["value"], params["factor"]) == (
        NoticeCode.JUMP, "10", "31", "3",
    )  # fmt: skip
    confirmed = run(context, asked.state, "đúng")
    assert confirmed.changes[0].answer is not None
    assert confirmed.changes[0].answer.confirmed_warnings == {"jump:received"}
    ratio = run(context, confirmed.state, "16/16")
    assert question(ratio).notices[0].params["key"] == "jump:public.denominator"


def test_a_cumulative_figure_below_the_first_quarter_asks_to_confirm() -> None:
    first_quarter = {"received": Decimal(40), "solved": Decimal(40)}
    context = make_context("H1", cumulative=True, first_quarter=first_quarter)
    asked = run(context, start(context).state, "25")
    notice = question(asked).notices[0]
    assert (notice.code, notice.params["first_quarter"]) == (NoticeCode.BELOW_FIRST_QUARTER, "40")
    # "solved" is not cumulative: a lower figure is normal.
    state = run(context, asked.state, "đúng", "5/5").state
    assert run(context, state, "25").changes
    # A non-cumulative period never compares.
    q3 = make_context("Q3", first_quarter=first_quarter)
    assert run(q3, start(q3).state, "25").changes


def test_a_missed_target_asks_for_an_explanation_of_ten_characters() -> None:
    asked = run(CONTEXT, at(CONTEXT, 1), "9/10")
    assert codes(asked) == [NoticeCode.TARGET_MISSED]
    assert question(asked).notices[0].params == {"target": "≥ 100 %", "value": "90 %"}
    short = run(CONTEXT, asked.state, "thiếu")
    assert codes(short) == [NoticeCode.TARGET_MISSED, NoticeCode.EXPLANATION_TOO_SHORT]
    assert short.state == asked.state
    done = run(CONTEXT, asked.state, EXPLANATION)
    assert done.changes[0].answer is not None
    assert done.changes[0].answer.explanation == EXPLANATION
    # Same figures again (back, retype): the explanation is kept, not asked again.
    again = run(CONTEXT, done.state, "quay lại", "9/10")
    assert question(again).indicator_id == "solved"
    assert again.changes == ()


def test_an_error_rule_blocks_the_answer_where_it_becomes_decidable() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 4), "2")  # 3 on time + 2 late != 4 solved
    assert codes(outcome) == [NoticeCode.RULE_ERROR]
    params = question(outcome).notices[0].params
    assert (params["key"], params["numbers"]) == ("late#0", "3, 4, 5")
    assert params["message"] == "Đúng hạn cộng quá hạn phải bằng đã giải quyết."
    assert outcome.changes == ()
    assert outcome.state == at(CONTEXT, 4)
    assert run(CONTEXT, outcome.state, "1").changes == (
        AnswerChange("late", Answer(value=Decimal(1))),
    )


# --- summary, edit, submit ----------------------------------------------------------------------


def test_after_the_last_question_the_summary_allows_submit() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 11), GOOD_ANSWERS[11])
    view = summary_of(outcome)
    assert outcome.state.position == SUMMARY
    assert view.submit_allowed
    assert view.errors == ()
    assert view.warnings == ()
    assert [section.code for section in view.sections] == ["A", "B"]
    items = {item.indicator_id: item for section in view.sections for item in section.items}
    assert items["public"].answer is not None
    assert items["public"].answer.percent == "100 %"
    assert items["extra"].answer is not None
    assert items["extra"].answer.skipped
    assert items["level"].answer is not None
    assert items["level"].answer.value == "Hai"
    assert items["has_plan"].answer is not None
    assert items["has_plan"].answer.boolean is True
    assert ("submit", "submit", "") in view.buttons
    assert ("edit", "edit", "7") in view.buttons


def test_edit_from_the_summary_returns_to_the_summary() -> None:
    done = at(CONTEXT, 12)
    for edit in ("sửa 8", "sua cau 8", "8", ButtonPress("edit", "8")):
        opened = run(CONTEXT, done, edit)
        assert question(opened).indicator_id == "quota"
        assert question(opened).editing
    outcome = run(CONTEXT, done, "sửa 8", "11")
    assert outcome.state.position == SUMMARY
    assert outcome.changes == (AnswerChange("quota", Answer(value=Decimal(11))),)
    assert summary_of(outcome).submit_allowed
    back = run(CONTEXT, done, "sửa 8", "quay lại")
    assert back.state == done


@pytest.mark.parametrize(
    ("event", "code"),
    [("sửa", NoticeCode.EDIT_NEEDS_NUMBER), ("sửa 99", NoticeCode.EDIT_OUT_OF_RANGE),
     ("xin chào", NoticeCode.UNRECOGNIZED), (ButtonPress("bogus"), NoticeCode.STALE_BUTTON),
     (ButtonPress("edit", "x"), NoticeCode.EDIT_OUT_OF_RANGE)],
)  # fmt: skip
def test_summary_refuses_what_it_cannot_use(event: Event | str, code: NoticeCode) -> None:
    done = at(CONTEXT, 12)
    outcome = run(CONTEXT, done, event)
    assert codes(outcome) == [code]
    assert outcome.state == done
    assert outcome.changes == ()


def test_editing_a_figure_a_later_error_rule_reads_blocks_submit_until_fixed() -> None:
    done = at(CONTEXT, 12)
    edited = run(CONTEXT, done, "sửa 1", "50")  # "received" is read by no rule: fine
    assert summary_of(edited).submit_allowed
    broken = run(CONTEXT, done, "sửa 4", "2")  # 2 on time + 1 late != 4 solved: not the anchor
    view = summary_of(broken)
    assert broken.changes == (
        AnswerChange("on_time", Answer(numerator=Decimal(2), denominator=Decimal(4))),
    )
    assert not view.submit_allowed
    assert [error.code for error in view.errors] == [NoticeCode.RULE_ERROR]
    assert {item.number for s in view.sections for item in s.items if item.has_error} == {3, 4, 5}
    refused = run(CONTEXT, broken.state, "gửi")
    assert codes(refused) == [NoticeCode.SUBMIT_BLOCKED]
    assert refused.state == broken.state
    assert refused.changes == ()
    # Editing the anchor to a value that still breaks the rule is refused there.
    still = run(CONTEXT, broken.state, "sửa 5", "1")
    assert codes(still) == [NoticeCode.RULE_ERROR]
    assert still.changes == ()
    fixed = run(CONTEXT, broken.state, "sửa 5", "2")
    assert summary_of(fixed).submit_allowed
    assert isinstance(run(CONTEXT, fixed.state, "gửi").view, SubmitReady)


def test_editing_a_source_updates_or_reasks_its_ratio() -> None:
    done = at(CONTEXT, 12)
    grown = run(CONTEXT, done, "sửa 3", "5")  # on_time 3/4 becomes 3/5, late rule now open
    assert (
        AnswerChange("on_time", Answer(numerator=Decimal(3), denominator=Decimal(5)))
        in grown.changes
    )
    assert not summary_of(grown).submit_allowed
    shrunk = run(CONTEXT, done, "sửa 3", "2")  # 3 on time > 2 solved: the ratio is asked again
    assert AnswerChange("on_time", None) in shrunk.changes
    assert question(shrunk).indicator_id == "on_time"
    assert question(shrunk).editing
    back_to_summary = run(CONTEXT, shrunk.state, "1")
    assert back_to_summary.state.position == SUMMARY
    zero = run(CONTEXT, done, "sửa 3", "0")  # nothing solved: the ratio is passed over
    auto = Answer(numerator=Decimal(0), denominator=Decimal(0), not_applicable=True)
    assert AnswerChange("on_time", auto) in zero.changes
    assert codes(run(CONTEXT, zero.state, "sửa 4")) == [NoticeCode.EDIT_PASSED_OVER]


def test_submit_hands_over_validated_final_answers() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 12), ButtonPress("submit"))
    ready = outcome.view
    assert isinstance(ready, SubmitReady)
    assert list(ready.answers) == [q.id for q in CONTEXT.questions]
    assert ready.answers["on_time"] == Answer(numerator=Decimal(3), denominator=Decimal(4))
    assert outcome.state.position == DONE
    assert open_errors(CONTEXT, at(CONTEXT, 12)) == ()
    after = step(CONTEXT, outcome.state, TextInput("gửi"))
    assert codes(after) == [NoticeCode.ALREADY_SUBMITTED]
    assert after.state == outcome.state


def test_review_and_continue_from_the_summary() -> None:
    middle = at(CONTEXT, 3)
    review = run(CONTEXT, middle, "xem lại")
    view = summary_of(review)
    assert not view.submit_allowed
    assert [e.code for e in view.errors][:2] == [NoticeCode.MISSING_ANSWER] * 2
    assert ("continue", "next", "") in view.buttons
    go_on = run(CONTEXT, review.state, "tiếp tục")
    assert question(go_on).indicator_id == "on_time"
    assert codes(run(CONTEXT, middle, "gửi")) == [NoticeCode.SUBMIT_ONLY_FROM_SUMMARY]


def test_final_answers_fill_optional_questions_as_skipped() -> None:
    answers = dict(at(CONTEXT, 12).answers)
    del answers["extra"]
    assert final_answers(CONTEXT, answers)["extra"] == Answer(skipped=True)


# --- types, junk, typed equivalents ------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "events", "value"),
    [(9, ("có",), 1), (9, ("co",), 1), (9, ("1",), 1), (9, ("không",), 0), (9, ("khong",), 0),
     (9, ("2",), 0), (9, (ButtonPress("no"),), 0), (10, ("3",), 3), (10, ("ba",), 3),
     (10, (ButtonPress("choose", "1"),), 1)],
)  # fmt: skip
def test_booleans_and_choices_by_word_number_or_button(
    count: int, events: tuple[Event | str, ...], value: int
) -> None:
    outcome = run(CONTEXT, at(CONTEXT, count), *events)
    answer = outcome.changes[0].answer
    assert answer is not None
    assert answer.value == value
    if count == 10:
        assert answer.text_value == ("Một", "Hai", "Ba")[value - 1]


JUNK = ["", "   ", "😀", "👍🏻🎉", "\u200b", "x" * 5000, "-" * 70]


@pytest.mark.parametrize("count", [0, 1, 3, 5, 9, 10, 11])
@pytest.mark.parametrize("junk", JUNK, ids=lambda text: f"{text[:6]!r}x{len(text)}")
def test_junk_leaves_the_state_alone_with_a_reason(count: int, junk: str) -> None:
    state = at(CONTEXT, count)
    outcome = step(CONTEXT, state, TextInput(junk))
    assert outcome.state == state
    assert outcome.changes == ()
    assert codes(outcome), "a reason is given"
    assert question(outcome).indicator_id == state.position


def test_text_over_the_limit_is_refused_with_the_limit_not_cut() -> None:
    outcome = run(CONTEXT, at(CONTEXT, 11), "a" * 51)
    assert codes(outcome) == [NoticeCode.TEXT_TOO_LONG]
    assert question(outcome).notices[0].params == {"max_length": "50", "length": "51"}
    assert codes(run(CONTEXT, at(CONTEXT, 11), "ngắn")) == [NoticeCode.TEXT_TOO_SHORT]


@pytest.mark.parametrize(
    ("typed", "button"),
    [("quay lại", ButtonPress("back")), ("Quay Lai", ButtonPress("back")),
     ("back", ButtonPress("back")), ("xem lại", ButtonPress("review")),
     ("không phát sinh", ButtonPress("na")), ("tiếp", ButtonPress("next"))],
)  # fmt: skip
def test_every_button_has_a_typed_equivalent(typed: str, button: ButtonPress) -> None:
    state = run(CONTEXT, at(CONTEXT, 2), "quay lại").state  # at "public", answered
    assert step(CONTEXT, state, TextInput(typed)) == step(CONTEXT, state, button)


def test_stale_buttons_change_nothing() -> None:
    state = at(CONTEXT, 0)
    for button in (
        ButtonPress("confirm"),
        ButtonPress("yes"),
        ButtonPress("choose", "2"),
        ButtonPress("??"),
    ):
        outcome = step(CONTEXT, state, button)
        assert codes(outcome) == [NoticeCode.STALE_BUTTON]
        assert outcome.state == state


def test_button_actions_fit_telegram_callback_data() -> None:
    assert all(len(action.value.encode()) <= 24 for action in Action)
    assert all(action.value.isascii() for action in Action)


# --- persistence and resume ---------------------------------------------------------------------


def test_resume_shows_where_the_person_left_off() -> None:
    state = at(CONTEXT, 6)
    outcome = resume(CONTEXT, state)
    assert question(outcome).indicator_id == "extra"
    resumed = question(outcome).notices[0]
    assert resumed.code is NoticeCode.RESUMED
    assert resumed.params == {"number": "7", "total": "12", "answered": "6"}
    pending = run(CONTEXT, at(CONTEXT, 1), "20").state
    assert question(resume(CONTEXT, pending)).step is Step.DENOMINATOR
    assert NoticeCode.RESUMED not in codes(start(CONTEXT))


def test_resume_moves_a_position_the_questionnaire_no_longer_has() -> None:
    state = DraftState(dict(at(CONTEXT, 3).answers), "gone_indicator")
    outcome = resume(CONTEXT, state)
    assert outcome.state.position == "on_time"
    assert codes(outcome)[0] is NoticeCode.POSITION_RESET


@pytest.mark.parametrize(
    "events",
    [(), ("17/20",), ("20",), ("17/20", EXPLANATION), ("1.234",)],
)
def test_state_round_trips_through_json_and_columns(events: tuple[str, ...]) -> None:
    state = run(CONTEXT, at(CONTEXT, 1 if events != ("1.234",) else 5), *events).state
    assert DraftState.from_json(state.to_json()) == state
    rows = {key: Answer.from_columns(answer.to_columns()) for key, answer in state.answers.items()}
    assert DraftState.from_columns(state.position, state.pending_column(), rows) == state


def test_an_unreadable_pending_column_is_dropped_not_fatal() -> None:
    state = DraftState.from_columns("public", {"step": {"step": "nonsense"}, "editing": True}, {})
    assert state.pending is None
    assert state.editing


def test_answer_columns_match_the_answers_table() -> None:
    answer = Answer(
        numerator=Decimal(3), denominator=Decimal(4), explanation="x" * 10,
        confirmed_warnings=frozenset({"jump:a"}),
    )  # fmt: skip
    assert answer.to_columns() == {
        "value": None, "numerator": Decimal(3), "denominator": Decimal(4), "text_value": None,
        "not_applicable": False, "skipped": False, "explanation": "x" * 10,
        "confirmed_warnings": {"jump:a": True},
    }  # fmt: skip
    assert Answer.from_columns(answer.to_columns()) == answer
    assert answer.percentage == Decimal(75)
