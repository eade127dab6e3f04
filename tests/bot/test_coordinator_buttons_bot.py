"""Every coordinator button press is answered: forged or malformed data, double taps (issue 11)."""

from __future__ import annotations

import pytest

from cchc_bot.access import Role
from cchc_bot.local_bot_api import CallbackQueryRecord, MessageRecord

from .conftest import Harness
from .reporting import fill_in_report

COORDINATOR = 8001
HEAD = 8002


def forge_press(
    harness: Harness, user_id: int, message: MessageRecord, data: str
) -> CallbackQueryRecord:
    """A client sending callback data the bot never put on that message."""
    server = harness.server
    state = server.state
    user = server.user(user_id)
    query = CallbackQueryRecord(
        id=str(4_100_000_000_000 + state.serial()),
        user_id=user_id,
        chat_id=message.chat_id,
        message_id=message.message_id,
        data=data,
    )
    state.callback_queries[query.id] = query
    state.enqueue(
        "callback_query",
        {
            "id": query.id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": str(abs(message.chat_id) * 7 + 1_000_000_000_000),
            "data": data,
        },
    )
    return query


FORGED = [
    "st|x",
    "st|2024-Q1|x",
    "st|2024-Q1|-1",
    "st|2024-Q1|99999",
    "st|2099-Q1|0",
    "st|2024-Q9|0",
    "st|2024-Q1|0\n",
    "rt|a|b|c",
    "rt|xa_tai_van",
    "rt|XA_TAI_VAN|2024-Q1",
    "rt|khong_co|2024-Q1",
    "rt|xa_tai_van|2024-Q7",
    "rm|2024-Q1",
    "rm|2024-Q9|-",
    "rm|2024-Q1|A B",
    "rx|1",
    "st",
    "rm",
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_coordinator_buttons_are_answered_politely(
    harness: Harness, data: str
) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    status = await harness.say(COORDINATOR, "/status", count=2)
    query = forge_press(harness, COORDINATOR, status[0], data)
    await harness.server.wait_until_idle(timeout=10, quiet=0.3)
    answered = harness.server.callback_query(query.id)
    assert answered.answered, data
    texts = [m.text or "" for m in harness.server.bot_messages(COORDINATOR)]
    assert not any("lỗi ngoài ý muốn" in text for text in texts), texts


async def test_a_head_pressing_a_coordinator_button_is_refused(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    status = await harness.say(HEAD, "/status")
    query = forge_press(harness, HEAD, status[0], "rt|xa_tai_van|2024-Q1")
    await harness.server.wait_until_idle(timeout=10, quiet=0.3)
    answered = harness.server.callback_query(query.id)
    assert answered.answered
    assert "chỉ dành cho Phòng Nội vụ" in str(answered.answer)


async def test_a_double_tap_on_the_next_page_is_not_an_error(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    status = await harness.say(COORDINATOR, "/status", count=2)
    first = status[0]
    one = harness.server.press_button(COORDINATOR, first.message_id, text="Trang sau ➡️")
    two = harness.server.press_button(COORDINATOR, first.message_id, text="Trang sau ➡️")
    await harness.server.wait_until_idle(timeout=10, quiet=0.5)
    assert harness.server.callback_query(one.id).answered
    assert harness.server.callback_query(two.id).answered
    texts = [m.text or "" for m in harness.server.bot_messages(COORDINATOR)]
    assert not any("lỗi ngoài ý muốn" in text for text in texts), texts
    page = next(
        m for m in harness.server.transcript(COORDINATOR) if m.message_id == first.message_id
    )
    assert "Trang 2/2" in (page.text or "")


async def test_a_return_button_for_a_unit_that_has_not_submitted_asks_nothing(
    harness: Harness,
) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    status = await harness.say(COORDINATOR, "/status", count=2)
    before = len(harness.server.bot_messages(COORDINATOR))
    query = forge_press(harness, COORDINATOR, status[0], "rt|xa_vien_an|2024-Q1")
    await harness.server.wait_until_idle(timeout=10, quiet=0.3)
    answered = harness.server.callback_query(query.id)
    assert answered.answered
    assert "Xã Viên An chưa gửi báo cáo Quý I/2024" in str(answered.answer)
    assert len(harness.server.bot_messages(COORDINATOR)) == before  # no prompt
    reply = await harness.say(COORDINATOR, "Thiếu số liệu")
    assert "Đã trả lại" not in (reply[-1].text or "")
