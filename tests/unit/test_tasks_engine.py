"""The task section through the one conversation engine, across Q1 -> H1 -> Q3 -> Y."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from cchc_bot import period_calendar
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.tasks import TaskConfig, TasksFile
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation import (
    SUMMARY,
    ButtonPress,
    ConversationContext,
    DraftState,
    Outcome,
    QuestionView,
    SubmitReady,
    SummaryView,
    TextInput,
    context_for_period,
    final_answers,
    resume,
    start,
    step,
)
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.periods import ReportingPeriod
from cchc_bot.tasks.answers import TaskAnswer, document_parts, task_answers
from cchc_bot.tasks.progress import TaskReport, TaskStatus
from cchc_bot.tasks.questions import task_questions
from cchc_bot.texts import tasks as words

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PERIODS = period_calendar.build_periods(load_configuration(bundled_config_dir()).schedule, 2024, TZ)
Q1, H1, Q3, Y = PERIODS
QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "tasks-1",
        "sections": [
            {
                "code": "CDDH",
                "title": "Chỉ đạo, điều hành",
                "indicators": [
                    {
                        "id": "cddh_01",
                        "label": "Tỷ lệ hoàn thành nhiệm vụ",
                        "type": "ratio",
                        "numerator": {"label": "Số nhiệm vụ đã hoàn thành"},
                        "denominator": {"label": "Tổng số nhiệm vụ"},
                    },
                    {"id": "cddh_02", "label": "Số văn bản chỉ đạo", "type": "integer", "min": 0},
                ],
            }
        ],
    }
)
LEAD = UnitConfig(code="p_noi_vu", name="Phòng Nội vụ", kind="phong")
OTHER = UnitConfig(code="p_tu_phap", name="Phòng Tư pháp", kind="phong")
UNITS = [LEAD, OTHER]


def task(ident: str, **fields: object) -> TaskConfig:
    """A task Phòng Nội vụ leads."""
    base = {"id": ident, "title": f"Nhiệm vụ {ident}", "area": "CDDH", "lead": ["p_noi_vu"]}
    return TaskConfig.model_validate({**base, "product": "Kế hoạch", **fields})


ANNEX = TasksFile(
    year=2024,
    tasks=[
        task("kh_q1", due="Q1"),
        task("kh_h1", due="H1"),
        task("bao_cao", recurring="each_period"),
    ],
)


def context(
    unit: UnitConfig, period: ReportingPeriod, reports: list[TaskReport]
) -> ConversationContext:
    """The engine context of a unit's report with its task questions."""
    made = task_questions(QUESTIONNAIRE, ANNEX, UNITS, unit, PERIODS, period, reports)
    return context_for_period(
        made.questionnaire,
        unit,
        period,
        conditions=made.conditions,
        presets=made.presets,
        tallies=made.tallies,
    )


def run(ctx: ConversationContext, state: DraftState, *events: str | ButtonPress) -> Outcome:
    """Apply events (strings are typed) from a state."""
    outcome = resume(ctx, state)
    for event in events:
        typed = TextInput(event) if isinstance(event, str) else event
        outcome = step(ctx, outcome.state, typed)
    return outcome


def asked_ids(ctx: ConversationContext, *events: str | ButtonPress) -> tuple[list[str], Outcome]:
    """The questions asked, in order, while the events are typed one per question."""
    outcome = start(ctx)
    asked: list[str] = []
    for event in events:
        assert isinstance(outcome.view, QuestionView), outcome.view
        asked.append(outcome.view.indicator_id)
        typed = TextInput(event) if isinstance(event, str) else event
        outcome = step(ctx, outcome.state, typed)
    return asked, outcome


def reports_of(
    ctx: ConversationContext, state: DraftState, period: ReportingPeriod
) -> list[TaskReport]:
    """The task reports a submitted draft makes."""
    return [
        TaskReport(
            task_id=item.task_id,
            unit=LEAD.code,
            period=period.code,
            period_end=period.window_end,
            status=item.status or TaskStatus.NOT_STARTED,
            completed_on=item.completed_on,
            document_number=item.document_number,
            percent=float(item.percent) if item.percent is not None else None,
        )
        for item in task_answers(final_answers(ctx, state.answers), ANNEX)
    ]


