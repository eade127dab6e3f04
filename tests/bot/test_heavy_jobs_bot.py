"""Heavy jobs over Telegram: built off the event loop, and capped with a polite "busy" answer."""

from __future__ import annotations

import asyncio
import threading
from typing import IO, Any

import pytest

from cchc_bot.access import Role
from cchc_bot.aggregation import ExportData
from cchc_bot.exports import workbook
from cchc_bot.heavy_jobs import DEFAULT_LIMIT
from cchc_bot.texts import heavy_jobs as heavy_words

from .conftest import Harness

COORDINATORS = [4101 + n for n in range(DEFAULT_LIMIT + 1)]


async def test_the_export_workbook_is_built_in_a_worker_thread(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = workbook.write_xlsx

    def recording(data: ExportData, out: IO[bytes], *args: Any, **kwargs: Any) -> None:
        threads.append(threading.get_ident())
        real(data, out, *args, **kwargs)

    monkeypatch.setattr(workbook, "write_xlsx", recording)
    await harness.link(COORDINATORS[0], Role.COORDINATOR)
    answers = await harness.say(COORDINATORS[0], "/export 2024-Q1")
    assert [m for m in answers if m.document]
    assert len(threads) == 1
    assert threads[0] != threading.get_ident()  # the loop's thread (the bot runs on it here)


async def test_a_heavy_job_over_the_limit_gets_the_busy_answer(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Semaphore(0)
    release = threading.Event()
    real = workbook.write_xlsx

    def held(data: ExportData, out: IO[bytes], *args: Any, **kwargs: Any) -> None:
        started.release()
        release.wait(timeout=20)
        real(data, out, *args, **kwargs)

    monkeypatch.setattr(workbook, "write_xlsx", held)
    for user_id in COORDINATORS:
        await harness.link(user_id, Role.COORDINATOR)
    *building, late = COORDINATORS
    for user_id in building:
        harness.server.send_text(user_id, "/export 2024-Q1")
    for _ in building:
        assert await asyncio.to_thread(started.acquire, timeout=20)
    busy = await harness.say(late, "/export 2024-Q1")
    assert [m.text for m in busy] == [heavy_words.BUSY]
    release.set()
    for user_id in building:
        answers = await harness.replies(user_id)
        assert [m for m in answers if m.document]
    # The slots are free again: the coordinator who was turned away now gets the file.
    monkeypatch.setattr(workbook, "write_xlsx", real)
    answers = await harness.say(late, "/export 2024-Q1")
    assert [m for m in answers if m.document]
