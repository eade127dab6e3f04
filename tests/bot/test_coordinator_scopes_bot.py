"""A coordinator of one subtree over Telegram: sees, returns and exports only that subtree."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_bot.access import Role
from cchc_bot.ops.settings import bundled_config_dir

from .conftest import Harness
from .reporting import fill_in_report

COORDINATOR_A, COORDINATOR_ALL, HEAD_A, HEAD_B = 6101, 6102, 6103, 6104
UNITS = """\
units:
  - {code: khoi_a, name: "Khối An", kind: phong, consolidates: true}
  - {code: xa_an_mot, name: "Xã An Một", kind: xa, has_tthc: true, parent: khoi_a}
  - {code: khoi_b, name: "Khối Bình", kind: phong}
  - {code: xa_binh_mot, name: "Xã Bình Một", kind: xa, has_tthc: true, parent: khoi_b}
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """The bundled questionnaire and calendar over two sibling subtrees of two units each."""
    folder = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), folder)
    (folder / "units.yaml").write_text(UNITS, encoding="utf-8")
    (folder / "tasks.yaml").unlink(missing_ok=True)  # its lead agencies are Trần Đề's units
    return folder


async def link_scoped(harness: Harness, user_id: int, scope: str | None) -> None:
    """Invite a coordinator of a subtree (None: the whole tree) and link the account."""
    invite = await harness.runtime.accounts.create_invite(Role.COORDINATOR, None, scope=scope)
    harness.user(user_id, "Điều phối")
    answers = await harness.say(user_id, f"/start {invite.token}")
    assert "Đã liên kết" in (answers[-1].text or ""), answers[-1].text


async def test_a_scoped_coordinator_works_on_their_subtree_only(harness: Harness) -> None:
    await link_scoped(harness, COORDINATOR_A, "khoi_a")
    await link_scoped(harness, COORDINATOR_ALL, None)
    await harness.link(HEAD_A, Role.HEAD, "xa_an_mot")
    await harness.link(HEAD_B, Role.HEAD, "xa_binh_mot")
    for head in (HEAD_A, HEAD_B):
        await harness.say(head, "/report")
        await fill_in_report(harness, head)

    status = (await harness.say(COORDINATOR_A, "/status", count=2))[0].text or ""
    assert "Phạm vi: Khối An" in status
    assert "Xã An Một" in status
    assert "Xã Bình Một" not in status
    assert "Nộp đúng hạn: 1" in status
    everything = (await harness.say(COORDINATOR_ALL, "/status", count=2))[0].text or ""
    assert "Xã Bình Một" in everything
    assert "Phạm vi" not in everything

    refused = await harness.say(COORDINATOR_A, "/return xa_binh_mot 2024-Q1 sai số liệu")
    assert "Xã Bình Một không thuộc phạm vi anh/chị điều phối (Khối An)" in (refused[-1].text or "")
    refused = await harness.say(COORDINATOR_A, "/view xa_binh_mot 2024-Q1")
    assert "không thuộc phạm vi" in (refused[-1].text or "")
    refused = await harness.say(COORDINATOR_A, "/close 2024-Q1")
    assert "chỉ đầu mối điều phối chung" in (refused[-1].text or "")

    # Khối An consolidates: its coordinator sees the total, confirms, and it goes up.
    preview = await harness.say(COORDINATOR_A, "/consolidate 2024-Q1")
    assert "Báo cáo tổng hợp Quý I/2024 của Khối An: 1/1 đơn vị" in (preview[-1].text or "")
    sent = await harness.say(COORDINATOR_A, "/tonghop quý 1/2024 gửi")
    assert "Đã gửi báo cáo tổng hợp Quý I/2024 của Khối An" in (sent[-1].text or "")
    above = (await harness.say(COORDINATOR_ALL, "/status 2024-Q1", count=2))[0].text or ""
    assert "✅ Khối An (khoi_a) — nộp" in above
    refused = await harness.say(COORDINATOR_ALL, "/consolidate 2024-Q1")
    assert "không phụ trách đơn vị nào tổng hợp" in (refused[-1].text or "")

    returned = await harness.say(COORDINATOR_A, "/return xa_an_mot 2024-Q1 sai số liệu")
    assert "Xã An Một" in (returned[-1].text or "")
    assert "không thuộc phạm vi" not in (returned[-1].text or "")

    exported = await harness.say(COORDINATOR_A, "/export 2024-Q1")
    document = next(m.document for m in exported if m.document is not None)
    assert document is not None
    book = load_workbook(io.BytesIO(harness.server.state.files[document["file_id"]].content))
    codes = {row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert codes == {"khoi_a", "xa_an_mot"}
    assert "Theo đơn vị cấp dưới" in book.sheetnames
