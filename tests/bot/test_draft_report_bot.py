"""/draftreport (/duthao) over the local Bot API server: the district draft as a document."""

from __future__ import annotations

import io

import docx

from cchc_bot.access import Role

from .conftest import Harness
from .reporting import MEANINGFUL_TEXT, fill_in_report

COORDINATOR = 4101
HEAD = 4102


async def test_draft_report_sends_the_district_docx(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    answers = await harness.say(COORDINATOR, "/duthao 2024-Q1")
    documents = [m for m in answers if m.document]
    assert len(documents) == 1
    document = documents[0].document
    assert document is not None
    assert document["file_name"] == "BaoCao_CCHC_2024-Q1_TranDe_20240305.docx"
    assert "Dự thảo báo cáo CCHC Quý I/2024" in (documents[0].caption or "")
    content = harness.server.state.files[document["file_id"]].content
    body = [p.text.replace("\u00a0", " ") for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert "Kết quả thực hiện công tác cải cách hành chính Quý I năm 2024" in body
    # Xã Tài Văn answered 5 received, 5 resolved, 5 on time (5/5 = 100 %), 0 late.
    assert (
        "Trong kỳ, các cơ quan, đơn vị tiếp nhận 5 hồ sơ thủ tục hành chính, đã giải quyết 5 "
        "hồ sơ, trong đó trước hạn và đúng hạn 5 hồ sơ, đạt 100 %; quá hạn 0 hồ sơ."
    ) in body
    assert f"- Xã Tài Văn: {MEANINGFUL_TEXT}" in body
    assert any(line.startswith("Có 1/38 cơ quan, đơn vị gửi báo cáo") for line in body)


async def test_draft_report_is_for_coordinators_and_knows_periods(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    refused = (await harness.say(HEAD, "/draftreport"))[0].text or ""
    assert "Phòng Nội vụ" in refused
    bad = (await harness.say(COORDINATOR, "/draftreport 2024-Q9"))[0].text or ""
    assert "Không có kỳ báo cáo" in bad


async def test_draft_report_of_a_period_nobody_reported_says_so(harness: Harness) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    answers = await harness.say(COORDINATOR, "/draftreport")
    [sent] = [m for m in answers if m.document]
    assert sent.document is not None
    assert sent.document["file_name"].startswith("BaoCao_CCHC_2024-Q1_TranDe_")
    content = harness.server.state.files[sent.document["file_id"]].content
    body = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert (
        "Trong kỳ, chưa có cơ quan, đơn vị nào gửi báo cáo kết quả thực hiện "
        "(0/38 cơ quan, đơn vị)."
    ) in body


async def test_export_docx_sends_the_same_draft_and_the_workbook_points_to_it(
    harness: Harness,
) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    [workbook] = [m for m in await harness.say(COORDINATOR, "/export Q1") if m.document]
    assert "/export 2024-Q1 docx" in (workbook.caption or "")
    for command in ("/export Q1 docx", "/xuat word 2024-Q1"):
        [sent] = [m for m in await harness.say(COORDINATOR, command) if m.document]
        assert sent.document is not None
        assert sent.document["file_name"] == "BaoCao_CCHC_2024-Q1_TranDe_20240305.docx"
        assert "Dự thảo báo cáo CCHC Quý I/2024" in (sent.caption or "")