def test_document_parts_split_number_and_day() -> None:
    assert document_parts("15/KH-UBND ngày 05/3/2024") == ("15/KH-UBND", dt.date(2024, 3, 5))
    assert document_parts("Kế hoạch 7/KH-PNV, ngày 12 tháng 4 năm 2024") == (
        "Kế hoạch 7/KH-PNV",
        dt.date(2024, 4, 12),
    )
    assert document_parts("Quyết định số 3/QĐ-UBND") == ("Quyết định số 3/QĐ-UBND", None)


def test_a_unit_without_tasks_gets_no_task_section_and_asks_cddh_01() -> None:
    ctx = context(OTHER, Q1, [])
    assert [q.id for q in ctx.questions] == ["cddh_01", "cddh_02"]
    assert ctx.by_id["cddh_01"].tally is None


def test_tasks_across_q1_h1_q3_y_with_a_task_done_in_q1_not_asked_again() -> None:
    q1 = context(LEAD, Q1, [])
    # cddh_01 is computed (not asked); kh_q1 done with its document; bao_cao in progress.
    asked, outcome = asked_ids(
        q1, "4", "1", "15/KH-UBND ngày 05/3/2024", "2", "60", ButtonPress("skip")
    )
    assert asked == [
        "cddh_02",
        "nv_kh_q1",
        "nv_kh_q1_vb",
        "nv_bao_cao",
        "nv_bao_cao_pt",
        "nv_bao_cao_gt",
    ]
    assert outcome.state.position == SUMMARY
    answers = final_answers(q1, outcome.state.answers)
    # 1 of the 2 tasks with a due day is done (the recurring one is not counted).
    assert (answers["cddh_01"].numerator, answers["cddh_01"].denominator) == (
        Decimal(1),
        Decimal(2),
    )
    got = task_answers(answers, ANNEX)
    assert got == [
        TaskAnswer(
            "kh_q1",
            TaskStatus.DONE,
            completed_on=dt.date(2024, 3, 5),
            document_number="15/KH-UBND",
            document_date=dt.date(2024, 3, 5),
        ),
        TaskAnswer("bao_cao", TaskStatus.IN_PROGRESS, percent=Decimal(60)),
    ]
    history = reports_of(q1, outcome.state, Q1)

    h1 = context(LEAD, H1, history)
    asked, outcome = asked_ids(h1, "2", "3", "Chờ ý kiến của Sở Nội vụ", "1", "9/BC-PNV 5/6/2024")
    assert asked == ["cddh_02", "nv_kh_h1", "nv_kh_h1_gt", "nv_bao_cao", "nv_bao_cao_vb"]
    view = outcome.view
    assert isinstance(view, SummaryView)
    lines = {item.indicator_id: item for section in view.sections for item in section.items}
    assert lines["nv_kh_q1"].answer is not None
    assert lines["nv_kh_q1"].answer.value == words.DONE_EARLIER.format(period=Q1.label)
    answers = final_answers(h1, outcome.state.answers)
    assert (answers["cddh_01"].numerator, answers["cddh_01"].denominator) == (
        Decimal(1),
        Decimal(2),
    )
    history += reports_of(h1, outcome.state, H1)

    q3 = context(LEAD, Q3, history)
    asked, outcome = asked_ids(q3, "0", "1", "20/QĐ-UBND ngày 01/8/2024", "1", "30/BC 2/9/2024")
    assert asked == ["cddh_02", "nv_kh_h1", "nv_kh_h1_vb", "nv_bao_cao", "nv_bao_cao_vb"]
    answers = final_answers(q3, outcome.state.answers)
    assert (answers["cddh_01"].numerator, answers["cddh_01"].denominator) == (
        Decimal(2),
        Decimal(2),
    )
    history += reports_of(q3, outcome.state, Q3)

    y = context(LEAD, Y, history)
    asked, outcome = asked_ids(y, "5", "1", "40/BC-PNV ngày 09/12/2024")
    assert asked == ["cddh_02", "nv_bao_cao", "nv_bao_cao_vb"]
    assert outcome.state.position == SUMMARY
    assert {"nv_kh_q1", "nv_kh_h1"} <= set(y.by_id)  # shown, not asked
    answers = final_answers(y, outcome.state.answers)
    assert (answers["cddh_01"].numerator, answers["cddh_01"].denominator) == (
        Decimal(2),
        Decimal(2),
    )


