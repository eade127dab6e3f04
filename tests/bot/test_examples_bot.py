"""The commune and province examples over the local Bot API: a head reports, the coordinator
sees it in the status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cchc_bot.access import Role
from cchc_bot.ops.settings import bundled_config_dir

from .conftest import HANOI, Harness
from .reporting import fill_in_report

COORDINATOR, HEAD = 7101, 7102
# Each example's folder, and a unit of it that reports (a commune office; a provincial ward).
EXAMPLES = {
    "xa_tran_de_2026": ("tt_phvhcc", "Trung tâm Phục vụ hành chính công"),
    "tp_can_tho_2026": ("phuong_cai_khe", "Phường Cái Khế"),
}


@pytest.fixture(params=sorted(EXAMPLES))
def example(request: pytest.FixtureRequest) -> str:
    """The bundled example the bot runs with."""
    return str(request.param)


@pytest.fixture
def config_dir(example: str) -> Path:
    """The example's configuration, as `cchc-bot init --example NAME` copies it."""
    return bundled_config_dir() / "examples" / example


@pytest.fixture
def start_instant() -> dt.datetime:
    """09:00 on 5 March 2026: Quý I/2026 of the examples is open, due 11/3."""
    return dt.datetime(2026, 3, 5, 9, 0, tzinfo=HANOI)


async def test_a_head_reports_and_the_coordinator_sees_it(harness: Harness, example: str) -> None:
    unit, name = EXAMPLES[example]
    await harness.link(COORDINATOR, Role.COORDINATOR)
    await harness.link(HEAD, Role.HEAD, unit)
    started = await harness.say(HEAD, "/report")
    assert "Câu 1/" in (started[-1].text or ""), started[-1].text
    await fill_in_report(harness, HEAD)
    first = (await harness.say(COORDINATOR, "/status", count=2))[0]
    status = first.text or ""
    assert "Quý I/2026" in status
    assert "Nộp đúng hạn: 1" in status
    # A province has ~120 units over several pages: turn them until the ward shows.
    pages = [status]
    while name not in pages[-1] and "Trang sau ➡️" in str(first.button_texts):
        await harness.press(COORDINATOR, "Trang sau ➡️", message=first)
        first = next(
            m for m in harness.server.transcript(COORDINATOR) if m.message_id == first.message_id
        )
        pages.append(first.text or "")
    assert f"✅ {name} ({unit}) — nộp" in pages[-1], pages[-1]
