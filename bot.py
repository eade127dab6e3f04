"""Composition root: settings -> runtime (configuration, database) -> services -> Application."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import typer
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, Defaults, ExtBot
from telegram.request import BaseRequest

from cchc_bot.chat_turns import ChatTurns
from cchc_bot.cli import (
    CliError,
    app,
    context_of,
    require_current_schema,
    run_async,
    startup_faults,
    user_errors,
)
from cchc_bot.cli.telegram_side import install as install_telegram_side
from cchc_bot.inbox import UpdateInbox, bot_id_of
from cchc_bot.inbox_queue import (
    InboxBot,
    InboxQueue,
    SideEffectAwareRateLimiter,
    replay_pending,
)
from cchc_bot.ops.instance_lock import InstanceLock, InstanceLockError
from cchc_bot.ops.logs import configure_logging
from cchc_bot.ops.settings import Settings
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.services.reminders import RunReport
from cchc_bot.telegram_request import telegram_request
from cchc_bot.texts import chat_common
from db.session import is_sqlite
from handlers.telegram import (
    accounts,
    common,
    coordinator,
    menus,
    observability,
    report,
    tasks,
    web_link,
    webhook,
)
from handlers.telegram.context import CONTEXT_TYPES, CchcApplication
from handlers.telegram.operator import OPERATOR_SIDE
from handlers.telegram.ordering import (
    MAX_CONCURRENT_UPDATES,
    CrossProcessTurns,
    PerChatUpdateProcessor,
)
from handlers.telegram.send_pacing import PacedRateLimiter
from handlers.web.app import serve_beside_bot, serve_web_until_stopped
from scheduler.jobs import schedule_reminders

logger = logging.getLogger("cchc_bot")

# With CCHC_INSTANCES=many, a stored update younger than this may be another live process's.
RECOVERY_GRACE = dt.timedelta(minutes=5)


def build_application(
    runtime: Runtime,
    token: str,
    *,
    with_scheduler: bool = True,
    requests: tuple[BaseRequest, BaseRequest] | None = None,
) -> CchcApplication:
    """Build the real PTB Application with every handler, against the configured Bot API.

    `requests` (API calls, getUpdates) default to `telegram_request`'s, through the proxy.
    """
    settings = runtime.settings
    api_request, updates_request = requests or (
        telegram_request(settings),
        telegram_request(settings, "updates"),
    )
    # Updates are stored before Telegram is told they arrived, and handled at most once.
    queue = InboxQueue(UpdateInbox(runtime.session_factory, bot_id_of(token), runtime.clock))
    bot: ExtBot[Any] = InboxBot(
        queue.inbox,
        token,
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=api_request,
        get_updates_request=updates_request,
        # Replies are counted, not throttled; bulk sends wait for a place in the sliding second
        # (handlers/telegram/send_pacing.py). The inner limiter still waits out Telegram's 429
        # retry_after and keeps group chats under 20/min.
        rate_limiter=PacedRateLimiter(
            SideEffectAwareRateLimiter(overall_max_rate=0, max_retries=5)
        ),
        defaults=Defaults(tzinfo=settings.tz),
    )
    # Several webhook processes on PostgreSQL: a chat's updates wait for its database turn.
    turns = (
        CrossProcessTurns(
            ChatTurns(
                settings.database_url,
                bot_id_of(token),
                runtime.clock,
                slots=MAX_CONCURRENT_UPDATES,
            ),
            chat_common.INTERRUPTED_BY_RESTART,
        )
        if settings.instances == "many" and not is_sqlite(settings.database_url)
        else None
    )
    ordering = PerChatUpdateProcessor(turns=turns)
    timed = observability.TimedUpdateProcessor(ordering, queue.inbox)
    application: CchcApplication = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .update_queue(queue)
        .concurrent_updates(timed)
        .build()
    )
    if turns is not None:
        turns.bind(
            application.bot,
            lambda update: timed.handle_now(update, application.process_update(update)),
        )
    application.bot_data.runtime = runtime
    common.register_guards(application)
    accounts.register(application)
    coordinator.register(application)
    tasks.register(application)
    web_link.register(application)
    report.register(application)
    common.register_fallbacks(application)
    if with_scheduler:
        schedule_reminders(application)
    # Several webhook processes share one inbox: leave young rows to the one handling them.
    grace = RECOVERY_GRACE if settings.instances == "many" else None

    async def post_init(application: CchcApplication) -> None:
        # On the Application's own loop: no database connection made here crosses loops.
        await ensure_schema_current(runtime)
        await replay_pending(
            application, queue, chat_common.INTERRUPTED_BY_RESTART, older_than=grace
        )
        await menus.set_default_menu(application.bot)
        if turns is not None:
            turns.start(ordering)

    async def post_stop(application: CchcApplication) -> None:
        if turns is not None:
            await turns.close()
        await queue.inbox.flush()

    application.post_init = post_init
    application.post_stop = post_stop
    return application


def hold_for_the_process(
    application: CchcApplication, runtime: Runtime, *, several_allowed: bool
) -> None:
    """Take the single-instance lock before the bot starts; close the database after it stops."""
    settings = runtime.settings
    # Shared among CCHC_INSTANCES=many processes; it still keeps a single-instance run out.
    lock = InstanceLock(settings.database_url, shared=several_allowed)
    started, stopped = application.post_init, application.post_shutdown

    async def post_init(application: CchcApplication) -> None:
        if lock is not None:
            try:
                await lock.acquire()
            except InstanceLockError as exc:
                raise CliError(str(exc)) from exc
        if started is not None:
            await started(application)

    async def post_shutdown(application: CchcApplication) -> None:
        try:
            if stopped is not None:
                await stopped(application)
            await runtime.close()
        finally:
            if lock is not None:
                await lock.release()

    application.post_init = post_init
    application.post_shutdown = post_shutdown


async def ensure_schema_current(runtime: Runtime) -> None:
    """Refuse to start on a database that `cchc-bot init` has not brought up to date."""
    await require_current_schema(runtime.engine)


def run_polling(settings: Settings) -> None:
    """Run the bot with long polling until interrupted."""
    token = settings.require_token()
    if settings.instances == "many":
        raise CliError(
            "CCHC_INSTANCES=many needs webhook mode (--webhook-url): "
            "Telegram serves long polling to one process at a time"
        )
    configure_logging(settings.log_level, settings.log_format, secrets=[token])
    runtime = open_runtime(settings)
    application = build_application(runtime, token)
    hold_for_the_process(application, runtime, several_allowed=False)
    serve_beside_bot(application, runtime)  # the web desk, when CCHC_WEB_URL is set
    logger.info("starting CCHC Bot (long polling)")
    with startup_faults([token]):
        application.run_polling(allowed_updates=list(webhook.ALLOWED_UPDATES))


@app.command("run")
@user_errors
def run_command(
    ctx: typer.Context,
    webhook_url: Annotated[
        str | None,
        typer.Option(help="public HTTPS base URL for webhook mode (a secret path is appended)"),
    ] = None,
    listen: Annotated[str, typer.Option(help="address to listen on in webhook mode")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on in webhook mode")] = 8443,
) -> None:
    """Run the bot (long polling, or a webhook with --webhook-url) with reminders inside."""
    settings = context_of(ctx).settings
    if webhook_url is None:
        run_polling(settings)
        return
    token = settings.require_token()
    given = settings.webhook_secret
    secret = given.get_secret_value() if given is not None else webhook.new_secret()
    try:
        config = webhook.WebhookSettings(
            webhook.public_webhook_url(webhook_url, token), listen, port, secret
        )
    except webhook.WebhookError as exc:
        raise CliError(str(exc)) from exc
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=[token, secret, webhook.secret_path(token)],
    )
    runtime = open_runtime(settings)

    async def serve() -> None:
        application = build_application(runtime, token)
        hold_for_the_process(application, runtime, several_allowed=settings.instances == "many")
        serve_beside_bot(application, runtime)
        logger.info("starting CCHC Bot (webhook)")
        await webhook.serve_until_stopped(application, config)

    with startup_faults([token, secret, webhook.secret_path(token)]):
        try:
            run_async(serve())
        except webhook.WebhookError as exc:
            raise CliError(str(exc)) from exc
        except TelegramError as exc:
            raise CliError(f"Telegram refused the webhook: {exc}") from exc


@app.command("web")
@user_errors
def web_command(
    ctx: typer.Context,
    listen: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8080,
) -> None:
    """Serve the web desk on its own (the bot runs elsewhere on the same database)."""
    settings = context_of(ctx).settings
    token = settings.bot_token.get_secret_value().strip() if settings.bot_token else None
    configure_logging(settings.log_level, settings.log_format, secrets=[token] if token else [])
    runtime = open_runtime(settings)

    async def serve() -> None:
        try:
            await ensure_schema_current(runtime)
        except CliError:
            await runtime.close()
            raise
        await serve_web_until_stopped(runtime, token or None, listen, port)

    with contextlib.suppress(KeyboardInterrupt):
        run_async(serve())


@app.command("sandbox")
@user_errors
def sandbox_command(
    ctx: typer.Context,
    now: Annotated[
        str | None, typer.Option(help="start the bot's clock here, e.g. 2024-03-05T08:00")
    ] = None,
    script: Annotated[
        str | None, typer.Option(help="play a file of chat lines and print the transcript")
    ] = None,
    data_dir: Annotated[
        str | None, typer.Option(help="keep the database, log and received files in this folder")
    ] = None,
    keep: Annotated[bool, typer.Option("--keep", help="keep the temporary folder on exit")] = False,
    web: Annotated[
        bool | None,
        typer.Option(
            "--web/--no-web",
            help="serve the web desk on 127.0.0.1:CCHC_WEB_PORT and print a sign-in link per"
            " persona (default: on in the terminal chat, off with --script)",
        ),
    ] = None,
) -> None:
    """Run the real bot against a local Telegram server in a terminal chat: no token, no network."""

    from cchc_bot import sandbox

    settings = context_of(ctx).settings
    options = sandbox.SandboxOptions(
        now=sandbox.parse_start(now, settings.tz),
        script=Path(script) if script else None,
        data_dir=Path(data_dir) if data_dir else None,
        keep=keep,
    )
    code = sandbox.run_sandbox(
        options,
        settings=settings,
        build_application=build_application,
        tick=_sandbox_tick,
        serve_web=functools.partial(_sandbox_web, port=settings.web_port)
        if (web if web is not None else script is None)
        else None,
    )
    if code:
        raise typer.Exit(code)


@contextlib.asynccontextmanager
async def _sandbox_web(
    runtime: Runtime, token: str, telegram_bot: Any, *, port: int
) -> AsyncIterator[str]:
    """The web desk on the sandbox's runtime, on this machine only; yields its address."""
    from handlers.web.app import start_web

    try:
        runner = await start_web(runtime, token, "127.0.0.1", port, telegram_bot)
    except OSError as exc:
        raise CliError(
            f"cannot serve the web desk on 127.0.0.1:{port} ({exc.strerror}):"
            " set CCHC_WEB_PORT to a free port, or pass --no-web"
        ) from exc
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def _sandbox_tick(application: CchcApplication) -> RunReport:
    """The scheduler's reminder tick, run by the sandbox right after `/time` moves the clock."""
    from handlers.telegram.context import CchcContext
    from scheduler.jobs import tick

    return await tick(CchcContext(application))


install_telegram_side(OPERATOR_SIDE)  # `remind` and `revoke` reach Telegram through handlers/


def main() -> None:
    """Entry point of `cchc-bot` and `python bot.py`."""
    app()


if __name__ == "__main__":
    main()