def test_changing_a_status_from_the_summary_asks_its_new_follow_up() -> None:
    q1 = context(LEAD, Q1, [])
    _, outcome = asked_ids(q1, "4", "1", "15/KH-UBND ngày 05/3/2024", "3", "Chưa bố trí kinh phí")
    assert outcome.state.position == SUMMARY
    number = q1.by_id["nv_kh_q1"].number
    outcome = run(q1, outcome.state, f"sửa {number}", "2")
    view = outcome.view
    assert isinstance(view, QuestionView)
    assert view.indicator_id == "nv_kh_q1_pt"
    outcome = run(q1, outcome.state, "40", "Đang chờ ý kiến thẩm định")
    assert "nv_kh_q1_vb" not in outcome.state.answers  # the document went with "done"
    answers = final_answers(q1, outcome.state.answers)
    assert answers["cddh_01"].numerator == 0
    assert task_answers(answers, ANNEX)[0] == TaskAnswer(
        "kh_q1",
        TaskStatus.IN_PROGRESS,
        percent=Decimal(40),
        explanation="Đang chờ ý kiến thẩm định",
    )


def test_back_from_a_follow_up_returns_to_its_status_question() -> None:
    q1 = context(LEAD, Q1, [])
    _, outcome = asked_ids(q1, "4", "3")
    view = outcome.view
    assert isinstance(view, QuestionView)
    assert view.indicator_id == "nv_kh_q1_gt"
    outcome = run(q1, outcome.state, ButtonPress("back"))
    assert isinstance(outcome.view, QuestionView)
    assert outcome.view.indicator_id == "nv_kh_q1"


def test_a_reopened_task_is_asked_again() -> None:
    done = TaskReport("kh_q1", "p_noi_vu", Q1.code, Q1.window_end, TaskStatus.DONE, reopened=True)
    ids = [q.id for q in context(LEAD, H1, [done]).questions]
    assert "nv_kh_q1" in ids
    assert context(LEAD, H1, [done]).by_id["nv_kh_q1"].preset is None


def test_the_report_can_be_submitted_with_its_task_section() -> None:
    q1 = context(LEAD, Q1, [])
    _, outcome = asked_ids(q1, "4", "1", "15/KH-UBND ngày 05/3/2024", "2", "60", "Đúng kế hoạch")
    outcome = run(q1, outcome.state, ButtonPress("submit"))
    assert isinstance(outcome.view, SubmitReady)
    assert outcome.view.answers["nv_bao_cao_gt"].text_value == "Đúng kế hoạch"


def test_a_cooperating_unit_adds_a_one_line_contribution_only_when_the_setting_is_on() -> None:
    annex = TasksFile(
        year=2024, tasks=[task("kh_q1", due="Q1", cooperate=["p_tu_phap"])], contributions=True
    )
    off = task_questions(QUESTIONNAIRE, annex, UNITS, OTHER, PERIODS, Q1, [])
    assert [ind.id for _, ind in off.questionnaire.indicators()] == ["cddh_01", "cddh_02"]
    on = task_questions(QUESTIONNAIRE, annex, UNITS, OTHER, PERIODS, Q1, [], cooperation=True)
    ctx = context_for_period(on.questionnaire, OTHER, Q1)
    assert [q.id for q in ctx.questions] == ["cddh_01", "cddh_02", "nv_kh_q1_ph"]
    assert not ctx.by_id["nv_kh_q1_ph"].indicator.required
    _, outcome = asked_ids(ctx, "1/2", "3", "Đã góp ý dự thảo kế hoạch")
    got = task_answers(final_answers(ctx, outcome.state.answers), annex)
    assert got == [TaskAnswer("kh_q1", None, contribution="Đã góp ý dự thảo kế hoạch")]
