"""The heavy-job cap and the paced iteration that hands the event loop back between batches."""

from __future__ import annotations

import asyncio

from cchc_bot.heavy_jobs import HeavyJobs, paced


def test_a_job_over_the_limit_is_refused_until_one_finishes() -> None:
    jobs = HeavyJobs(limit=2)
    assert jobs.try_start()
    assert jobs.try_start()
    assert not jobs.try_start()
    jobs.finish()
    assert jobs.try_start()
    assert jobs.running == 2


async def test_paced_iteration_lets_other_tasks_run_after_every_batch() -> None:
    ticks: list[int] = []
    seen: list[int] = []

    async def other() -> None:
        while True:
            ticks.append(len(seen))
            await asyncio.sleep(0)

    task = asyncio.create_task(other())
    await asyncio.sleep(0)  # the other task runs once before the loop below starts
    async for item in paced(range(48), every=16):
        seen.append(item)
    task.cancel()
    assert seen == list(range(48))
    # Before the loop, then after items 16, 32 and 48: never more than 16 items in one go.
    assert ticks == [0, 16, 32, 48]
