"""The plan annex's tasks for coordinators and lead agencies: standings, rates, history, reopen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from cchc_bot import period_calendar
from cchc_bot.access import Actor, require_in_scope, units_in_scope
from cchc_bot.config.tasks import TaskConfig, TasksFile
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services import task_reports
from cchc_bot.services.base import ConfiguredService
from cchc_bot.tasks.assignment import resolve_codes
from cchc_bot.tasks.progress import TaskReport, TaskStanding
from cchc_bot.tasks.rates import TaskRates, agency_rates, count, overdue_first, standings
from db import repositories, task_progress
from db.models import AuditEvent, Unit


class UnknownTaskError(LookupError):
    """No task of tasks.yaml has this id."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"unknown task {task_id!r}")
        self.task_id = task_id


@dataclass(frozen=True)
class TaskOverview:
    """Every lead agency's standing on its tasks at a period, overdue first, with the rates."""

    period: ReportingPeriod
    as_of: dt.date
    rows: tuple[TaskStanding, ...]
    agencies: dict[str, TaskRates]
    district: TaskRates
    unit_names: dict[str, str]


@dataclass(frozen=True)
class TaskHistory:
    """One task across the periods: what each lead agency said in each report."""

    task: TaskConfig
    due: str
    leads: tuple[str, ...]
    reports: tuple[TaskReport, ...]
    unit_names: dict[str, str]
    period_labels: dict[str, str]


class TaskService(ConfiguredService):
    """Reads task standings and reopens tasks; one transaction per call."""

    @property
    def tasks(self) -> TasksFile | None:
        """The configured annex, if the folder has one."""
        return self._config.tasks

    def _year_periods(self, year: int) -> list[ReportingPeriod]:
        return period_calendar.build_periods(self._config.schedule, year, self._tz)

    async def overview(self, actor: Actor | None, period_code: str | None = None) -> TaskOverview:
        """The standings at a period: all (CLI, unscoped coordinator), a subtree, or one unit."""
        period = self.period(period_code)
        today = self._clock().astimezone(self._tz).date()
        as_of = min(today, period.due_date)
        names = {unit.code: unit.name for unit in self._config.units.units}
        tasks = self.tasks
        if tasks is None:
            return TaskOverview(period, as_of, (), {}, TaskRates(), names)
        async with self._sessions() as session:
            reports = await task_reports.year_reports(session, tasks.year, self.period)
            allowed = None
            if actor is not None:
                allowed = units_in_scope(actor, await repositories.unit_parents(session))
        rows = standings(
            tasks,
            self._config.units.units,
            self._year_periods(tasks.year),
            period,
            reports,
            as_of,
        )
        if allowed is not None:
            rows = [row for row in rows if row.unit in allowed]
        ordered = tuple(overdue_first(rows))
        return TaskOverview(period, as_of, ordered, agency_rates(rows), count(rows), names)

    async def history(self, actor: Actor | None, task_id: str) -> TaskHistory:
        """What the lead agencies said of a task in every period of the year."""
        tasks = self.tasks
        task = tasks.by_id().get(task_id) if tasks is not None else None
        if tasks is None or task is None:
            raise UnknownTaskError(task_id)
        leads = tuple(resolve_codes(task.lead, self._config.units.units))
        async with self._sessions() as session:
            reports = await task_reports.year_reports(session, tasks.year, self.period)
            if actor is not None:
                allowed = units_in_scope(actor, await repositories.unit_parents(session))
                leads = tuple(code for code in leads if code in allowed)
        periods = self._year_periods(tasks.year)
        mine = tuple(
            report for report in reports if report.task_id == task_id and report.unit in leads
        )
        due = (
            task.due_day.isoformat()
            if task.due_day is not None
            else (task.due_kind or "each_period")
        )
        return TaskHistory(
            task=task,
            due=due,
            leads=leads,
            reports=mine,
            unit_names={unit.code: unit.name for unit in self._config.units.units},
            period_labels={period.code: period.label for period in periods},
        )

    async def reopen(self, actor: Actor | None, unit_code: str, task_id: str) -> int:
        """Reopen a task a unit reported done: it is asked again; return the rows reopened.

        A coordinator (of a subtree holding the unit), or the operator (`actor` None, CLI).
        """
        tasks = self.tasks
        if tasks is None or task_id not in tasks.by_id():
            raise UnknownTaskError(task_id)
        now = self._clock()
        async with self._sessions.begin() as session:
            if actor is not None:
                parents = await repositories.unit_parents(session)
                require_in_scope(actor, unit_code, parents, "reopen a task")
            member = actor.member_id if actor is not None else None
            changed = await task_progress.reopen(session, unit_code, task_id, member, now)
            if changed:
                unit_id = await session.scalar(select(Unit.id).where(Unit.code == unit_code))
                session.add(
                    AuditEvent(
                        at=now,
                        action="task_reopened",
                        actor_member_id=member,
                        actor_telegram_user_id=actor.telegram_user_id if actor else None,
                        unit_id=unit_id,
                        details={"task": task_id},
                    )
                )
        return changed
