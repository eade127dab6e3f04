"""Opening a sandbox session: a fresh database, the local Telegram server, the real bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from cchc_bot.clock import MovableClock
from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.ops.settings import Settings
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.sandbox.bot_log import BotLog
from cchc_bot.sandbox.folders import ExitChoice, Folders
from cchc_bot.sandbox.local_bot import AnyApplication, running_application, server_settings
from cchc_bot.sandbox.session import ReminderTick, SandboxOptions, Session
from cchc_bot.sandbox.view import ChatView
from cchc_bot.sandbox.web_links import ServeWeb, persona_links
from cchc_bot.services.config_sync import sync_configuration
from db.migrate import upgrade_schema

# Only the local server accepts it; shaped like a real token so the log filter scrubs it.
SANDBOX_TOKEN = "7100000001:AAH-cchc-sandbox-local-only-token-0123456789"
BOT_USERNAME = "cchc_sandbox_bot"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT = 5.0

BuildApplication = Callable[[Runtime, str], AnyApplication]


@asynccontextmanager
async def open_session(
    options: SandboxOptions,
    *,
    settings: Settings,
    build_application: BuildApplication,
    tick: ReminderTick,
    view: ChatView,
    folders: Folders,
    exit_choice: ExitChoice | None = None,
    serve_web: ServeWeb | None = None,
) -> AsyncIterator[Session]:
    """Set everything up (database, server, bot, personas); tear it down on exit."""
    tz = settings.tz
    start = options.now or dt.datetime.now(tz)
    clock = MovableClock(start)
    log = BotLog(folders.log, settings.log_level, settings.log_format, SANDBOX_TOKEN)
    log.install()
    try:
        async with LocalTelegramServer(
            token=SANDBOX_TOKEN, bot_username=BOT_USERNAME, clock=clock
        ) as server:
            base = settings.model_copy(
                update={
                    "database_url": f"sqlite+aiosqlite:///{folders.database}",
                    "files_dir": folders.bot_files,
                }
            )
            runtime = open_runtime(server_settings(server, base), clock)
            try:
                await upgrade_schema(runtime.engine)
                await sync_configuration(
                    runtime.session_factory, runtime.config, clock, clock().astimezone(tz).date()
                )
                application = build_application(runtime, SANDBOX_TOKEN)
                async with running_application(
                    application, poll_timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
                ):
                    session = Session(
                        server=server,
                        runtime=runtime,
                        application=application,
                        clock=clock,
                        tick=tick,
                        view=view,
                        folders=folders,
                        options=options,
                        log=log,
                        exit_choice=exit_choice,
                    )
                    await session.link_personas()
                    session.watch()
                    if serve_web is None:
                        yield session
                        return
                    async with serve_web(runtime, SANDBOX_TOKEN, application.bot) as desk:
                        for line in await persona_links(runtime, clock, desk):
                            view.notice(line)
                        yield session
            finally:
                await runtime.close()
    finally:
        log.restore()
