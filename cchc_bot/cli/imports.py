"""`import`: a period's figures per unit from a workbook, or the empty workbook to fill."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cchc_bot.cli.base import (
    CliError,
    app,
    console,
    context_of,
    error_console,
    fail,
    load_config,
    run_async,
    user_errors,
    with_database,
)
from cchc_bot.cli.reporting import export_data
from cchc_bot.exports.import_sheet import ImportSheetError, read_unit_rows, write_template
from cchc_bot.services.imports import ImportOutcome, ImportService
from db.session import SessionFactory

XLSX = ".xlsx"


@app.command("import")
@user_errors
def import_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="period code such as 2024-Q1")],
    file: Annotated[
        Path | None, typer.Argument(help="the filled-in workbook (.xlsx) to load")
    ] = None,
    template: Annotated[
        bool, typer.Option("--template", help="write the empty workbook to fill instead")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="with --template: the .xlsx to write")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check every cell, store nothing")
    ] = False,
) -> None:
    """Load a period's figures per unit from a workbook laid out like the export's unit sheet."""
    cli = context_of(ctx)
    config = load_config(cli)
    data = export_data(cli, config, period)
    if template:
        if out is None or out.suffix.lower() != XLSX:
            raise CliError("--template needs --out FILE.xlsx")
        write_template(data, out)
        console.print(
            f"wrote {out} ({data.period.label}: {len(data.units)} units to fill in)",
            markup=False,
        )
        return
    if file is None or file.suffix.lower() != XLSX:
        raise CliError("give the workbook to import: cchc-bot import --period CODE FILE.xlsx")
    if not file.is_file():
        raise CliError(f"no such file: {file}")
    try:
        rows = read_unit_rows(file, data)
    except ImportSheetError as exc:
        raise CliError(str(exc)) from exc

    async def work(session_factory: SessionFactory) -> ImportOutcome:
        service = ImportService(session_factory, config, cli.clock, cli.settings.tz)
        return await service.import_rows(
            data.period.code, rows, file_name=file.name, dry_run=dry_run
        )

    outcome = run_async(with_database(cli.settings, work))
    for problem in outcome.problems:
        error_console.print(str(problem), markup=False, soft_wrap=True)
    if outcome.problems:
        fail(f"{len(outcome.problems)} problem(s) in {file.name}: nothing was stored")
    verb = "would import" if dry_run else "imported"
    console.print(
        f"{verb} {len(outcome.imported)} unit(s) for {outcome.period.code} from {file.name}"
        f" ({len(outcome.skipped)} empty row(s) skipped)",
        markup=False,
    )
