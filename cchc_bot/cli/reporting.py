"""`status`, `export`, `district-report`: what the units reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from cchc_bot.aggregation import ExportData
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
    user_errors,
    with_database,
)
from cchc_bot.config.loading import Configuration
from cchc_bot.documents.district_report import DOCX_EXTENSION, report_filename
from cchc_bot.documents.district_report import write as write_district_report
from cchc_bot.documents.outline import OutlineError, load_outline
from cchc_bot.exports import csv_table, workbook
from cchc_bot.services.exports import ExportService
from cchc_bot.services.status import PeriodStatus, StatusService
from cchc_bot.texts import cli as cli_words
from db.session import SessionFactory


def status_json(status: PeriodStatus, tz: dt.tzinfo) -> dict[str, Any]:
    """The contract's `status --json` shape."""
    return {
        "period": status.period.code,
        "label": status.period.label,
        "deadline": status.period.deadline.astimezone(tz).isoformat(),
        "closed": status.closed,
        "counts": dict(status.counts()),
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                "kind": unit.kind,
                "parent": unit.parent,
                "state": unit.state,
                "late": unit.late,
                "submitted_at": unit.submitted_at.astimezone(tz).isoformat()
                if unit.submitted_at
                else None,
                "answered": unit.answered,
                "total": unit.total,
                "reachable": unit.reachable,
                "linked": unit.linked,
                "version": unit.version,
                "returned_reason": unit.returned_reason,
            }
            for unit in status.units
        ],
    }


@app.command("status")
@user_errors
def status_command(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option(help="period code such as 2024-Q1")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Submission status per unit for a period (default: the one whose deadline is nearest)."""
    cli = context_of(ctx)
    config = load_config(cli)
    settings = cli.settings

    async def work(session_factory: SessionFactory) -> PeriodStatus:
        service = StatusService(session_factory, config, cli.clock, settings.tz)
        return await service.district_status(period)

    status = run_async(with_database(settings, work))
    if as_json:
        print_json(status_json(status, settings.tz))
        return
    counts = status.counts()
    deadline = status.period.deadline.astimezone(settings.tz)
    headline = cli_words.STATUS_HEADLINE.format(
        label=status.period.label,
        code=status.period.code,
        deadline=f"{deadline:%d/%m/%Y}",
        closed=cli_words.STATUS_CLOSED if status.closed else "",
    )
    console.print(headline, markup=False)
    console.print(
        cli_words.STATUS_COUNTS.format(
            on_time=counts["submitted_on_time"],
            late=counts["submitted_late"],
            draft=counts["draft"],
            not_started=counts["not_started"],
            returned=counts["returned"],
            unreachable=counts["unreachable"],
        ),
        markup=False,
    )
    table = new_table(cli_words.STATUS_COLUMNS)
    for unit in status.units:
        table.add_row(
            unit.code,
            unit.name,
            unit.kind,
            unit.state,
            f"{unit.answered}/{unit.total}",
            f"{unit.submitted_at.astimezone(settings.tz):%d/%m %H:%M}"
            if unit.submitted_at
            else "—",
            cli_words.STATUS_LATE if unit.late else "",
            "" if unit.reachable else (cli_words.STATUS_UNLINKED if not unit.linked else "403"),
        )
    console.print(table)


def export_data(cli: CliContext, config: Configuration, period: str) -> ExportData:
    """The period's aggregate, read in one transaction (`export`, `district-report`)."""

    async def work(session_factory: SessionFactory) -> ExportData:
        service = ExportService(session_factory, config, cli.clock, cli.settings.tz)
        return await service.export_data(period.upper())

    return run_async(with_database(cli.settings, work))


def print_written(path: Path, data: ExportData) -> None:
    """Say which file was written, of which period, and how many units submitted."""
    submitted = sum(1 for unit in data.units if unit.counted)
    console.print(
        f"wrote {path} ({data.period.label}: {len(data.units)} units, {submitted} submitted)",
        markup=False,
    )


@app.command("export")
@user_errors
def export_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="period code such as 2024-Q1")],
    out: Annotated[
        Path,
        typer.Option(
            help="output file: .xlsx (workbook), .csv (per-unit table) or .docx (report draft)"
        ),
    ],
) -> None:
    """Write the period's aggregate: XLSX workbook, per-unit CSV, or the DOCX report draft."""
    cli = context_of(ctx)
    config = load_config(cli)
    suffix = out.suffix.lower()
    if suffix == DOCX_EXTENSION:
        district_report_command(ctx, period, out)
        return
    if suffix not in (".xlsx", ".csv"):
        raise CliError(f"--out must end in .xlsx, .csv or .docx, not {out.name!r}")

    data = export_data(cli, config, period)
    if suffix == ".xlsx":
        workbook.write_xlsx(data, out)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            csv_table.write_csv(data, handle)  # writes the BOM itself
    print_written(out, data)


@app.command("district-report")
@user_errors
def district_report_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="period code such as 2024-Q1")],
    out: Annotated[Path, typer.Option(help="output file, .docx (a directory: the usual name)")],
) -> None:
    """Draft the district's periodic CCHC report of a period as a Word document."""
    cli = context_of(ctx)
    config = load_config(cli)
    try:
        outline = load_outline(config.directory, config.questionnaire, config.units.organisation)
    except OutlineError as exc:
        for issue in exc.issues:
            error_console.print(str(issue), markup=False, soft_wrap=True)
        fail(f"the report outline has {len(exc.issues)} problem(s)")
    if not out.is_dir() and out.suffix.lower() != DOCX_EXTENSION:
        raise CliError(f"--out must end in .docx, not {out.name!r}")

    data = export_data(cli, config, period)
    target = out / report_filename(data, outline) if out.is_dir() else out
    write_district_report(data, outline, target)
    print_written(target, data)
