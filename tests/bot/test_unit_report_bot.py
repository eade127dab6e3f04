"""The unit's own report sent after a submission, when the outline turns it on."""

from __future__ import annotations

import asyncio
import io
import shutil
from pathlib import Path

import docx
import pytest

from cchc_bot.access import Role
from cchc_bot.documents.pdf import soffice_binary
from cchc_bot.ops.settings import bundled_config_dir

from .conftest import Harness
from .reporting import fill_in_report

HEAD = 4202


@pytest.fixture
def config_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The bundled configuration; parametrized False: with `unit_report.send_on_submit: false`."""
    if getattr(request, "param", True):
        return bundled_config_dir()
    folder = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), folder)
    outline = folder / "report_outline.yaml"
    text = outline.read_text(encoding="utf-8")
    assert "send_on_submit: true" in text
    outline.write_text(text.replace("send_on_submit: true", "send_on_submit: false", 1))
    return folder


async def test_head_gets_the_unit_report_after_submitting(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    expected = 2 if soffice_binary() else 1
    sent = []
    for _ in range(600):  # the PDF takes LibreOffice a few seconds
        sent = [m for m in harness.server.transcript(HEAD) if m.from_bot and m.document]
        if len(sent) >= expected:
            break
        await asyncio.sleep(0.1)
    names = [m.document["file_name"] for m in sent if m.document]
    assert names[0] == "BaoCao_CCHC_2024-Q1_XaTaiVan.docx"
    assert "ký" in (sent[0].caption or "")
    if soffice_binary():
        assert names[1] == "BaoCao_CCHC_2024-Q1_XaTaiVan.pdf"
        pdf = harness.server.state.files[sent[1].document["file_id"]].content  # type: ignore[index]
        assert pdf[:5] == b"%PDF-"
    assert sent[0].document is not None
    content = harness.server.state.files[sent[0].document["file_id"]].content
    document = docx.Document(io.BytesIO(content))
    header = document.tables[0].rows[0].cells[0].text.splitlines()
    assert header[0] == "UBND XÃ TÀI VĂN"
    body = [p.text for p in document.paragraphs]
    # The plausible clerk answers 5 for every count (tests/bot/reporting.py).
    assert "- Số hồ sơ TTHC tiếp nhận mới trong kỳ: 5 hồ sơ." in body

    # The head signs it and sends the signed copy back into the chat: kept with the report.
    harness.server.send_document(
        HEAD, "BaoCao_da_ky.pdf", b"%PDF-1.7 signed", mime_type="application/pdf"
    )
    replies = await harness.replies(HEAD)
    assert "Đã nhận bản đã ký" in (replies[-1].text or "")
    assert "BaoCao_da_ky.pdf" in (replies[-1].text or "")


@pytest.mark.parametrize("config_dir", [False], indirect=True)
async def test_turned_off_the_receipt_is_the_last_message(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    await asyncio.sleep(1.0)  # time enough for a document that should not come

    sent = [m for m in harness.server.transcript(HEAD) if m.from_bot]
    assert not any(m.document for m in sent)
    assert "Đã gửi báo cáo" in (sent[-1].text or "")
