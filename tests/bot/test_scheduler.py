"""The reminder tick as the running bot schedules it (DESIGN.md decision 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot import build_application
from scheduler.jobs import TICK_JOB_NAME

from .conftest import TOKEN, Harness


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Asia/Bangkok"])
async def test_the_bot_runs_one_coalescing_tick_that_never_drops_a_late_run(
    harness: Harness, zone: str
) -> None:
    settings = harness.runtime.settings.model_copy(update={"timezone": zone})
    runtime = dataclasses.replace(harness.runtime, settings=settings)
    application = build_application(runtime, TOKEN, with_scheduler=True)
    job_queue = application.job_queue
    assert job_queue is not None
    # Started as `cchc-bot run` starts it (the harness's bot already holds getUpdates).
    await application.initialize()
    await application.start()
    try:
        jobs = job_queue.jobs()
        assert [job.name for job in jobs] == [TICK_JOB_NAME]
        tick = jobs[0].job
        assert tick.coalesce is True  # missed runs collapse into one
        assert tick.max_instances == 1  # a slow run is never overlapped by the next
        assert tick.misfire_grace_time is None  # a late run still runs (default: 1 s, dropped)
        assert type(tick.trigger).__name__ == "IntervalTrigger"
        seconds = runtime.config.schedule.reminders.tick_seconds
        assert tick.trigger.interval == dt.timedelta(seconds=seconds)
        assert tick.next_run_time is not None
        assert job_queue.scheduler.timezone == ZoneInfo(zone)
        assert application.bot.defaults is not None
        assert application.bot.defaults.tzinfo == ZoneInfo(zone)
    finally:
        await application.stop()
        await application.shutdown()
