"""The report form: the chat's engine and draft behind every field, section and submission."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from cchc_bot.conversation import TextInput
from db.models import Answer, Submission

from .conftest import Desk
from .form_filling import fill_form, post_field

FIELD_CSRF = re.compile(r'name="csrf" value="([^"]*)"')


async def open_form(desk: Desk, who: str) -> tuple[int, str, str]:
    """Sign in, open the form; the draft's id, the page's CSRF token and its HTML."""
    await desk.sign_in(who)
    response = await desk.client.get("/form")
    assert response.status == 200, await response.text()
    text = await response.text()
    found = re.search(r'action="/form/(\d+)/save"', text)
    token = FIELD_CSRF.search(text)
    assert found is not None
    assert token is not None
    return int(found.group(1)), token.group(1), text


async def stored(desk: Desk, submission_id: int) -> dict[str, Answer]:
    """The draft's answer rows by indicator."""
    async with desk.runtime.session_factory() as session:
        rows = await session.scalars(select(Answer).where(Answer.submission_id == submission_id))
        return {row.indicator_id: row for row in rows}


async def test_the_form_shows_a_section_with_the_chats_help_unit_and_window(desk: Desk) -> None:
    _, _, text = await open_form(desk, "head_b")
    assert 'id="field-cddh_01"' in text
    assert "Số nhiệm vụ đã hoàn thành" in text  # the ratio's part labels
    assert "Đơn vị tính: văn bản" in text  # cddh_02's unit
    assert "Số liệu từ 11/12/2023 đến 10/3/2024" in text  # schedule.yaml: Q1 window
    assert "Các kỳ Quý I, 6 tháng, Quý III ghi tiến độ lũy kế" in text  # help


async def test_a_field_is_saved_to_the_draft_the_moment_it_changes(desk: Desk) -> None:
    submission_id, csrf, _ = await open_form(desk, "head_b")
    body = await post_field(desk, csrf, submission_id, 1, "cddh_02", {"v": "12"})
    assert body["ok"] is True
    assert "Đã lưu" in body["fields"]["cddh_02"]
    rows = await stored(desk, submission_id)
    assert rows["cddh_02"].value == 12


async def test_a_numerator_above_its_denominator_is_refused_beside_the_field(desk: Desk) -> None:
    submission_id, csrf, _ = await open_form(desk, "head_b")
    body = await post_field(desk, csrf, submission_id, 1, "cddh_01", {"n": "17", "d": "15"})
    fragment = body["fields"]["cddh_01"]
    assert "Tử số (17) không được lớn hơn mẫu số (15)." in fragment
    assert 'value="17"' in fragment  # what was typed stays in the box
    assert "cddh_01" not in await stored(desk, submission_id)


async def test_a_missed_target_asks_for_an_explanation_as_the_chat_does(desk: Desk) -> None:
    submission_id, csrf, _ = await open_form(desk, "head_b")
    first = await post_field(desk, csrf, submission_id, 1, "cddh_04", {"n": "3", "d": "4"})
    assert "chưa đạt chỉ tiêu" in first["fields"]["cddh_04"]
    assert 'name="e.cddh_04"' in first["fields"]["cddh_04"]
    assert "cddh_04" not in await stored(desk, submission_id)
    reason = "Một tồn tại cần kinh phí năm sau mới khắc phục được."
    second = await post_field(
        desk, csrf, submission_id, 1, "cddh_04", {"n": "3", "d": "4", "e": reason}
    )
    assert "Đã lưu" in second["fields"]["cddh_04"]
    row = (await stored(desk, submission_id))["cddh_04"]
    assert (row.numerator, row.denominator, row.explanation) == (Decimal(3), Decimal(4), reason)


async def test_a_section_posted_without_script_saves_only_what_that_page_changed(
    desk: Desk,
) -> None:
    submission_id, csrf, page_a = await open_form(desk, "head_b")
    # Another device answers cddh_02 after this page was drawn.
    await post_field(desk, csrf, submission_id, 1, "cddh_02", {"v": "12"})
    drawn = dict(re.findall(r'name="(w\.[a-z0-9_]+)" value="([^"]*)"', page_a))
    data = {"csrf": csrf, "section": "1", **drawn, "v.cddh_02": "", "v.cddh_03": "3"}
    response = await desk.client.post(
        f"/form/{submission_id}/save", data=data, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"].endswith("section=2")
    rows = await stored(desk, submission_id)
    assert rows["cddh_02"].value == 12  # the other device's answer is kept
    assert rows["cddh_03"].value == 3


async def test_begun_in_the_form_the_chat_goes_on_at_the_next_unanswered_question(
    desk: Desk,
) -> None:
    submission_id, csrf, _ = await open_form(desk, "head_b")
    await post_field(desk, csrf, submission_id, 1, "cddh_01", {"n": "4", "d": "4"})
    result = await desk.runtime.reports.answer(desk.actors["head_b"], TextInput("7"))
    assert result.screen is not None
    rows = await stored(desk, submission_id)
    assert rows["cddh_02"].value == 7  # the chat's answer went to question 2
    assert (rows["cddh_01"].numerator, rows["cddh_01"].denominator) == (Decimal(4), Decimal(4))


async def test_begun_in_the_chat_the_form_shows_the_chats_answers(desk: Desk) -> None:
    actor = desk.actors["head_b"]
    await desk.runtime.reports.start(actor)
    await desk.runtime.reports.answer(actor, TextInput("4/4"))
    await desk.runtime.reports.answer(actor, TextInput("9"))
    _, _, text = await open_form(desk, "head_b")
    assert 'name="v.cddh_02" value="9"' in text
    assert 'name="n.cddh_01" value="4"' in text


async def test_submitting_with_unanswered_questions_is_blocked_with_the_chats_reason(
    desk: Desk,
) -> None:
    submission_id, csrf, _ = await open_form(desk, "head_b")
    response = await desk.client.post(f"/form/{submission_id}/submit", data={"csrf": csrf})
    assert response.status == 409
    assert "Chưa gửi được: còn" in await response.text()


async def test_a_form_filled_field_by_field_is_submitted_as_the_chat_would(desk: Desk) -> None:
    await desk.sign_in("head_b")
    submission_id = await fill_form(desk, "head_b")
    csrf = await desk.page_csrf()
    response = await desk.client.post(f"/form/{submission_id}/submit", data={"csrf": csrf})
    text = await response.text()
    assert response.status == 200, text
    assert "Đã gửi báo cáo Quý I/2024" in text
    async with desk.runtime.session_factory() as session:
        submission = await session.get(Submission, submission_id)
        assert submission is not None
        assert (submission.state, submission.version) == ("submitted", 1)
