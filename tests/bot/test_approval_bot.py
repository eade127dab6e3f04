"""When staff may not submit: the head approves (Duyệt) or sends back (Trả lại) the draft."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from cchc_bot.access import Role
from cchc_bot.ops.settings import bundled_config_dir
from db.models import Submission

from .conftest import Harness
from .reporting import fill_in_report, unit_report_sent

HEAD = 6001
STAFF = 6002


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """The bundled configuration with `staff_may_submit: false`."""
    folder = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), folder)
    schedule = folder / "schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    assert "staff_may_submit: true" in text
    schedule.write_text(
        text.replace("staff_may_submit: true", "staff_may_submit: false"), encoding="utf-8"
    )
    return folder


async def state(harness: Harness) -> str | None:
    """The stored state of the (only) report."""
    async with harness.runtime.session_factory() as session:
        return await session.scalar(select(Submission.state))


async def test_the_head_approves_what_staff_prepared(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.link(STAFF, Role.STAFF, "xa_tai_van")
    await harness.say(STAFF, "/report")
    answers = await fill_in_report(harness, STAFF)
    assert "chuyển báo cáo" in (answers[-1].text or "")
    assert await state(harness) == "awaiting_approval"
    await harness.server.wait_for_bot_messages(HEAD, 1, timeout=10)
    request = harness.message_with_button(HEAD, "✅ Duyệt và gửi")
    assert "đề nghị anh/chị duyệt" in (request.text or "")
    status = await harness.runtime.status.district_status("2024-Q1")
    assert next(u for u in status.units if u.code == "xa_tai_van").state == "draft"
    done = await harness.press(HEAD, "✅ Duyệt và gửi", count=1)
    assert "Đã gửi báo cáo CCHC" in (done[0].text or "")
    assert await state(harness) == "submitted"
    assert "đã duyệt" in (harness.server.last_bot_message(STAFF).text or "")
    # Then the unit's own report to sign, DOCX first.
    documents = await unit_report_sent(harness, HEAD, done[0].message_id)
    assert documents[0].document is not None
    assert documents[0].document["file_name"] == "BaoCao_CCHC_2024-Q1_XaTaiVan.docx"


async def test_the_head_sends_it_back_for_correction(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.link(STAFF, Role.STAFF, "xa_tai_van")
    await harness.say(STAFF, "/report")
    await fill_in_report(harness, STAFF)
    await harness.server.wait_for_bot_messages(HEAD, 1, timeout=10)
    await harness.press(HEAD, "↩️ Trả lại để sửa")
    assert await state(harness) == "draft"
    assert "trả lại" in (harness.server.last_bot_message(STAFF).text or "")
    again = await harness.say(STAFF, "/report")
    assert any("Tóm tắt báo cáo" in (m.text or "") for m in again)


async def test_a_blocked_head_does_not_break_the_request_or_mark_the_staff_unreachable(
    harness: Harness,
) -> None:
    from db.models import Member

    other_head = 6003
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.link(other_head, Role.HEAD, "xa_tai_van")
    await harness.link(STAFF, Role.STAFF, "xa_tai_van")
    harness.server.block_bot(HEAD)
    await harness.say(STAFF, "/report")
    await fill_in_report(harness, STAFF)
    await harness.server.wait_for_bot_messages(other_head, 1, timeout=10)
    await harness.server.wait_until_idle(quiet=0.5)
    assert any("chuyển báo cáo" in (m.text or "") for m in harness.server.bot_messages(STAFF))
    assert harness.message_with_button(other_head, "✅ Duyệt và gửi")  # the next head is asked
    await harness.server.wait_until_idle(quiet=0.3)
    async with harness.runtime.session_factory() as session:
        reach = dict(
            (await session.execute(select(Member.telegram_user_id, Member.reachable))).all()
        )
    assert reach == {HEAD: False, other_head: True, STAFF: True}
    texts = [m.text or "" for m in harness.server.bot_messages(STAFF)]
    assert not any("lỗi ngoài ý muốn" in text for text in texts)
