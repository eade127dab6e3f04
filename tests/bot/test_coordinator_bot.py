"""Coordinator tools over Telegram: status pages and chart, nudges, returns, periods, export."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from cchc_bot.access import Role
from cchc_bot.local_bot_api import MessageRecord
from db.models import ReminderLog

from .conftest import Harness
from .reporting import fill_in_report

COORDINATOR = 4001
HEAD = 4002
STAFF = 4003
OTHER_HEAD = 4004


async def press_and_wait(
    harness: Harness,
    user_id: int,
    button_text: str,
    *,
    count: int = 1,
    message: MessageRecord | None = None,
) -> list[MessageRecord]:
    """Press a button and wait for `count` new bot messages (paced replies may come late)."""
    last = harness.server.transcript(user_id)[-1].message_id
    target = message or harness.message_with_button(user_id, button_text)
    harness.server.press_button(user_id, target.message_id, text=button_text)
    return await harness.replies(user_id, after=last, count=count)


async def test_coordinator_status_has_counts_pages_and_a_chart(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    answers = await harness.say(COORDINATOR, "/status", count=2)
    first = answers[0]
    text = first.text or ""
    assert "Quý I/2024" in text
    assert "Nộp đúng hạn: 1" in text
    assert "Trang 1/2" in text
    assert all(len(m.text or m.caption or "") <= 4096 for m in answers)
    photos = [m for m in answers if m.photo]
    assert len(photos) == 1
    await harness.press(COORDINATOR, "Trang sau ➡️", message=first)
    page_two = next(
        m for m in harness.server.transcript(COORDINATOR) if m.message_id == first.message_id
    )
    assert "Trang 2/2" in (page_two.text or "")
    assert "Trang trước" in str(page_two.button_texts)


async def test_heads_see_only_their_own_unit_and_are_refused_coordinator_commands(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await harness.say(HEAD, "3/4")
    status = (await harness.say(HEAD, "/tinhtrang"))[0].text or ""
    assert "Xã Tài Văn" in status
    assert "Xã Viên An" not in status
    assert "Còn thiếu: câu 2–8, 10, 12–14, 16–22" in status  # optional ones are not missing
    for command in [
        "/remind",
        "/export",
        "/return xa_tai_van 2024-Q1 sai số",
        "/close 2024-Q1",
        "/reopen 2024-Q1",
    ]:
        answer = (await harness.say(HEAD, command))[0].text or ""
        assert "chỉ dành cho Phòng Nội vụ" in answer, command


async def test_remind_asks_first_then_nudges_at_most_once_per_unit(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.link(STAFF, Role.STAFF, "xa_tai_van")
    await harness.link(OTHER_HEAD, Role.HEAD, "xa_vien_an")
    plan = (await harness.say(COORDINATOR, "/nhacnho"))[0].text or ""
    assert "3 người của 2 đơn vị" in plan
    done = await press_and_wait(harness, COORDINATOR, "✅ Gửi nhắc")
    assert "gửi được 3" in (done[-1].text or "")
    assert "Phòng Nội vụ nhắc" in (harness.server.last_bot_message(HEAD).text or "")
    again = (await harness.say(COORDINATOR, "/remind"))[0].text or ""
    assert "Không có đơn vị nào cần nhắc" in again
    assert "vừa được nhắc" in again
    async with harness.runtime.session_factory() as session:
        kinds = (await session.scalars(select(ReminderLog.kind))).all()
    assert len(kinds) == 3
    assert all(kind.startswith("manual-") for kind in kinds)


async def test_a_returned_report_is_revised_and_the_coordinator_is_told(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    answer = (
        await harness.say(COORDINATOR, "/tralai xa_tai_van 2024-Q1 Số hồ sơ chưa khớp phần mềm")
    )[0]
    assert "Đã trả lại" in (answer.text or "")
    told = harness.server.last_bot_message(HEAD).text or ""
    assert "Số hồ sơ chưa khớp phần mềm" in told
    summary = await harness.say(HEAD, "/report")
    assert any("Tóm tắt báo cáo" in (m.text or "") for m in summary)
    assert any("trả lại" in (m.text or "") for m in summary)
    await harness.say(HEAD, "sửa 2")
    await harness.say(HEAD, "6")
    receipt = await fill_in_report(harness, HEAD)
    assert "Phiên bản: 2" in (receipt[-1].text or "")
    await harness.server.wait_until_idle(quiet=0.2)
    assert "đã gửi lại báo cáo" in (harness.server.last_bot_message(COORDINATOR).text or "")


async def test_return_from_a_status_button_takes_the_reason_as_a_reply(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    await harness.say(COORDINATOR, "/status", count=2)
    await harness.press(COORDINATOR, "Trang sau ➡️")  # the communes are on page 2
    prompt = await harness.press(COORDINATOR, "↩️ Trả lại: Xã Tài Văn")
    assert "lý do" in (prompt[0].text or "")
    harness.server.send_text(
        COORDINATOR, "Thiếu giải trình chỉ tiêu số hóa", reply_to=prompt[0].message_id
    )
    done = await harness.replies(COORDINATOR)
    assert "Đã trả lại" in (done[-1].text or "")


async def test_closing_a_period_stops_reports_and_reopening_allows_them(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    closed = (await harness.say(COORDINATOR, "/dongky 2024-Q1"))[0].text or ""
    assert "Đã đóng kỳ Quý I/2024" in closed
    answer = (await harness.say(HEAD, "/report"))[0].text or ""
    assert "không có kỳ báo cáo" in answer.lower()
    await harness.say(COORDINATOR, "/moky 2024-Q1")
    answer = (await harness.say(HEAD, "/report"))[0].text or ""
    assert "Câu 1/60" in answer


async def test_export_sends_a_workbook_named_for_the_period(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    answers = await harness.say(COORDINATOR, "/xuat 2024-Q1")
    documents = [m for m in answers if m.document]
    assert len(documents) == 1
    document = documents[0].document
    assert document is not None
    assert document["file_name"] == "CCHC_2024-Q1_TranDe_20240305.xlsx"
    content = harness.server.state.files[document["file_id"]].content
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo đơn vị",
        "Tình trạng nộp",
        "Giải trình",
        "Chưa đạt chỉ tiêu",
        "Nhắc nhở",
        "Nhiệm vụ",  # the bundled tasks.yaml
    ]
    units = book["Theo đơn vị"]
    names = [row[0].value for row in units.iter_rows(min_row=2)]
    assert "Xã Tài Văn" in names
    assert len(names) == 38
    bad = (await harness.say(COORDINATOR, "/export 2024-Q9"))[0].text or ""
    assert "Không có kỳ báo cáo" in bad


async def test_closing_a_period_stops_a_draft_in_progress(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await harness.say(HEAD, "3/4")
    await harness.say(COORDINATOR, "/close 2024-Q1")
    answer = (await harness.say(HEAD, "5"))[0].text or ""
    assert "đã đóng" in answer
    async with harness.runtime.session_factory() as session:
        from db.models import Answer

        assert len((await session.scalars(select(Answer.id))).all()) == 1  # the 5 was not taken


async def test_a_report_returned_after_the_late_window_can_still_be_revised(
    harness: Harness,
) -> None:
    import datetime as dt

    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    harness.clock.advance(dt.timedelta(days=40))  # past the 30 days of late submissions
    await harness.say(COORDINATOR, "/return xa_tai_van 2024-Q1 Thiếu giải trình")
    answers = await harness.say(HEAD, "/report")
    assert any("Tóm tắt báo cáo" in (m.text or "") for m in answers)
    receipt = await fill_in_report(harness, HEAD)
    assert "Phiên bản: 2" in (receipt[-1].text or "")
