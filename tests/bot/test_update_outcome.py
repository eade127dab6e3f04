"""The `update handled` log line tells the truth, and every update leaves its inbox row done."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select

from cchc_bot.inbox import DONE, DONE_DELAY
from db.models import InboxUpdate

from .conftest import Harness

USER = 4101


def handled_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The `update handled` records captured so far."""
    return [r for r in caplog.records if r.getMessage() == "update handled"]


async def test_an_update_whose_handler_raised_is_logged_as_failed(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # Issue 11 item 17: PTB catches the handler's error and calls the error handler, so the
    # update processor saw no exception and logged every update as ok.
    caplog.set_level(logging.INFO, logger="handlers.telegram.observability")
    harness.user(USER, "Ai đó")
    await harness.say(USER, "/help")
    harness.server.inject_fault("server_error", method="sendMessage", chat_id=USER)
    harness.server.send_text(USER, "/help")
    # The error handler apologises with a second sendMessage, which goes through.
    await harness.server.wait_for_bot_messages(USER, timeout=10)
    assert harness.application is not None
    await asyncio.wait_for(harness.application.update_queue.join(), timeout=10)
    await harness.server.wait_until_idle(timeout=10)

    outcomes = [
        (getattr(r, "outcome", None), getattr(r, "error", None)) for r in handled_records(caplog)
    ]
    assert outcomes == [("ok", None), ("failed", "NetworkError")]
    assert [type(e).__name__ for e in harness.runner.handler_errors] == ["NetworkError"]
    harness.runner.handler_errors.clear()


async def test_every_handled_update_is_done_in_the_inbox(harness: Harness) -> None:
    harness.user(USER, "Ai đó")
    for text in ("/help", "xin chào", "/status"):
        await harness.say(USER, text)
    assert harness.application is not None
    await asyncio.wait_for(harness.application.update_queue.join(), timeout=10)
    await harness.server.wait_until_idle(timeout=10)
    await asyncio.sleep(DONE_DELAY * 4)  # done marks are written together, soon after
    async with harness.runtime.session_factory() as session:
        rows = (await session.scalars(select(InboxUpdate).order_by(InboxUpdate.update_id))).all()
    assert len(rows) == 3
    assert {row.state for row in rows} == {DONE}
    assert all(row.chat_id == USER for row in rows)
