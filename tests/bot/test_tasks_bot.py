"""A lead agency's full report with its tasks over the local Bot API, then /tasks and a history."""

from __future__ import annotations

from cchc_bot.access import Role

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

    replies = await harness.say(COORDINATOR, "/nhiemvu Q1")
    text = replies[-1].text or ""
    print(text)
    assert text.startswith("Nhiệm vụ theo Kế hoạch CCHC — Quý I/2024")
    # The plausible clerk marks every task done; the law-monitoring plan of Phòng Tư pháp
    # (due Q1) and the recurring tasks of Văn phòng were not reported.
    assert "Ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2024 — Phòng Nội vụ" in text
    assert "Đã hoàn thành" in text
    assert "⚠️" in text  # the unreported ones are overdue and come first
    first_task_line = next(line for line in text.splitlines() if line.startswith("1. "))
    assert "⚠️" in first_task_line

    replies = await harness.press(COORDINATOR, "1. Xây dựng Kế hoạch theo dõi tình hình…", count=1)
    assert "Chưa có báo cáo nào về nhiệm vụ này." in (replies[-1].text or "")

    await harness.say(HEAD, "/nhiemvu")
    own = harness.server.transcript(HEAD)[-1].text or ""
    assert "Phòng Nội vụ" in own
    assert "Phòng Tư pháp" not in own  # a lead agency sees its own tasks
