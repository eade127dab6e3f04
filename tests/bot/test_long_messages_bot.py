"""Long answers and reasons reach the person whole: every message part parses and fits."""

from __future__ import annotations

import asyncio
import io

import docx

from cchc_bot.access import Role
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import Step, SummaryView
from cchc_bot.local_bot_api import MessageRecord

from .conftest import Harness
from .reporting import (
    current_view,
    draft_figures,
    error_rules,
    fill_in_report,
    plausible_answer,
    unit_report_sent,
)

HEAD = 5101
COORDINATOR = 5102

# 4.000 characters with the characters HTML escapes, as a clerk pasting from a document.
TEXT_QUESTIONS = 10  # of a xã's Quý I report: one optional per area, then txt_01-03
LONG_ANSWER = ("Thiếu cán bộ <chuyên trách> & hạ tầng mạng yếu; " * 84)[:4000].strip()


async def answer_with_long_texts(harness: Harness, user_id: int) -> list[MessageRecord]:
    """Fill in the report, answering every text question with LONG_ANSWER; stop at the summary."""
    actor = await harness.runtime.accounts.resolve_actor(user_id)
    assert actor is not None
    rules = error_rules(harness.runtime.config.questionnaire)
    last: list[MessageRecord] = []
    for _ in range(300):
        view = await current_view(harness, actor)
        assert view is not None
        if isinstance(view, SummaryView):
            return last
        kind, value = plausible_answer(view, await draft_figures(harness, actor), rules)
        if view.question_type is IndicatorType.TEXT and view.step is Step.ANSWER:
            kind, value = "say", LONG_ANSWER  # the optional area texts too
        last = await (harness.say if kind == "say" else harness.press)(user_id, value)
    raise AssertionError("no summary after 300 answers")


async def until_submit_button(harness: Harness, user_id: int, after: int) -> list[MessageRecord]:
    """The bot's messages after `after` once the summary's submit button has arrived (a
    60-question summary with long answers comes in parts, paced one a second)."""
    for _ in range(300):
        sent = [
            m for m in harness.server.transcript(user_id) if m.from_bot and m.message_id > after
        ]
        if sent and "✅ Gửi báo cáo" in sent[-1].button_texts:
            return sent
        await asyncio.sleep(0.1)
    raise AssertionError(harness.server.describe_chat(user_id))


def joined(messages: list[MessageRecord]) -> str:
    """The messages' text read on: without whitespace, which Telegram trims at their ends."""
    return "".join("".join((m.text or "").split()) for m in messages)


def squeezed(text: str) -> str:
    return "".join(text.split())


async def test_a_summary_with_4000_character_answers_arrives_whole(harness: Harness) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    summary = await answer_with_long_texts(harness, HEAD)
    assert len(summary) >= 3  # ten long answers (3 closing, 7 area texts) do not fit one
    assert all(m.text and len(m.text) <= 4096 for m in summary)
    assert "✅ Gửi báo cáo" in summary[-1].button_texts
    assert joined(summary).count(squeezed(LONG_ANSWER)) == TEXT_QUESTIONS
    again = await harness.say(HEAD, "/report")
    assert joined(again).count(squeezed(LONG_ANSWER)) == TEXT_QUESTIONS
    before = harness.server.transcript(HEAD)[-1].message_id
    await harness.press(HEAD, "✅ Gửi báo cáo")
    receipt = await harness.replies(HEAD, after=before)  # submitting may take a while
    assert "Đã gửi báo cáo" in (receipt[0].text or "")
    # The unit's own report carries each 4,000-character answer whole, "<" and "&" included.
    [report, *_] = await unit_report_sent(harness, HEAD, receipt[0].message_id)
    assert report.document is not None
    content = harness.server.state.files[report.document["file_id"]].content
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    assert body.count(LONG_ANSWER) == TEXT_QUESTIONS


async def test_editing_a_long_answer_shows_the_question_with_valid_markup(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await answer_with_long_texts(harness, HEAD)
    actor = await harness.runtime.accounts.resolve_actor(HEAD)
    assert actor is not None
    view = await current_view(harness, actor)
    assert isinstance(view, SummaryView)
    number = next(
        item.number
        for section in view.sections
        for item in section.items
        if item.question_type is IndicatorType.TEXT
    )
    question = await harness.say(HEAD, f"sửa {number}")
    text = question[-1].text or ""
    assert f"Câu {number}/" in text
    assert "Đã trả lời" in text
    assert len(text) <= 4096
    assert LONG_ANSWER[:300] in text  # a preview of the saved answer, then the prompt
    assert "Gõ câu trả lời" in text
    assert "👌 Giữ nguyên" in question[-1].button_texts


async def test_a_return_reason_full_of_brackets_does_not_break_the_summary(
    harness: Harness,
) -> None:
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    await fill_in_report(harness, HEAD)
    reason = "<" * 1000
    done = await harness.say(COORDINATOR, f"/tralai xa_tai_van 2024-Q1 {reason}")
    assert "Đã trả lại" in (done[0].text or "")
    told = harness.server.last_bot_message(HEAD).text or ""
    assert reason in told
    before = harness.server.transcript(HEAD)[-1].message_id
    harness.server.send_text(HEAD, "/report")
    summary = await until_submit_button(harness, HEAD, before)
    assert any("Tóm tắt báo cáo" in (m.text or "") for m in summary)
    assert reason in joined(summary)  # the reason has no blanks
    assert "✅ Gửi báo cáo" in summary[-1].button_texts
