"""Composition root: settings -> runtime (configuration, database) -> services -> Application."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

import typer
from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, Defaults, ExtBot

from cchc_bot.access import Actor
from cchc_bot.cli import (
    CliError,
    app,
    console,
    context_of,
    print_json,
    run_async,
    user_errors,
    with_database,
)
from cchc_bot.logs import configure_logging
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.services.accounts import AccountError, AccountService
from cchc_bot.services.reminders import DeliveryResult, ReminderItem, ReminderMessage, RunReport
from cchc_bot.settings import Settings
from db.migrate import current_revision, head_revision
from db.session import SessionFactory
from handlers import accounts, common, coordinator, menus, report
from handlers.context import CONTEXT_TYPES, CchcApplication
from scheduler.delivery import deliver
from scheduler.jobs import schedule_reminders

logger = logging.getLogger("cchc_bot")


def build_application(
    runtime: Runtime, token: str, *, with_scheduler: bool = True
) -> CchcApplication:
    """Build the real PTB Application with every handler, against the configured Bot API."""
    settings = runtime.settings
    application: CchcApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .context_types(CONTEXT_TYPES)
        .rate_limiter(AIORateLimiter(max_retries=5))
        .concurrent_updates(False)
        .defaults(Defaults(tzinfo=settings.tz))
        .build()
    )
    application.bot_data.runtime = runtime
    common.register_guards(application)
    accounts.register(application)
    coordinator.register(application)
    report.register(application)
    common.register_fallbacks(application)
    if with_scheduler:
        schedule_reminders(application)
    application.post_init = _post_init
    return application


async def _post_init(application: CchcApplication) -> None:
    await menus.set_default_menu(application.bot)


async def ensure_schema_current(runtime: Runtime) -> None:
    """Refuse to start on a database that `cchc-bot init` has not brought up to date."""
    current = await current_revision(runtime.engine)
    if current != head_revision():
        raise CliError(
            f"the database schema is at {current or 'nothing'}, not {head_revision()}: "
            "run `cchc-bot init` first"
        )


def run_polling(settings: Settings) -> None:
    """Run the bot with long polling until interrupted."""
    token = settings.require_token()
    configure_logging(settings.log_level, settings.log_format, secrets=[token])
    runtime = open_runtime(settings)
    run_async(ensure_schema_current(runtime))
    application = build_application(runtime, token)
    logger.info("starting CCHC Bot (long polling)")
    application.run_polling(allowed_updates=["message", "edited_message", "callback_query"])


@app.command("run")
@user_errors
def run_command(
    ctx: typer.Context,
    webhook_url: Annotated[
        str | None, typer.Option(help="public HTTPS URL for webhook mode")
    ] = None,
    listen: Annotated[str, typer.Option(help="address to listen on in webhook mode")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on in webhook mode")] = 8443,
) -> None:
    """Run the bot (long polling, or a webhook with --webhook-url) with reminders inside."""
    settings = context_of(ctx).settings
    if webhook_url is not None:
        raise CliError("webhook mode is not available yet; run without --webhook-url")
    run_polling(settings)


@app.command("revoke")
@user_errors
def revoke_command(
    ctx: typer.Context,
    telegram_user_id: Annotated[int, typer.Argument(help="from `cchc-bot members`")],
) -> None:
    """Unlink an account at once; its past submissions stay attributed to it."""
    cli = context_of(ctx)
    settings = cli.settings

    async def work(session_factory: SessionFactory) -> Actor:
        return await AccountService(session_factory, cli.clock).revoke_member(telegram_user_id)

    try:
        actor = run_async(with_database(settings, work))
    except AccountError as exc:
        raise CliError(str(exc)) from exc
    console.print(
        f"revoked {actor.name} ({actor.role.value}, {actor.unit_code or 'coordinator'})",
        markup=False,
    )
    if settings.bot_token is None:
        console.print("note: CCHC_BOT_TOKEN is unset, so the person's command menu was not reset")
        return

    async def reset_menu() -> None:
        async with Bot(settings.require_token(), base_url=settings.telegram_api_url) as bot:
            await menus.set_member_menu(bot, telegram_user_id, None)

    try:
        run_async(reset_menu())
    except TelegramError as exc:
        console.print(f"note: could not reset the command menu on Telegram ({exc})", markup=False)


def remind_json(report: RunReport, tz: dt.tzinfo, *, dry_run: bool) -> dict[str, Any]:
    """The contract's `remind --json` shape."""

    def items(values: list[ReminderItem]) -> list[dict[str, Any]]:
        return [
            {
                "unit": i.unit,
                "telegram_user_id": i.telegram_user_id,
                "period": i.period,
                "kind": i.kind,
            }
            for i in values
        ]

    at = report.at.astimezone(tz).isoformat()
    if dry_run:
        return {"at": at, "due": items(report.due)}
    return {
        "at": at,
        "sent": items(report.sent),
        "failed": items(report.failed),
        "unreachable": items(report.unreachable),
        "skipped": items(report.skipped),
    }


@app.command("remind")
@user_errors
def remind_command(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option(help="ISO 8601 instant (default: now)")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list what is due, send nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Send every reminder due at that instant that was not sent yet (safe from cron, twice)."""
    cli = context_of(ctx)
    settings = cli.settings
    instant = parse_instant(at, settings.tz) if at else None
    runtime = open_runtime(settings, cli.clock)

    async def work() -> RunReport:
        try:
            await ensure_schema_current(runtime)
            if dry_run:
                return await runtime.reminders.run(None, at=instant, dry_run=True)
            token = settings.require_token()
            configure_logging(settings.log_level, settings.log_format, secrets=[token])
            async with ExtBot(
                token,
                base_url=settings.telegram_api_url,
                base_file_url=settings.telegram_file_url,
                rate_limiter=AIORateLimiter(max_retries=5),
            ) as bot:

                async def send(message: ReminderMessage) -> DeliveryResult:
                    return await deliver(bot, message)

                return await runtime.reminders.run(send, at=instant)
        finally:
            await runtime.close()

    report = run_async(work())
    if as_json:
        print_json(remind_json(report, settings.tz, dry_run=dry_run))
        return
    if dry_run:
        console.print(f"due at {report.at.astimezone(settings.tz).isoformat()}: {len(report.due)}")
        for item in report.due:
            console.print(
                f"  {item.period} {item.kind} {item.unit or 'digest'} → {item.telegram_user_id}"
            )
        return
    console.print(
        f"sent {len(report.sent)}, failed {len(report.failed)}, "
        f"unreachable {len(report.unreachable)}, skipped {len(report.skipped)}"
    )


def parse_instant(text: str, tz: dt.tzinfo) -> dt.datetime:
    """Parse `--at`; a time without offset is read in CCHC_TIMEZONE."""
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"--at {text!r} is not an ISO 8601 instant, e.g. 2024-03-05T08:00") from exc
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=tz)


def main() -> None:
    """Entry point of `cchc-bot` and `python bot.py`."""
    app()


if __name__ == "__main__":
    main()
