"""The head's report flow over Telegram: opening, the signed file at the summary, the receipt."""

from __future__ import annotations

from sqlalchemy import func, select

from cchc_bot.access import Role
from cchc_bot.conversation import SummaryView
from cchc_bot.local_bot_api import CallbackQueryRecord, MessageRecord
from db.models import Attachment, Submission

from .conftest import Harness
from .reporting import current_view, fill_in_report, unit_report_sent

HEAD = 3101
SIGNED_PDF = b"%PDF-1.7\n% signed by the head\n"


async def test_the_summary_buttons_still_work_after_the_signed_file_is_sent(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van", "Chủ tịch Tài Văn")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD, submit=False)
    summary = harness.message_with_button(HEAD, "✅ Gửi báo cáo")
    harness.server.send_document(
        HEAD, "bao-cao-quy-1-da-ky.pdf", SIGNED_PDF, mime_type="application/pdf"
    )
    saved = await harness.replies(HEAD)
    assert "bao-cao-quy-1-da-ky.pdf" in (saved[0].text or "")
    # The person presses the *old* summary's button, as the summary invites.
    answers = await harness.press(HEAD, "✅ Gửi báo cáo", message=summary, count=1)
    assert answers, harness.server.describe_chat(HEAD)
    receipt = answers[0].text or ""
    # After the receipt, the unit's own report to sign (DOCX, and PDF with LibreOffice).
    await unit_report_sent(harness, HEAD, answers[0].message_id)
    assert "Đã gửi báo cáo CCHC Quý I/2024" in receipt, harness.server.describe_chat(HEAD)
    assert "bao-cao-quy-1-da-ky.pdf" in receipt
    assert "Đã trả lời: 60/60 câu" in receipt
    async with harness.runtime.session_factory() as session:
        assert await session.scalar(select(Submission.state)) == "submitted"
        assert await session.scalar(select(func.count()).select_from(Attachment)) == 1
    # The upload reply carried the summary's buttons too (same draft state, so both work).
    assert "✅ Gửi báo cáo" in saved[-1].button_texts
    status = (await harness.say(HEAD, "/status"))[0].text or ""
    assert "đang nhập" not in status
    assert "đã gửi" in status.lower()


async def test_report_opens_with_period_window_deadline_questions_and_time(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    first = (await harness.say(HEAD, "/report"))[0].text or ""
    assert "Báo cáo CCHC Quý I/2024" in first
    assert "Số liệu tính từ 11/12/2023 đến 10/3/2024" in first
    assert "Hạn nộp: 23:59 ngày 11/3/2024 (còn 6 ngày)" in first
    # 60 questions at 20 seconds each: 1.200 s, 20 minutes.
    assert "60 câu hỏi, mất khoảng 20 phút" in first
    assert "Câu 1/60" in first


async def test_a_file_whose_bytes_are_not_its_type_is_refused_and_the_draft_untouched(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    async with harness.runtime.session_factory() as session:
        before = await session.scalar(select(Submission.updated_at))
    forged = [
        ("bao-cao.pdf", b"MZ\x90\x00 an executable renamed"),
        ("bao-cao.docx", b"%PDF-1.4 a pdf renamed"),
        ("bao-cao.xls", b"PK\x03\x04 a zip is not an OLE file"),
    ]
    for name, content in forged:
        harness.server.send_document(HEAD, name, content, mime_type="application/octet-stream")
        refused = (await harness.replies(HEAD))[0].text or ""
        assert "không đúng định dạng" in refused, refused
        assert name in refused
    async with harness.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert await session.scalar(select(Submission.updated_at)) == before


async def test_a_long_file_name_is_shortened_in_replies_keeping_its_extension(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    name = "bao-cao-" + "rat-dai-" * 40 + "quy-1.docx"
    assert len(name) > 200
    harness.server.send_document(HEAD, name, b"PK\x03\x04" + b"\x00" * 40)
    saved = (await harness.replies(HEAD))[0].text or ""
    shown = saved.split("Đã lưu tệp ", 1)[1].rsplit(" (", 1)[0]
    assert len(shown) == 200
    assert shown.endswith("….docx")
    assert name.startswith(shown[: -len("….docx")])
    async with harness.runtime.session_factory() as session:
        stored = await session.scalar(select(Attachment.file_name))
    assert stored is not None
    assert stored.endswith(".docx")  # the column holds 255: shortened too, extension kept
    assert len(stored) == min(len(name), 255)


def forge_press(harness: Harness, user_id: int, message: MessageRecord, data: str) -> str:
    """A client sending callback data the bot never put on that message; the query's id."""
    state = harness.server.state
    query = CallbackQueryRecord(
        id=str(4_200_000_000_000 + state.serial()),
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
            "from": harness.server.user(user_id).to_api(),
            "message": message.to_api(),
            "chat_instance": str(abs(message.chat_id) * 7 + 1_000_000_000_000),
            "data": data,
        },
    )
    return query.id


FORGED_REPORT_BUTTONS = [
    "rp|",
    "rp|2024-Q9",
    "rp|x|y",
    "rp|2024-Q1\n",
    "rv|",
    "rv|²",
    "rv|-1",
    "rv|123456789012345678901234567890",
    "rv|999",
    "ap|1",
    "ap|1|2",
    "ap|²|1",
    "ap|123456789012345678901234567890|1",
    "ap|999|0",
    "r|²|abcd1234|submit|",
    "r|123456789012345678901234567890|abcd1234|submit|",
    "r|1|x|y",
    "r|1|abcd1234|edit|99999",
]


async def test_forged_report_buttons_are_answered_with_a_toast(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    question = (await harness.say(HEAD, "/report"))[0]
    ids = [forge_press(harness, HEAD, question, data) for data in FORGED_REPORT_BUTTONS]
    await harness.server.wait_until_idle(timeout=20, quiet=0.5)
    for data, query_id in zip(FORGED_REPORT_BUTTONS, ids, strict=True):
        assert harness.server.callback_query(query_id).answered, data
    texts = [m.text or "" for m in harness.server.bot_messages(HEAD)]
    assert not any("lỗi ngoài ý muốn" in text for text in texts), texts
    async with harness.runtime.session_factory() as session:
        assert await session.scalar(select(Submission.position)) == "cddh_01"


async def numbers_of(harness: Harness, user_id: int) -> dict[str, int]:
    """Question numbers by indicator id, as the person's summary numbers them."""
    actor = await harness.runtime.accounts.resolve_actor(user_id)
    assert actor is not None
    view = await current_view(harness, actor)
    assert isinstance(view, SummaryView)
    return {item.indicator_id: item.number for s in view.sections for item in s.items}


async def test_a_failed_cross_check_shows_its_arithmetic_and_fix_buttons_that_come_back(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD, submit=False)
    numbers = await numbers_of(harness, HEAD)
    solved, on_time, late = numbers["tthc_03"], numbers["tthc_04"], numbers["tthc_05"]
    await harness.say(HEAD, f"sửa {late}")
    blocked = (await harness.say(HEAD, "2"))[-1]
    # The clerk's figures: 5 solved, all 5 on time; 2 late makes 7.
    assert (
        f"5 + 2 = 7, nhưng số hồ sơ TTHC đã giải quyết trong kỳ là 5 (câu {solved}, {on_time}, "
        f"{late})" in (blocked.text or "")
    ), blocked.text
    assert f"✏️ Sửa câu {solved}" in blocked.button_texts
    opened = await harness.press(HEAD, f"✏️ Sửa câu {solved}", message=blocked)
    assert f"Câu {solved}/60" in (opened[-1].text or "")
    back = await harness.press(HEAD, "⬅️ Quay lại", message=opened[-1])
    assert f"Câu {late}/60" in (back[-1].text or ""), back[-1].text  # where the edit came from


async def test_an_edit_and_a_stray_message_at_the_summary_do_not_resend_it(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD, submit=False)
    numbers = await numbers_of(harness, HEAD)
    await harness.say(HEAD, f"sửa {numbers['cddh_02']}")
    edited = await harness.say(HEAD, "7")
    text = "\n".join(m.text or "" for m in edited)
    assert f"{numbers['cddh_02']}. Số văn bản chỉ đạo" in text
    assert "Tỷ lệ hoàn thành nhiệm vụ" not in text  # line 1 is not shown again
    assert "✅ Gửi báo cáo" in edited[-1].button_texts
    stray = await harness.say(HEAD, "xin chào")
    text = "\n".join(m.text or "" for m in stray)
    assert "chưa hiểu" in text
    assert "Bấm «✅ Gửi báo cáo» để nộp" in text
    assert "Tỷ lệ hoàn thành nhiệm vụ" not in text
    assert "✅ Gửi báo cáo" in stray[-1].button_texts
