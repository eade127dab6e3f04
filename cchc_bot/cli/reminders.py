"""`remind`: send the reminders due at an instant, once (safe from cron, twice)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from cchc_bot.cli.base import (
    CliError,
    app,
    console,
    context_of,
    print_json,
    require_current_schema,
    run_async,
    user_errors,
)
from cchc_bot.cli.telegram_side import telegram_side
from cchc_bot.ops.logs import configure_logging
from cchc_bot.runtime import open_runtime
from cchc_bot.services.reminders import ReminderItem, RunReport


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
            await require_current_schema(runtime.engine)
            if dry_run:
                return await runtime.reminders.run(None, at=instant, dry_run=True)
            token = settings.require_token()
            configure_logging(settings.log_level, settings.log_format, secrets=[token])
            async with telegram_side().reminder_sender(settings, token) as send:
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
