"""A bot process for the exactly-once test: the real Application and its reminder tick.

Run as `python tests/e2e/reminder_process.py --at ISO [--poll]` with the usual `CCHC_*`
variables pointing at a database and a (local) Bot API server. The process builds the bot
with `build_application(..., with_scheduler=True)`, holds the scheduled tick job, and talks
one line at a time (JSON out, words in) so the test decides when each tick fires:

    out {"event": "ready"}
    in  tick ISO        the clock jumps to ISO and APScheduler runs the tick job now
    out {"event": "ran", "at": ..., "sent": [...], "failed": [...], ...}
    in  stop (or EOF)   the application stops and the process exits 0

The clock is frozen between ticks, so "now" is whatever the test said it is.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Job

from bot import build_application
from cchc_bot.clock import MovableClock
from cchc_bot.ops.settings import Settings
from cchc_bot.runtime import open_runtime
from cchc_bot.services.reminders import Deliver, ReminderService, RunReport
from handlers.telegram.context import CchcApplication
from scheduler.jobs import TICK_JOB_NAME


def emit(event: str, **fields: object) -> None:
    """Write one JSON line to the test."""
    sys.stdout.write(json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class AnnouncedReminders(ReminderService):
    """The real reminder service, telling the test what each run did."""

    async def run(
        self, deliver: Deliver | None, *, at: dt.datetime | None = None, dry_run: bool = False
    ) -> RunReport:
        """Run as usual, then print the run's report."""
        report = await super().run(deliver, at=at, dry_run=dry_run)
        emit(
            "ran",
            at=report.at.isoformat(),
            **{
                outcome: [dataclasses.asdict(item) for item in getattr(report, outcome)]
                for outcome in ("sent", "failed", "unreachable", "skipped")
            },
        )
        return report


@asynccontextmanager
async def started(application: CchcApplication, *, poll: bool) -> AsyncIterator[None]:
    """Start the application, polling or (a second instance: Telegram allows one) not."""
    if poll:
        from cchc_bot.sandbox.local_bot import running_application

        async with running_application(application, poll_timeout=1.0):
            yield
        return
    await application.initialize()
    await application.start()
    try:
        yield
    finally:
        await application.stop()
        await application.shutdown()


async def serve(at: dt.datetime, *, poll: bool) -> None:
    """Run the bot until told to stop, firing the tick job when told to."""
    settings = Settings()
    clock = MovableClock(at, frozen=True)
    runtime = open_runtime(settings, clock)
    runtime = dataclasses.replace(
        runtime,
        reminders=AnnouncedReminders(runtime.session_factory, runtime.config, clock, settings.tz),
    )
    application = build_application(runtime, settings.require_token(), with_scheduler=True)
    assert application.job_queue is not None
    (tick_job,) = application.job_queue.get_jobs_by_name(TICK_JOB_NAME)
    hold(tick_job)
    loop = asyncio.get_running_loop()
    try:
        async with started(application, poll=poll):
            emit("ready")
            while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
                word, _, argument = line.partition(" ")
                if word == "stop":
                    break
                if word == "tick":
                    clock.set(dt.datetime.fromisoformat(argument))
                    tick_job.job.modify(next_run_time=dt.datetime.now(dt.UTC))
    finally:
        await runtime.close()


def hold(job: Job[Any]) -> None:
    """Keep the scheduled job from firing on its own (its trigger stays as built)."""
    job.job.modify(next_run_time=None)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", required=True, help="the frozen clock's first instant")
    parser.add_argument("--poll", action="store_true", help="also long-poll for updates")
    args = parser.parse_args(argv)
    asyncio.run(serve(dt.datetime.fromisoformat(args.at), poll=args.poll))


if __name__ == "__main__":
    main()
