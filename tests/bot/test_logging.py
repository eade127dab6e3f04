"""Everything a bot session logs, even at DEBUG: timings per update, never a token or a text."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cchc_bot.access import Role
from cchc_bot.ops.logs import (
    CONTENT_BEARING_LOGGERS,
    JsonFormatter,
    TokenRedactingFilter,
    configure_logging,
)

from . import reporting
from .conftest import TOKEN, Harness
from .reporting import fill_in_report

HEAD = 4001
COORDINATOR = 4002
SECRET_TEXT = "Nội dung bí mật 12345"


@dataclass
class CapturedLogs:
    """The same records formatted as text lines and as JSON lines."""

    text: io.StringIO
    json: io.StringIO


@pytest.fixture
def captured_logs() -> Iterator[CapturedLogs]:
    """Every log record of the test at DEBUG, formatted both ways the bot can format them."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in CONTENT_BEARING_LOGGERS}
    captured = CapturedLogs(io.StringIO(), io.StringIO())
    configure_logging("DEBUG", "text", secrets=[TOKEN], stream=captured.text)
    as_json = logging.StreamHandler(captured.json)
    as_json.addFilter(TokenRedactingFilter([TOKEN]))
    as_json.setFormatter(JsonFormatter())
    root.addHandler(as_json)
    yield captured
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


async def finish_handling(harness: Harness) -> None:
    """Wait until the bot has finished every update it fetched (a reply can come earlier)."""
    assert harness.application is not None
    await asyncio.wait_for(harness.application.update_queue.join(), timeout=10)


async def test_a_session_logs_timings_but_no_token_and_no_typed_text(
    captured_logs: CapturedLogs,
    harness: Harness,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reporting, "MEANINGFUL_TEXT", SECRET_TEXT)
    invite = await harness.runtime.accounts.create_invite(Role.HEAD, "xa_tai_van")
    harness.user(HEAD, "Chủ tịch Tài Văn")
    linked = await harness.say(HEAD, f"/start {invite.token}")
    assert "Đã liên kết" in (linked[-1].text or "")
    await harness.say(HEAD, "/report")
    await harness.say(HEAD, SECRET_TEXT)
    await fill_in_report(harness, HEAD)
    await harness.say(HEAD, "/status")
    await harness.link(COORDINATOR, Role.COORDINATOR, name="Phòng Nội vụ")
    await harness.say(COORDINATOR, "/tinhtrang 2024-Q1")
    await finish_handling(harness)

    text, as_json = captured_logs.text.getvalue(), captured_logs.json.getvalue()
    for output in (text, as_json):
        assert "Application started" in output
        assert TOKEN not in output
        assert TOKEN.split(":")[1] not in output
        assert invite.token not in output
        assert SECRET_TEXT not in output
        assert "bí mật" not in output
        assert "12345" not in output
    records = [json.loads(line) for line in as_json.splitlines()]
    handled = [record for record in records if record["message"] == "update handled"]
    assert len(handled) >= 20
    assert all(isinstance(record["ms"], float) and record["ms"] > 0 for record in handled)
    assert all(record["outcome"] == "ok" for record in handled)
    assert {"message", "callback_query"} <= {record["kind"] for record in handled}
    assert {"/start", "/report", "/status", "/tinhtrang"} <= {
        record.get("command") for record in handled
    }
    lines = [line for line in text.splitlines() if ": update handled " in line]
    assert len(lines) == len(handled)
    assert all(re.search(r" ms=\d+\.\d+( |$)", line) for line in lines)
    assert any(" kind=callback_query " in line for line in lines)


async def test_updates_a_guard_stops_are_logged_too(
    captured_logs: CapturedLogs, harness: Harness
) -> None:
    harness.user(HEAD, "Chủ tịch Tài Văn")
    group = harness.server.add_chat("group", title="Nhóm CCHC", members=[HEAD])
    harness.server.send_text(HEAD, "/report", chat_id=group.id)
    await harness.server.wait_until_idle(timeout=10)
    await finish_handling(harness)

    records = [json.loads(line) for line in captured_logs.json.getvalue().splitlines()]
    handled = [record for record in records if record["message"] == "update handled"]
    assert [(record["chat_type"], record["command"]) for record in handled] == [
        ("group", "/report")
    ]
