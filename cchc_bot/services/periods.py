"""Which periods accept submissions: the calendar, corrected by coordinators' close/reopen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import period_calendar
from cchc_bot.config.schedule import Schedule
from cchc_bot.periods import ReportingPeriod, UnknownPeriodError
from db.models import Period


async def open_periods(
    session: AsyncSession, schedule: Schedule, tz: ZoneInfo, now: dt.datetime
) -> list[ReportingPeriod]:
    """Periods open at `now`: by the calendar unless closed, plus any a coordinator reopened."""
    overrides = {
        code: override
        for code, override in (
            await session.execute(
                select(Period.code, Period.override).where(Period.override.is_not(None))
            )
        )
    }
    result = [
        p
        for p in period_calendar.open_periods(schedule, tz, now)
        if overrides.get(p.code) != "closed"
    ]
    known = {p.code for p in result}
    for code, override in sorted(overrides.items()):
        if override == "open" and code not in known:
            try:
                period = period_calendar.period_by_code(schedule, code, tz)
            except UnknownPeriodError:
                continue
            if period.opens_at <= now:
                result.append(period)
    return sorted(result, key=lambda p: p.deadline)
