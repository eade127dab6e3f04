"""The web desk's aiohttp application, and serving it beside the bot or on its own."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import signal

from aiohttp import web
from telegram import Bot

from cchc_bot.runtime import Runtime
from cchc_bot.services.reminders import Deliver
from cchc_bot.services.unit_view import UnitViewService
from cchc_bot.services.web_access import WebAccessService
from handlers.telegram.context import CchcApplication
from handlers.telegram.reminder_delivery import deliver
from handlers.web import actions, form, pages, sign_in
from handlers.web.desk import DESK, STATIC, WebDesk, guard

logger = logging.getLogger(__name__)


def build_web_app(
    runtime: Runtime,
    bot_token: str | None,
    bot: Bot | None = None,
    send_reminder: Deliver | None = None,
) -> web.Application:
    """The web desk on a runtime's services; without a token the Mini App sign-in is off,
    without a running bot the unit is not told in the chat when a report is returned."""
    settings = runtime.settings
    lifetime = dt.timedelta(hours=settings.web_session_hours)
    desk = WebDesk(
        runtime=runtime,
        bot_token=bot_token,
        access=WebAccessService(runtime.session_factory, runtime.clock, lifetime),
        views=UnitViewService(runtime.session_factory, runtime.config, runtime.clock, settings.tz),
        secure_cookies=(settings.web_url or "").startswith("https://"),
        bot=bot,
        send_reminder=send_reminder,
    )
    app = web.Application(middlewares=[guard], client_max_size=64 * 1024)
    app[DESK] = desk
    app.add_routes(sign_in.routes)
    app.add_routes(pages.routes)
    app.add_routes(form.routes)
    app.add_routes(actions.routes)
    app.router.add_static("/static", STATIC, append_version=True)
    return app


async def start_web(
    runtime: Runtime,
    bot_token: str | None,
    host: str,
    port: int,
    bot: Bot | None = None,
    send_reminder: Deliver | None = None,
) -> web.AppRunner:
    """Start serving the web desk; the caller cleans the returned runner up."""
    runner = web.AppRunner(build_web_app(runtime, bot_token, bot, send_reminder), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    logger.info("web desk listening on %s:%s", host, port)
    return runner


async def serve_web_until_stopped(
    runtime: Runtime, bot_token: str | None, host: str, port: int
) -> None:
    """Serve the web desk until SIGTERM or Ctrl+C, then close the database."""
    runner = await start_web(runtime, bot_token, host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await runtime.close()


def serve_beside_bot(application: CchcApplication, runtime: Runtime) -> None:
    """With CCHC_WEB_URL set, serve the web desk from the bot's start to its shutdown."""
    settings = runtime.settings
    if settings.web_url is None:
        return
    started, stopped = application.post_init, application.post_shutdown
    runners: list[web.AppRunner] = []

    async def post_init(application: CchcApplication) -> None:
        if started is not None:
            await started(application)
        runners.append(
            await start_web(
                runtime,
                application.bot.token,
                settings.web_listen,
                settings.web_port,
                application.bot,
                functools.partial(
                    deliver, application.bot, limiter=application.bot_data.bulk_limiter
                ),
            )
        )

    async def post_shutdown(application: CchcApplication) -> None:
        try:
            while runners:
                await runners.pop().cleanup()
        finally:
            if stopped is not None:
                await stopped(application)

    application.post_init = post_init
    application.post_shutdown = post_shutdown
