"""The running system's parts, built once by the composition root and passed to handlers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from cchc_bot.clock import Clock, system_clock
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.heavy_jobs import DEFAULT_LIMIT
from cchc_bot.ops.settings import Settings
from cchc_bot.services.accounts import AccountService
from cchc_bot.services.consolidation import ConsolidationService
from cchc_bot.services.coordination import CoordinationService
from cchc_bot.services.exports import ExportService
from cchc_bot.services.reminders import ReminderService
from cchc_bot.services.reports import ReportService
from cchc_bot.services.status import StatusService
from cchc_bot.services.tasks import TaskService
from db.session import SessionFactory, create_engine, create_session_factory, is_sqlite


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
    # SQLite file: the read-only engine of status and exports (None: they use `engine`).
    read_engine: AsyncEngine | None = None

    async def close(self) -> None:
        """Release the database connections."""
        await self.engine.dispose()
        if self.read_engine is not None:
            await self.read_engine.dispose()


def read_engine_for(settings: Settings) -> AsyncEngine | None:
    """On a SQLite file, a read-only engine for the heavy reads (status, exports), so that a
    2,000-unit read in WAL snapshot never holds the one writer connection answers wait for."""
    url = settings.database_url
    if not is_sqlite(url) or make_url(url).database in (None, "", ":memory:"):
        return None
    return create_engine(url, synchronous=settings.sqlite_synchronous, readers=DEFAULT_LIMIT)


def open_runtime(settings: Settings, clock: Clock = system_clock) -> Runtime:
    """Load the configuration and connect the database (the schema must already exist)."""
    config = load_configuration(settings.config_dir)
    engine = create_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    session_factory = create_session_factory(engine)
    read_engine = read_engine_for(settings)
    reads = create_session_factory(read_engine) if read_engine is not None else session_factory
    return Runtime(
        settings=settings,
        config=config,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        accounts=AccountService(session_factory, clock),
        status=StatusService(reads, config, clock, settings.tz),
        reminders=ReminderService(session_factory, config, clock, settings.tz),
        reports=ReportService(session_factory, config, clock, settings.tz),
        coordination=CoordinationService(session_factory, config, clock, settings.tz),
        exports=ExportService(reads, config, clock, settings.tz),
        consolidation=ConsolidationService(session_factory, config, clock, settings.tz),
        tasks=TaskService(session_factory, config, clock, settings.tz),
        read_engine=read_engine,
    )
