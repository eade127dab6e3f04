"""`doctor`, `backup`, `restore`: keeping an installation healthy and its data safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc_bot.cli.base import (
    CliError,
    app,
    context_of,
    print_json,
    run_async,
    say,
    say_all,
    user_errors,
)
from cchc_bot.ops import backup, doctor
from db.session import is_sqlite


@app.command("doctor")
@user_errors
def doctor_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Check token, database, schema, configuration, zone, reminders and files; say the fix."""
    checks = run_async(doctor.run_checks(clock=context_of(ctx).clock))
    if as_json:
        print_json([check.to_json() for check in checks])
    else:
        say_all(doctor.render(checks))
    if any(check.failed for check in checks):
        raise typer.Exit(1)


@app.command("backup")
@user_errors
def backup_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="backup file to write (SQLite)")],
) -> None:
    """Back up the database while the bot runs (SQLite); print the pg_dump command (PostgreSQL)."""
    url = context_of(ctx).settings.database_url
    try:
        if not is_sqlite(url):
            say_all(backup.postgres_backup_commands(url, out))
            return
        summary = backup.backup_sqlite(backup.sqlite_file(url), out)
    except backup.BackupError as exc:
        raise CliError(str(exc)) from exc
    say(f"backed up to {summary.path}: {summary.describe()}")


@app.command("restore")
@user_errors
def restore_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="a file made by `cchc-bot backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Replace the database with a backup (bot stopped); the old file is kept beside it."""
    url = context_of(ctx).settings.database_url
    try:
        if not is_sqlite(url):
            say_all(backup.postgres_restore_commands(url, file))
            return
        target = backup.sqlite_file(url)
        summary = backup.inspect_backup(file)
        if not yes:
            typer.confirm(
                f"Replace {target} with {summary.path} ({summary.describe()})?", abort=True
            )
        result = backup.restore_sqlite(file, target)
    except backup.BackupError as exc:
        raise CliError(str(exc)) from exc
    say(f"restored {result.restored.path}: {result.restored.describe()}")
    if result.previous is not None:
        say(f"the replaced database was kept as {result.previous}")
    if result.restored.needs_upgrade:
        say("the backup has an older schema: run `cchc-bot init` next")
