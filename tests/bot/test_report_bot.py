"""The report over Telegram: full reports, junk, restarts, stale buttons, files, revisions."""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import zlib

from sqlalchemy import func, select

from cchc_bot.access import Role
from db.models import Answer, Attachment, Submission, SubmissionVersion

from .conftest import Harness
from .reporting import fill_in_report


def tiny_png() -> bytes:
    """A valid 1×1 PNG, as a phone camera would send (only smaller)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


HEAD = 3001
STAFF = 3002
PHONG = 3003


async def test_a_commune_head_files_a_full_report_and_gets_a_receipt(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van", "Chủ tịch Tài Văn")
    first = await harness.say(HEAD, "/baocao")
    text = first[0].text or ""
    assert "Câu 1/60" in text
    assert "Số liệu tính từ 11/12/2023 đến 10/3/2024" in text
    answers = await fill_in_report(harness, HEAD)
    receipt = answers[-1].text or ""
    assert "Đã gửi báo cáo CCHC Quý I/2024" in receipt
    assert "Đúng hạn" in receipt
    async with harness.runtime.session_factory() as session:
        submission = await session.scalar(select(Submission))
        assert submission is not None
        assert submission.state == "submitted"
        assert submission.version == 1
        assert submission.late is False
        assert await session.scalar(select(func.count()).select_from(SubmissionVersion)) == 1
    status = await harness.runtime.status.district_status("2024-Q1")
    tai_van = next(unit for unit in status.units if unit.code == "xa_tai_van")
    assert tai_van.state == "submitted"


async def test_a_phong_staff_member_reports_a_shorter_questionnaire(harness: Harness) -> None:
    await harness.link(PHONG, Role.STAFF, "thanh_tra")
    first = await harness.say(PHONG, "/report")
    assert "Câu 1/28" in (first[0].text or "")
    answers = await fill_in_report(harness, PHONG)
    assert "Đã gửi báo cáo" in (answers[-1].text or "")


async def test_junk_gets_a_specific_reply_and_changes_nothing(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await harness.say(HEAD, "5")  # question 1 is a ratio numerator: goes to the denominator step
    async with harness.runtime.session_factory() as session:
        before = await session.scalar(select(Submission.position))
    junk_replies = []
    for junk in ["abc", "😀😀", "-5", "1e999", "x" * 5000, "/khongco"]:
        junk_replies.append(await harness.say(HEAD, junk))
    harness.server.send_sticker(HEAD)
    junk_replies.append(await harness.replies(HEAD))
    harness.server.send_photo(HEAD, tiny_png())
    junk_replies.append(await harness.replies(HEAD))
    harness.server.send_location(HEAD, 9.5, 106.0)
    junk_replies.append(await harness.replies(HEAD))
    harness.server.send_voice(HEAD)
    junk_replies.append(await harness.replies(HEAD))
    harness.server.send_contact(HEAD, "0912345678", "Anh Ba")
    junk_replies.append(await harness.replies(HEAD))
    harness.server.forward_message(HEAD, "17/20")
    junk_replies.append(await harness.replies(HEAD))
    typed = [m for m in harness.server.transcript(HEAD) if not m.from_bot and m.text == "abc"][-1]
    harness.server.edit_text(HEAD, typed.message_id, "4")
    junk_replies.append(
        await harness.replies(HEAD, after=harness.server.transcript(HEAD)[-1].message_id - 0)
    )
    for replies in junk_replies:
        assert replies, "every message gets an answer"
        assert all(len(reply.text or reply.caption or "") < 4096 for reply in replies)
    async with harness.runtime.session_factory() as session:
        after = await session.scalar(select(Submission.position))
        pending = await session.scalar(select(Submission.pending))
    assert after == before
    assert pending is not None


async def test_restart_mid_questionnaire_resumes_at_the_same_question(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await harness.say(HEAD, "3/4")
    await harness.say(HEAD, "5")
    await harness.say(HEAD, "2")
    async with harness.runtime.session_factory() as session:
        answered = await session.scalar(select(func.count()).select_from(Answer))
    assert answered == 3
    await harness.stop_bot()
    await harness.start_bot()
    answers = await harness.say(HEAD, "/report")
    text = answers[0].text or ""
    assert "đã trả lời 3/60" in text
    assert "Câu 4/60" in text
    answers = await fill_in_report(harness, HEAD)
    assert "Đã gửi báo cáo" in (answers[-1].text or "")


async def test_stale_and_double_tapped_buttons_are_refused_politely(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    first_question = harness.message_with_button(HEAD, "📋 Xem lại")
    await harness.say(HEAD, "3/4")  # answered by typing: the old message keeps its buttons
    async with harness.runtime.session_factory() as session:
        position = await session.scalar(select(Submission.position))
    query = harness.server.press_button(HEAD, first_question.message_id, text="📋 Xem lại")
    await harness.server.wait_until_idle(quiet=0.15)
    assert harness.server.callback_query(query.id).answered
    assert "không còn dùng được" in str(
        (harness.server.callback_query(query.id).answer or {}).get("text")
    )
    async with harness.runtime.session_factory() as session:
        assert await session.scalar(select(Submission.position)) == position

    current = harness.message_with_button(HEAD, "📋 Xem lại")
    taps = [
        harness.server.press_button(HEAD, current.message_id, text="📋 Xem lại") for _ in range(2)
    ]
    await harness.server.wait_until_idle(quiet=0.2)
    answers = [harness.server.callback_query(tap.id) for tap in taps]
    assert all(answer.answered for answer in answers)
    assert "không còn dùng được" in str((answers[1].answer or {}).get("text"))
    summaries = [
        m for m in harness.server.bot_messages(HEAD) if "Tóm tắt báo cáo" in (m.text or "")
    ]
    assert len(summaries) == 1


async def test_cancel_keeps_the_draft_and_report_resumes_it(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await harness.say(HEAD, "3/4")
    answers = await harness.say(HEAD, "/huy")
    assert "Đã tạm dừng" in (answers[0].text or "")
    answers = await harness.say(HEAD, "7")
    assert "/report" in (answers[0].text or "")  # not in a report: the 7 is not taken
    answers = await harness.say(HEAD, "/report")
    assert "Câu 2/60" in (answers[0].text or "")


async def test_two_devices_of_one_account_answer_the_same_draft_in_order(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    harness.server.send_text(HEAD, "3/4")
    harness.server.send_text(HEAD, "5")
    harness.server.send_text(HEAD, "2")
    await harness.server.wait_for_bot_messages(HEAD, 3, timeout=10)
    await harness.server.wait_until_idle(quiet=0.2)
    async with harness.runtime.session_factory() as session:
        rows = dict((await session.execute(select(Answer.indicator_id, Answer.numerator))).all())
    assert len(rows) == 3


async def test_signed_file_is_stored_with_its_hash_and_other_types_are_refused(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    harness.server.send_document(
        HEAD, "bao-cao.exe", b"MZ...", mime_type="application/octet-stream"
    )
    refused = await harness.replies(HEAD)
    assert "PDF" in (refused[0].text or "")
    content = b"%PDF-1.4 signed report"
    harness.server.send_document(HEAD, "bao-cao-quy-1.pdf", content, mime_type="application/pdf")
    saved = await harness.replies(HEAD)
    assert "bao-cao-quy-1.pdf" in (saved[0].text or "")
    async with harness.runtime.session_factory() as session:
        attachment = await session.scalar(select(Attachment))
    assert attachment is not None
    assert attachment.content == content
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()


async def test_a_late_submission_is_flagged(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    harness.clock.advance(dt.timedelta(days=8))  # 13 March: two days past the deadline
    await harness.say(HEAD, "/report")
    answers = await fill_in_report(harness, HEAD)
    assert "Nộp muộn" in (answers[-1].text or "")
    status = await harness.runtime.status.district_status("2024-Q1")
    assert next(u for u in status.units if u.code == "xa_tai_van").late is True


async def test_a_revision_before_the_deadline_makes_a_new_version(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    answers = await harness.say(HEAD, "/report")
    assert "phiên bản 1" in (answers[0].text or "")
    await harness.press(HEAD, "✏️ Sửa báo cáo")
    await harness.say(HEAD, "sửa 2")
    await harness.say(HEAD, "7")
    answers = await fill_in_report(harness, HEAD)
    assert "Phiên bản: 2" in (answers[-1].text or "")
    async with harness.runtime.session_factory() as session:
        versions = (await session.scalars(select(SubmissionVersion.version))).all()
    assert sorted(versions) == [1, 2]
