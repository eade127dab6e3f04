"""`doctor`, `backup`, `restore`: keeping an installation healthy and its data safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc_bot.cli.base import CliError, app, console, context_of, print_json, run_async, user_errors
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
        for line in doctor.render(checks):
            console.print(line, markup=False, soft_wrap=True)
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
            for line in backup.postgres_backup_commands(url, out):
                console.print(line, markup=False, soft_wrap=True)
            return
        summary = backup.backup_sqlite(backup.sqlite_file(url), out)
    except backup.BackupError as exc:
        raise CliError(str(exc)) from exc
    console.print(
        f"backed up to {summary.path}: {summary.describe()}", markup=False, soft_wrap=True
    )


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
            for line in backup.postgres_restore_commands(url, file):
                console.print(line, markup=False, soft_wrap=True)
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
    console.print(
        f"restored {result.restored.path}: {result.restored.describe()}",
        markup=False,
        soft_wrap=True,
    )
    if result.previous is not None:
        console.print(
            f"the replaced database was kept as {result.previous}", markup=False, soft_wrap=True
        )
    if result.restored.needs_upgrade:
        console.print(
            "the backup has an older schema: run `cchc-bot init` next", markup=False, soft_wrap=True
        )
