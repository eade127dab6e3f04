"""The reminder tick: one repeating JobQueue job asks the reminder service what is due."""

from __future__ import annotations

import logging

from cchc_bot.services.reminders import DeliveryResult, ReminderMessage, RunReport
from handlers.telegram.context import CchcApplication, CchcContext
from handlers.telegram.reminder_delivery import deliver

logger = logging.getLogger(__name__)

TICK_JOB_NAME = "reminder-tick"


async def tick(context: CchcContext) -> RunReport:
    """Send whatever reminders are due now; never raise into the scheduler."""

    async def send(message: ReminderMessage) -> DeliveryResult:
        # Paced by the bot's PacedRateLimiter (replies counted) and the shared slot timetable.
        return await deliver(context.bot, message)

    return await context.runtime.reminders.run(send)


async def _tick_job(context: CchcContext) -> None:
    try:
        await tick(context)
    except Exception:  # the next tick tries again; nothing is lost (claims are in the database)
        logger.exception("reminder tick failed")


def schedule_reminders(application: CchcApplication) -> None:
    """Run the tick every `reminders.tick_seconds`, coalescing missed runs, one at a time."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    runtime = application.bot_data.runtime
    assert runtime is not None
    interval = runtime.config.schedule.reminders.tick_seconds
    job_queue.run_repeating(
        _tick_job,
        interval=interval,
        first=1,
        name=TICK_JOB_NAME,
        job_kwargs={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
