"""`check-config`, `init`, `calendar`, `units`: the configuration and what it defines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc_bot import date_format, examples, period_calendar
from cchc_bot.cli.base import (
    CliContext,
    CliError,
    app,
    console,
    context_of,
    error_console,
    fail,
    load_config,
    new_table,
    print_json,
    run_async,
    say,
    user_errors,
    with_database,
)
from cchc_bot.config.loading import (
    check_configuration,
    load_configuration,
)
from cchc_bot.documents.outline import check_outline_of
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.services.config_sync import SyncReport, sync_configuration
from cchc_bot.services.directory import list_units
from cchc_bot.texts import cli as cli_words
from db.migrate import upgrade_schema
from db.session import create_engine, create_session_factory


@app.command("check-config")
@user_errors
def check_config_command(
    ctx: typer.Context,
    directory: Annotated[
        Path | None, typer.Argument(help="folder with the three YAML files")
    ] = None,
) -> None:
    """Validate units.yaml, questionnaire.yaml and schedule.yaml; name every problem."""
    folder = directory or context_of(ctx).settings.config_dir
    issues = check_configuration(folder) + check_outline_of(folder)
    for issue in issues:
        error_console.print(str(issue), markup=False, soft_wrap=True)
    if issues:
        fail(f"{len(issues)} problem(s) in {folder}")
    config = load_configuration(folder)
    console.print(
        f"OK: {folder}: {len(config.units.units)} units, "
        f"{len(config.questionnaire.by_id())} indicators (version {config.questionnaire.version}), "
        f"{len(config.schedule.periods)} period kinds",
        markup=False,
    )


def print_sync_report(report: SyncReport) -> None:
    """Print what `init` changed."""
    if not report.changed:
        console.print(
            f"Up to date (questionnaire version {report.questionnaire_version}).", markup=False
        )
        return
    lines = [
        ("added units", ", ".join(report.added)),
        ("renamed units", ", ".join(f"{code}: {old} → {new}" for code, old, new in report.renamed)),
        ("updated units", ", ".join(report.updated)),
        ("deactivated units", ", ".join(report.deactivated)),
        ("reactivated units", ", ".join(report.reactivated)),
        ("ended units (valid_to)", ", ".join(report.ended)),
        (
            "new questionnaire version",
            report.questionnaire_version if report.questionnaire_added else "",
        ),
        ("periods added", f"{len(report.periods_added)}" if report.periods_added else ""),
    ]
    for label, value in lines:
        if value:
            say(f"{label}: {value}")


def copy_example_config(cli: CliContext, name: str) -> None:
    """`init --example NAME`: copy the example into CCHC_CONFIG_DIR (never the bundled folder)."""
    target = cli.settings.config_dir
    try:
        source = examples.example_dir(name)
        if target.resolve() == bundled_config_dir().resolve():
            raise CliError(
                "set CCHC_CONFIG_DIR to the folder the example should be copied to "
                f"(or point CCHC_CONFIG_DIR at {source} to use it as it is)"
            )
        copied = examples.copy_example(name, target)
    except examples.ExampleError as exc:
        raise CliError(str(exc)) from exc
    say(f"example {name}: copied {', '.join(copied) or 'nothing (already there)'} into {target}")


@app.command("init")
@user_errors
def init_command(
    ctx: typer.Context,
    example: Annotated[
        str | None,
        typer.Option(
            help="copy a bundled example into CCHC_CONFIG_DIR first (e.g. xa_tran_de_2026)"
        ),
    ] = None,
) -> None:
    """Create or upgrade the schema and sync units, questionnaire and schedule (idempotent)."""
    cli = context_of(ctx)
    if example is not None:
        copy_example_config(cli, example)
    config = load_config(cli)

    async def work() -> SyncReport:
        engine = create_engine(cli.settings.database_url)
        try:
            await upgrade_schema(engine)
            return await sync_configuration(
                create_session_factory(engine), config, cli.clock, cli.today()
            )
        finally:
            await engine.dispose()

    print_sync_report(run_async(work()))


@app.command("calendar")
@user_errors
def calendar_command(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="reporting year (default: this year)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Print the reporting periods of a year: data window, deadline and reminder times."""
    cli = context_of(ctx)
    config = load_config(cli)
    periods = period_calendar.build_periods(
        config.schedule, year or cli.today().year, cli.settings.tz
    )
    if as_json:
        print_json(period_calendar.calendar_json(periods))
        return
    table = new_table(
        cli_words.CALENDAR_COLUMNS,
        title=cli_words.CALENDAR_TITLE.format(year=year or cli.today().year),
    )
    for period in periods:
        table.add_row(
            period.code,
            period.label,
            date_format.format_day(period.window_start),
            date_format.format_day(period.window_end),
            period.deadline.strftime("%d/%m/%Y %H:%M"),
            period.opens_at.strftime("%d/%m/%Y"),
            period.closes_at.strftime("%d/%m/%Y"),
            "\n".join(moment.strftime("%d/%m %H:%M") for moment in period.reminders) or "—",
        )
    console.print(table)


@app.command("units")
@user_errors
def units_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """List units with their kind and linked members."""
    cli = context_of(ctx)
    units = run_async(with_database(cli.settings, list_units))
    if as_json:
        print_json(
            [
                {
                    "code": unit.code,
                    "name": unit.name,
                    "kind": unit.kind,
                    "active": unit.active,
                    "has_tthc": unit.has_tthc,
                    "parent": unit.parent,
                    "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
                    "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
                    "successors": list(unit.successors),
                    "members": [
                        {"telegram_user_id": m.telegram_user_id, "name": m.name, "role": m.role}
                        for m in unit.members
                    ],
                }
                for unit in units
            ]
        )
        return
    table = new_table(cli_words.UNITS_COLUMNS, title=cli_words.UNITS_TITLE)
    for unit in units:
        table.add_row(
            unit.code,
            unit.name,
            unit.kind,
            cli_words.YES if unit.active else cli_words.NO,
            ", ".join(f"{m.name} ({m.role})" for m in unit.members) or "—",
        )
    console.print(table)
