"""Coordinator tools over Telegram (issue 11): names and periods, prompts, notices, /view, /remind."""

from __future__ import annotations

from cchc_bot.access import Role

from .conftest import Harness

COORDINATOR = 7001
HEAD = 7002
STAFF = 7003
OTHER_HEAD = 7004


async def test_a_head_without_a_draft_sees_only_required_questions_missing(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    status = (await harness.say(HEAD, "/status"))[0].text or ""
    # Of the 35 questions, 34 (txt_02) is optional, and 8, 14, 16-19 and 29 are ratios whose
    # denominator is another answer (asked once that one is given), as in a draft.
    assert "Còn thiếu: câu 1–7, 9–13, 15, 20–28, 30–33, 35." in status, status
