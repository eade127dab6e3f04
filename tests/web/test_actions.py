"""The coordinator's desk actions call the chat's services: nudge, return, close and reopen."""

from __future__ import annotations

from sqlalchemy import select

from cchc_bot.services.reminders import DeliveryOutcome, DeliveryResult, ReminderMessage
from db.models import Period
from handlers.web.desk import DESK

from .conftest import Desk


async def test_a_nudge_from_the_desk_reaches_the_units_people_once(desk: Desk) -> None:
    sent: list[ReminderMessage] = []

    async def deliver(message: ReminderMessage) -> DeliveryResult:
        sent.append(message)
        return DeliveryResult(DeliveryOutcome.SENT, message_id=len(sent))

    app = desk.client.app
    assert app is not None
    app[DESK].send_reminder = deliver
    await desk.sign_in("coordinator")
    page = await (await desk.client.get("/unit/xa_vien_an", params={"period": "2024-Q1"})).text()
    assert 'id="nudge"' in page
    csrf = await desk.page_csrf()
    data = {"csrf": csrf, "period": "2024-Q1"}
    first = await desk.client.post("/unit/xa_vien_an/nudge", data=data, allow_redirects=False)
    assert first.status == 303
    assert first.headers["Location"].endswith("notice=nudged")
    assert [message.telegram_user_id for message in sent] == [703]  # Viên An's head
    again = await desk.client.post("/unit/xa_vien_an/nudge", data=data, allow_redirects=False)
    assert again.headers["Location"].endswith("notice=nudged_nobody")
    assert len(sent) == 1


async def test_without_the_running_bot_the_desk_offers_no_nudge(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    page = await (await desk.client.get("/unit/xa_vien_an", params={"period": "2024-Q1"})).text()
    assert 'id="nudge"' not in page
    csrf = await desk.page_csrf()
    response = await desk.client.post(
        "/unit/xa_vien_an/nudge", data={"csrf": csrf, "period": "2024-Q1"}
    )
    assert response.status == 404


async def test_closing_and_reopening_a_period_from_the_desk(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    csrf = await desk.page_csrf()
    closed = await desk.client.post("/period/2024-Q1/close", data={"csrf": csrf})
    text = await closed.text()
    assert "Kỳ đã đóng" in text
    assert "Mở lại kỳ này" in text
    await desk.client.post("/period/2024-Q1/reopen", data={"csrf": csrf})
    async with desk.runtime.session_factory() as session:
        override = await session.scalar(select(Period.override).where(Period.code == "2024-Q1"))
    assert override == "open"


async def test_a_return_needs_a_reason_and_then_shows_it_on_the_units_page(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    csrf = await desk.page_csrf()
    short = await desk.client.post(
        "/unit/xa_tai_van/return", data={"csrf": csrf, "period": "2024-Q1", "reason": "sai"}
    )
    assert "ít nhất 10 ký tự" in await short.text()
    reason = "Câu 2 <b>chưa</b> khớp sổ theo dõi."
    done = await desk.client.post(
        "/unit/xa_tai_van/return", data={"csrf": csrf, "period": "2024-Q1", "reason": reason}
    )
    text = await done.text()
    assert "Đã trả lại báo cáo kèm lý do" in text
    assert "Lý do trả lại: Câu 2 &lt;b&gt;chưa&lt;/b&gt; khớp sổ theo dõi." in text


async def test_the_chart_is_a_png_for_coordinators_only(desk: Desk) -> None:
    await desk.sign_in("coordinator")
    chart = await desk.client.get("/chart.png", params={"period": "2024-Q1"})
    assert chart.status == 200
    assert chart.headers["Content-Type"] == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG\r\n\x1a\n")
    await desk.sign_in("head_a")
    assert (await desk.client.get("/chart.png")).status == 403
