"""Approval mode in the form: the clerk hands the report to the head, who approves it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from cchc_bot.clock import MovableClock
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.services.config_sync import sync_configuration
from db.models import Submission
from handlers.web.desk import DESK

from .conftest import Desk
from .form_filling import fill_form


@pytest.fixture
async def desk_runtime(
    tmp_path: Path, sqlite_template: Path, web_clock: MovableClock
) -> AsyncIterator[Runtime]:
    """The desk's runtime on the bundled configuration with `staff_may_submit: false`."""
    folder = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), folder)
    schedule = folder / "schedule.yaml"
    text = schedule.read_text(encoding="utf-8")
    assert "staff_may_submit: true" in text
    schedule.write_text(text.replace("staff_may_submit: true", "staff_may_submit: false"))
    database = tmp_path / "cchc.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{database}",
        web_url="http://127.0.0.1",
        files_dir=tmp_path / "files",
        config_dir=folder,
    )
    runtime = open_runtime(settings, web_clock)
    await sync_configuration(
        runtime.session_factory, runtime.config, web_clock, dt.date(2024, 3, 5)
    )
    yield runtime
    await runtime.close()


async def state_of(desk: Desk, submission_id: int) -> str:
    """The stored state of a report."""
    async with desk.runtime.session_factory() as session:
        state = await session.scalar(select(Submission.state).where(Submission.id == submission_id))
        assert state is not None
        return state


class RecordingBot:
    """Stands in for the running bot: keeps what the desk sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, object]] = []

    async def send_message(self, chat_id: int, text: str, **options: object) -> None:
        """Keep one message."""
        self.sent.append((chat_id, text, options.get("reply_markup")))


async def test_the_clerks_form_goes_to_the_head_who_approves_it_in_the_form(desk: Desk) -> None:
    bot = RecordingBot()
    app = desk.client.app
    assert app is not None
    app[DESK].bot = bot  # type: ignore[assignment]
    # Tài Văn's Quý I is already submitted in the fixture: its clerk revises it first.
    await desk.sign_in("staff_a")
    page = await (await desk.client.get("/form")).text()
    assert 'id="revise"' in page
    csrf = await desk.page_csrf()
    found = await desk.runtime.reports.start(desk.actors["staff_a"])
    assert found.submission_id is not None
    submission_id = found.submission_id
    response = await desk.client.post(
        f"/form/{submission_id}/revise", data={"csrf": csrf}, allow_redirects=False
    )
    assert response.status == 303
    await fill_form(desk, "staff_a")
    summary = await (await desk.client.get("/form", params={"section": 99})).text()
    assert "Chuyển lãnh đạo duyệt" in summary
    done = await desk.client.post(f"/form/{submission_id}/submit", data={"csrf": csrf})
    assert "đang chờ lãnh đạo duyệt" in await done.text()
    assert await state_of(desk, submission_id) == "awaiting_approval"
    (head, asked, buttons), *_ = bot.sent
    assert head == 701
    assert asked.startswith("📨 Công chức đã nhập xong báo cáo CCHC Quý I/2024 của Xã Tài Văn")
    assert buttons is not None  # «Duyệt và gửi» and «Trả lại», as in the chat
    await desk.sign_in("head_a")
    waiting = await (await desk.client.get("/form")).text()
    assert 'id="approve"' in waiting
    head_csrf = await desk.page_csrf()
    approved = await desk.client.post(
        f"/form/{submission_id}/approval", data={"csrf": head_csrf, "decision": "approve"}
    )
    assert "Đã gửi báo cáo Quý I/2024" in await approved.text()
    assert await state_of(desk, submission_id) == "submitted"
    assert bot.sent[-1][:2] == (702, "✅ Thủ trưởng đã duyệt và gửi báo cáo Quý I/2024.")
