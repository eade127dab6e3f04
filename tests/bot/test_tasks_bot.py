"""A lead agency's full report with its tasks over the local Bot API, then /tasks and a history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cchc_bot.access import Role
from db.models import AuditEvent

from .conftest import Harness
from .reporting import fill_in_report

HEAD = 4301
COORDINATOR = 4302


async def test_a_lead_agency_reports_its_tasks_and_the_coordinator_reads_them(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "p_noi_vu")
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.say(HEAD, "/report")
    receipt = await fill_in_report(harness, HEAD)
    assert receipt, "no receipt after submitting"
    transcript = "\n".join(m.text or "" for m in harness.server.transcript(HEAD) if m.from_bot)
    assert "Nhiệm vụ «Ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2024»" in transcript
    assert "Văn bản chứng minh đã hoàn thành" in transcript

    # After the Q1 deadline (11/3) the tasks nobody reported are overdue and come first.
    harness.clock.set(dt.datetime(2024, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    replies = await harness.say(COORDINATOR, "/nhiemvu Q1")
    text = replies[-1].text or ""
    lines = text.splitlines()
    assert lines[0] == "Nhiệm vụ theo Kế hoạch CCHC — Quý I/2024"
    # Due by 11/3: Phòng Nội vụ's two plans and its recurring report (done, the clerk said),
    # Phòng Tư pháp's law-monitoring plan and Văn phòng's two recurring tasks (not reported).
    assert lines[1] == (
        "Đến hạn: 6 · Đúng hạn: 3 · Trễ hạn: 0 · Đang thực hiện: 0 · Chưa thực hiện: 3 · Quá hạn: 3"
    )
    assert lines[2] == "Tỷ lệ hoàn thành nhiệm vụ đúng hạn: 50 %"
    numbered = [line for line in lines if line[:1].isdigit()]
    assert all(line.split(" ", 2)[1] == "⚠️" for line in numbered[:3])
    assert "Phòng Tư pháp" in numbered[0]

    law_plan = "1. Xây dựng Kế hoạch theo dõi tình hình th…"  # the button, title shortened
    replies = await harness.press(COORDINATOR, law_plan, count=1)
    assert "Chưa có báo cáo nào về nhiệm vụ này." in (replies[-1].text or "")

    await harness.press(COORDINATOR, "➡️ Trang sau")
    page_two = harness.message_with_button(COORDINATOR, "⬅️ Trang trước").text or ""
    assert "Ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2024 — Phòng Nội vụ" in page_two
    assert "Đã hoàn thành" in page_two

    replies = await harness.say(HEAD, "/nhiemvu Q1")
    own = replies[-1].text or ""
    assert "Phòng Nội vụ" in own
    assert "Phòng Tư pháp" not in own  # a lead agency sees its own tasks

    # The coordinator reopens the task Phòng Nội vụ reported done: audited, and asked again.
    title = "Ban hành Kế hoạch tuyên truyền"
    opener = next(
        text
        for text in harness.message_with_button(COORDINATOR, "⬅️ Trang trước").button_texts
        if title in text
    )
    history = await harness.press(COORDINATOR, opener, count=1)
    assert "🔓 Mở lại cho Phòng Nội vụ" in history[-1].button_texts
    await harness.press(COORDINATOR, "🔓 Mở lại cho Phòng Nội vụ")
    toast = harness.server.calls("answerCallbackQuery", ok=True)[-1].params
    assert toast["text"] == "Đã mở lại nhiệm vụ cho Phòng Nội vụ: kỳ báo cáo tới sẽ hỏi lại."
    async with harness.runtime.session_factory() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "task_reopened"))
        ).all()
    assert [event.details for event in events] == [{"task": "kh_tuyen_truyen"}]
    await harness.press(COORDINATOR, "🔓 Mở lại cho Phòng Nội vụ")  # a second press: nothing
    toast = harness.server.calls("answerCallbackQuery", ok=True)[-1].params
    assert toast["text"] == "Nhiệm vụ này của Phòng Nội vụ không ở trạng thái đã hoàn thành."
