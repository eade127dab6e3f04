"""Tasks through the report service: asked, stored at submission, settled for later periods."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import select

from cchc_bot.access import Actor, Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.conversation import ButtonPress, QuestionView, SummaryView, TextInput
from cchc_bot.exports import workbook
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.exports import ExportService
from cchc_bot.services.reports import ReportOutcome, ReportResult, ReportService
from cchc_bot.services.tasks import TaskService
from cchc_bot.texts import tasks as words
from db import task_progress
from db.models import Answer, TaskProgress
from db.session import SessionFactory

from ..bot.reporting import error_rules, figures_of, plausible_answer

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HEAD = 702
PRESSES = {
    "✅ Đúng": ButtonPress("confirm"),
    "✅ Số liệu đúng": ButtonPress("confirm"),
    "✅ Có": ButtonPress("yes"),
    "⏭ Bỏ qua": ButtonPress("skip"),
}
DOCUMENT = "12/KH-PNV ngày 05/3/2024"


async def head_of(session_factory: SessionFactory, clock: MovableClock, unit: str) -> Actor:
    """Link a head to a unit and return the actor."""
    accounts = AccountService(session_factory, clock)
    invite = await accounts.create_invite(Role.HEAD, unit)
    await accounts.link(TelegramIdentity(HEAD, "Trưởng phòng"), invite.token)
    actor = await accounts.resolve_actor(HEAD)
    assert actor is not None
    return actor


async def answer_all(
    session_factory: SessionFactory, reports: ReportService, result: ReportResult
) -> tuple[ReportResult, list[str]]:
    """Answer every question as a careful clerk (tasks: done, with a dated document)."""
    asked: list[str] = []
    rules = error_rules(load_configuration(bundled_config_dir()).questionnaire)
    for _ in range(300):
        assert result.screen is not None
        view = result.screen.view
        if isinstance(view, SummaryView):
            return await reports.answer_from(HEAD, ButtonPress("submit")), asked
        assert isinstance(view, QuestionView)
        if view.indicator_id not in asked:
            asked.append(view.indicator_id)
        if view.indicator_id.startswith("nv_") and view.indicator_id.endswith("_vb"):
            event: TextInput | ButtonPress = TextInput(DOCUMENT)
        else:
            async with session_factory() as session:
                rows = await session.scalars(
                    select(Answer).where(Answer.submission_id == result.screen.submission_id)
                )
                figures = figures_of({row.indicator_id: row for row in rows})
            kind, value = plausible_answer(view, figures, rules)
            event = PRESSES[value] if kind == "press" else TextInput(value)
        result = await reports.answer_from(HEAD, event)
        assert result.outcome is ReportOutcome.SCREEN, result.outcome
    raise AssertionError(f"the report never reached its summary: {asked[-3:]} {view}")


async def test_a_lead_agency_reports_its_tasks_and_done_ones_are_not_asked_again(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    actor = await head_of(session_factory, clock, "p_noi_vu")
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    submitted, asked = await answer_all(session_factory, reports, await reports.start(actor))
    assert submitted.outcome is ReportOutcome.SUBMITTED
    assert "cddh_01" not in asked  # computed from the task list
    # Q1: the two plans due in Q1 and the recurring report, each with its document.
    assert [ident for ident in asked if ident.startswith("nv_")] == [
        "nv_kh_tuyen_truyen",
        "nv_kh_tuyen_truyen_vb",
        "nv_kh_kiem_tra",
        "nv_kh_kiem_tra_vb",
        "nv_bao_cao_cchc",
        "nv_bao_cao_cchc_vb",
    ]
    async with session_factory() as session:
        rows = (await session.scalars(select(TaskProgress).order_by(TaskProgress.id))).all()
        assert [
            (row.task_id, row.status, row.completed_on, row.document_number) for row in rows
        ] == [
            ("kh_tuyen_truyen", "done", dt.date(2024, 3, 5), "12/KH-PNV"),
            ("kh_kiem_tra", "done", dt.date(2024, 3, 5), "12/KH-PNV"),
            ("bao_cao_cchc", "done", dt.date(2024, 3, 5), "12/KH-PNV"),
        ]
        stored = await task_progress.reported_progress(session, 2024)
    assert {(row.unit, row.period) for row in stored} == {("p_noi_vu", "2024-Q1")}

    clock.set(dt.datetime(2024, 6, 3, 9, 0, tzinfo=TZ))  # 6 tháng is open
    started = await reports.start(actor)
    assert started.screen is not None
    _, asked = await answer_all(session_factory, reports, started)
    tasks_asked = [ident for ident in asked if ident.startswith("nv_")]
    assert "nv_kh_tuyen_truyen" not in tasks_asked
    assert "nv_kh_kiem_tra" not in tasks_asked
    assert tasks_asked[:2] == ["nv_bao_cao_cchc", "nv_bao_cao_cchc_vb"]
    assert "nv_sap_xep_can_bo_xa" in tasks_asked  # due H1


async def test_a_unit_without_tasks_is_asked_no_task_question(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    actor = await head_of(session_factory, clock, "xa_tai_van")
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    submitted, asked = await answer_all(session_factory, reports, await reports.start(actor))
    assert submitted.outcome is ReportOutcome.SUBMITTED
    assert not [ident for ident in asked if ident.startswith("nv_")]
    assert "cddh_01" in asked
    async with session_factory() as session:
        assert (await session.scalars(select(TaskProgress))).all() == []


async def test_the_export_gains_the_task_sheet_and_the_agency_rates(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    actor = await head_of(session_factory, clock, "p_noi_vu")
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    submitted, _ = await answer_all(session_factory, reports, await reports.start(actor))
    assert submitted.outcome is ReportOutcome.SUBMITTED
    clock.set(dt.datetime(2024, 3, 20, 9, 0, tzinfo=TZ))  # after the Q1 deadline
    exports = ExportService(session_factory, bundled_config, clock, TZ)
    data = await exports.export_data("2024-Q1")
    buffer = io.BytesIO()
    workbook.write_xlsx(data, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames[-1] == "Nhiệm vụ"
    sheet = book["Nhiệm vụ"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Mã", "Nhiệm vụ", "Lĩnh vực", "Cơ quan chủ trì", "Hạn", "Tình trạng"]
    by_task = {(row[0], row[3]): row for row in sheet.iter_rows(min_row=2, values_only=True)}
    done = by_task[("kh_kiem_tra", "Phòng Nội vụ")]
    assert done[5:8] == ("Đã hoàn thành", "5/3/2024", "12/KH-PNV")
    law = by_task[("kh_theo_doi_thi_hanh_pl", "Phòng Tư pháp")]
    assert law[5] == "Chưa thực hiện"
    summary = [list(row) for row in book["Tổng hợp"].iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(summary) if row[0] == words.RATES_TITLE)
    rates = {row[0]: tuple(row[1:8]) for row in summary[start + 2 :] if row[0]}
    # Phòng Nội vụ: its two Q1 plans and its recurring report, all done on 5/3 (on time).
    assert rates["Phòng Nội vụ"] == (3, 3, 0, 0, 0, 0, 1)  # 100 %, a percent cell
    # Phòng Tư pháp: the law-monitoring plan due 10/3, not reported: overdue.
    assert rates["Phòng Tư pháp"] == (1, 0, 0, 0, 1, 1, 0)
    # The district: 6 due (3 + 1 + Văn phòng's 2 recurring), 3 on time: 50 %.
    assert rates["Tổng cộng"] == (6, 3, 0, 0, 3, 3, 0.5)


async def test_a_task_reopened_by_a_coordinator_is_asked_again_in_the_next_period(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    actor = await head_of(session_factory, clock, "p_noi_vu")
    reports = ReportService(session_factory, bundled_config, clock, TZ)
    await answer_all(session_factory, reports, await reports.start(actor))
    tasks = TaskService(session_factory, bundled_config, clock, TZ)
    assert await tasks.reopen(None, "p_noi_vu", "kh_tuyen_truyen") == 1
    assert await tasks.reopen(None, "p_noi_vu", "kh_tuyen_truyen") == 0  # already reopened
    history = await tasks.history(None, "kh_tuyen_truyen")
    assert [(r.period, r.status.value, r.reopened) for r in history.reports] == [
        ("2024-Q1", "done", True)
    ]
    clock.set(dt.datetime(2024, 6, 3, 9, 0, tzinfo=TZ))
    _, asked = await answer_all(session_factory, reports, await reports.start(actor))
    assert "nv_kh_tuyen_truyen" in asked
    assert "nv_kh_kiem_tra" not in asked
