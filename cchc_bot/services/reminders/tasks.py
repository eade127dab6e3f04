"""Task reminders: a task soon due and not done earns its lead's head one reminder; the
overdue ones go into the coordinators' digest. Claimed like period reminders (one key each)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import period_calendar
from cchc_bot.config.loading import Configuration
from cchc_bot.config.tasks import TaskConfig
from cchc_bot.periods import ReportingPeriod
from cchc_bot.reminder_plan import Recipient, ReminderKey, ReminderPlanner
from cchc_bot.services import task_reports
from cchc_bot.services.reminders.messages import OverdueTask, ReminderMessage, TaskNotice
from cchc_bot.tasks.assignment import assignments
from cchc_bot.tasks.progress import TaskStatus, standing
from db.models import ReminderLog

TASK_KIND_PREFIX = "task-"
"""The reminder kind of a task: `task-<task id>` (at most 39 characters)."""

DueEntry = tuple[ReminderKey, dt.datetime, ReminderMessage, int]


def task_period_code(year: int) -> str:
    """The period code a task reminder is claimed under: one per task and year (`2024-NV`)."""
    return f"{year}-NV"


def is_task_kind(kind: str) -> bool:
    """Whether a reminder row is a task's."""
    return kind.startswith(TASK_KIND_PREFIX)


class TaskReminders:
    """Which task reminders are due now, and the overdue tasks of a digest."""

    def __init__(self, config: Configuration, tz: ZoneInfo, planner: ReminderPlanner) -> None:
        self._config = config
        self._tz = tz
        self._planner = planner

    def _periods(self, year: int) -> list[ReportingPeriod]:
        return period_calendar.build_periods(self._config.schedule, year, self._tz)

    def _period_of(self, day: dt.date, periods: Sequence[ReportingPeriod]) -> ReportingPeriod:
        """The period a day falls due in: the first whose data window ends on or after it."""
        return next((p for p in periods if day <= p.window_end), periods[-1])

    async def _standings(
        self, session: AsyncSession, today: dt.date
    ) -> list[tuple[TaskConfig, str, dt.date, bool, ReportingPeriod]]:
        """(task, lead unit, due day, done, period it falls due in) of every dated task."""
        tasks = self._config.tasks
        if tasks is None:
            return []
        periods = self._periods(tasks.year)
        reports = await task_reports.year_reports(
            session, tasks.year, lambda code: next(p for p in periods if p.code == code)
        )
        rows = []
        for pair in assignments(tasks, self._config.units.units):
            if not pair.lead or pair.task.recurring is not None:
                continue
            # Judged at the year's last period: a task closed in any report counts as done.
            row = standing(pair.task, pair.unit, tasks.year, periods, periods[-1], reports, today)
            done = row.status is TaskStatus.DONE
            rows.append((pair.task, pair.unit, row.due, done, self._period_of(row.due, periods)))
        return rows

    async def due(
        self,
        session: AsyncSession,
        recipients: Sequence[Recipient],
        unit_names: dict[str, str],
        claimed: set[ReminderKey],
        now: dt.datetime,
    ) -> list[DueEntry]:
        """The reminders to claim now: tasks due within N days, not done, to their heads."""
        tasks = self._config.tasks
        if tasks is None or not self._planner.in_office_hours(now):
            return []
        today = now.astimezone(self._tz).date()
        window = dt.timedelta(days=self._config.schedule.reminders.task_days_before)
        at = self._config.schedule.reminders.time
        entries: list[DueEntry] = []
        for task, unit, due, done, period in await self._standings(session, today):
            if done or not today <= due <= today + window:
                continue
            scheduled = dt.datetime.combine(max(due - window, today), at, tzinfo=self._tz)
            for recipient in recipients:
                if recipient.unit_code != unit or recipient.role != "head":
                    continue
                key: ReminderKey = (
                    unit,
                    recipient.member_id,
                    task_period_code(tasks.year),
                    TASK_KIND_PREFIX + task.id,
                )
                if key in claimed:
                    continue
                message = ReminderMessage(
                    kind=key[3],
                    telegram_user_id=recipient.telegram_user_id,
                    period=period,
                    overdue=False,
                    unit_code=unit,
                    unit_name=unit_names.get(unit, unit),
                    task=TaskNotice(task.id, task.title, task.product, due, (due - today).days),
                )
                entries.append((key, scheduled, message, recipient.member_id))
        return entries

    async def retry_message(
        self,
        session: AsyncSession,
        row: ReminderLog,
        telegram_user_id: int,
        unit_names: dict[str, str],
        now: dt.datetime,
    ) -> ReminderMessage | None:
        """The message of a failed task reminder to send again (None once done or past due)."""
        today = now.astimezone(self._tz).date()
        unit = row.dedup_key.split("|", 1)[0]
        task_id = row.kind.removeprefix(TASK_KIND_PREFIX)
        for task, lead, due, done, period in await self._standings(session, today):
            if task.id == task_id and lead == unit and not done and today <= due:
                return ReminderMessage(
                    kind=row.kind,
                    telegram_user_id=telegram_user_id,
                    period=period,
                    overdue=False,
                    unit_code=unit,
                    unit_name=unit_names.get(unit, unit),
                    task=TaskNotice(task.id, task.title, task.product, due, (due - today).days),
                )
        return None

    async def overdue(
        self, session: AsyncSession, unit_names: dict[str, str], now: dt.datetime
    ) -> tuple[OverdueTask, ...]:
        """The tasks past their due day and not done, earliest first, for the digest."""
        today = now.astimezone(self._tz).date()
        rows = await self._standings(session, today)
        late = sorted(
            (due, task.title, unit) for task, unit, due, done, _ in rows if not done and due < today
        )
        return tuple(
            OverdueTask(title, unit_names.get(unit, unit), due) for due, title, unit in late
        )
