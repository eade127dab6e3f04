"""The running system's parts, built once by the composition root and passed to handlers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from cchc_bot.clock import Clock, system_clock
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.ops.settings import Settings
from cchc_bot.services.accounts import AccountService
from cchc_bot.services.consolidation import ConsolidationService
from cchc_bot.services.coordination import CoordinationService
from cchc_bot.services.exports import ExportService
from cchc_bot.services.reminders import ReminderService
from cchc_bot.services.reports import ReportService
from cchc_bot.services.status import StatusService
from cchc_bot.services.tasks import TaskService
from db.session import SessionFactory, create_engine, create_session_factory


@dataclass
class Runtime:
    """Settings, configuration, database and clock shared by every service call."""

    settings: Settings
    config: Configuration
    engine: AsyncEngine
    session_factory: SessionFactory
    clock: Clock
    accounts: AccountService
    status: StatusService
    reminders: ReminderService
    reports: ReportService
    coordination: CoordinationService
    exports: ExportService
    consolidation: ConsolidationService
    tasks: TaskService

    async def close(self) -> None:
        """Release the database connections."""
        await self.engine.dispose()


def open_runtime(settings: Settings, clock: Clock = system_clock) -> Runtime:
    """Load the configuration and connect the database (the schema must already exist)."""
    config = load_configuration(settings.config_dir)
    engine = create_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    session_factory = create_session_factory(engine)
    return Runtime(
        settings=settings,
        config=config,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        accounts=AccountService(session_factory, clock),
        status=StatusService(session_factory, config, clock, settings.tz),
        reminders=ReminderService(session_factory, config, clock, settings.tz),
        reports=ReportService(session_factory, config, clock, settings.tz),
        coordination=CoordinationService(session_factory, config, clock, settings.tz),
        exports=ExportService(session_factory, config, clock, settings.tz),
        consolidation=ConsolidationService(session_factory, config, clock, settings.tz),
        tasks=TaskService(session_factory, config, clock, settings.tz),
    )
