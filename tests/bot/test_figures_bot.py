"""Figures over Telegram: typed with their unit, echoed when taken, errors that name the fault."""

from __future__ import annotations

from cchc_bot.access import Role

from .conftest import Harness

HEAD = 5201


async def test_a_figure_with_its_unit_is_taken_and_echoed_on_the_next_question(
    harness: Harness,
) -> None:
    await harness.link(HEAD, Role.HEAD, "xa_tai_van")
    await harness.say(HEAD, "/report")
    first = (await harness.say(HEAD, "17/20"))[-1].text or ""
    assert first.startswith("✅ Câu 1: 17/20 = 85 %.")
    assert "Câu 2/60" in first
    assert "Đơn vị tính: văn bản" in first
    second = (await harness.say(HEAD, "12 văn bản"))[-1].text or ""
    assert second.startswith("✅ Câu 2: 12 văn bản.")
    assert "Câu 3/60" in second
    wrong = (await harness.say(HEAD, "12a"))[-1].text or ""
    assert wrong.startswith("⚠️ «12a» có chữ «a». Vui lòng chỉ nhập chữ số")
    assert "Câu 3/60" in wrong
