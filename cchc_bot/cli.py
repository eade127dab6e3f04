"""The `cchc-bot` command line (CONTRACT.md): operator commands that need no Telegram."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from cchc_bot import calendar
from cchc_bot.clock import Clock, system_clock
from cchc_bot.config.loading import (
    Configuration,
    ConfigurationError,
    check_configuration,
    load_configuration,
)
from cchc_bot.services.config_sync import SyncReport, sync_configuration
from cchc_bot.services.directory import list_units
from cchc_bot.settings import MissingTokenError, Settings
from db.migrate import current_revision, head_revision, upgrade_schema
from db.session import SessionFactory, create_engine, create_session_factory

P = ParamSpec("P")
T = TypeVar("T")

app = typer.Typer(
    name="cchc-bot",
    help="CCHC Bot: the CCHC reporting cycle of huyện Trần Đề on Telegram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)


class CliError(Exception):
    """A user error: printed as one line, exit code 1, no traceback."""


@dataclass
class CliContext:
    """What every command shares: settings (built lazily) and the clock."""

    clock: Clock = system_clock
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """Build the settings on first use, so a bad variable is reported clearly."""
        if self._settings is None:
            try:
                self._settings = Settings()
            except ValidationError as exc:
                problems = "; ".join(
                    f"CCHC_{'.'.join(str(part) for part in err['loc']).upper()}: {err['msg']}"
                    for err in exc.errors()
                )
                raise CliError(f"invalid settings: {problems}") from exc
        return self._settings

    def today(self) -> dt.date:
        """Today's date in the configured zone."""
        return self.clock().astimezone(self.settings.tz).date()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line reason to stderr and exit non-zero."""
    error_console.print(f"[red]Lỗi / error:[/red] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


def user_errors(function: Callable[P, T]) -> Callable[P, T]:
    """Turn the errors a user can cause into one-line messages instead of tracebacks."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return function(*args, **kwargs)
        except ConfigurationError as exc:
            for issue in exc.issues:
                error_console.print(str(issue), markup=False, soft_wrap=True)
            fail(f"the configuration has {len(exc.issues)} problem(s); run `cchc-bot check-config`")
        except (CliError, MissingTokenError, calendar.UnknownPeriodError) as exc:
            fail(str(exc))
        except SQLAlchemyError as exc:
            fail(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}")

    return wrapper


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a synchronous command."""
    return asyncio.run(coroutine)


def context_of(ctx: typer.Context) -> CliContext:
    """The shared command context."""
    obj = ctx.obj
    if not isinstance(obj, CliContext):
        obj = CliContext()
        ctx.obj = obj
    return obj


def load_config(cli: CliContext, directory: Path | None = None) -> Configuration:
    """Load the configuration folder (settings' by default)."""
    return load_configuration(directory or cli.settings.config_dir)


async def with_database(
    settings: Settings,
    work: Callable[[SessionFactory], Awaitable[T]],
    *,
    require_schema: bool = True,
) -> T:
    """Open the database, check the schema is current, run `work`, and dispose the engine."""
    engine = create_engine(settings.database_url)
    try:
        if require_schema:
            current = await current_revision(engine)
            if current != head_revision():
                raise CliError(
                    f"the database schema is at {current or 'nothing'}, not {head_revision()}: "
                    "run `cchc-bot init` first"
                )
        return await work(create_session_factory(engine))
    finally:
        await engine.dispose()


def print_json(data: Any) -> None:
    """Print machine-readable output."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.callback()
def root(ctx: typer.Context) -> None:
    """CCHC Bot: the CCHC reporting cycle of huyện Trần Đề on Telegram."""
    context_of(ctx)


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
    issues = check_configuration(folder)
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
        (
            "new questionnaire version",
            report.questionnaire_version if report.questionnaire_added else "",
        ),
        ("periods added", f"{len(report.periods_added)}" if report.periods_added else ""),
    ]
    for label, value in lines:
        if value:
            console.print(f"{label}: {value}", markup=False, soft_wrap=True)


@app.command("init")
@user_errors
def init_command(ctx: typer.Context) -> None:
    """Create or upgrade the schema and sync units, questionnaire and schedule (idempotent)."""
    cli = context_of(ctx)
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
    periods = calendar.build_periods(config.schedule, year or cli.today().year, cli.settings.tz)
    if as_json:
        print_json(calendar.calendar_json(periods))
        return
    table = Table(title=f"Lịch báo cáo CCHC năm {year or cli.today().year}")
    for column in ("Kỳ", "Tên", "Số liệu từ", "đến", "Hạn nộp", "Mở nhập", "Đóng", "Nhắc việc"):
        table.add_column(column)
    for period in periods:
        table.add_row(
            period.code,
            period.label,
            calendar.format_day(period.window_start),
            calendar.format_day(period.window_end),
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
                    "members": [
                        {"telegram_user_id": m.telegram_user_id, "name": m.name, "role": m.role}
                        for m in unit.members
                    ],
                }
                for unit in units
            ]
        )
        return
    table = Table(title="Đơn vị báo cáo")
    for column in ("Mã", "Tên", "Loại", "Hoạt động", "Tài khoản đã liên kết"):
        table.add_column(column)
    for unit in units:
        table.add_row(
            unit.code,
            unit.name,
            unit.kind,
            "có" if unit.active else "không",
            ", ".join(f"{m.name} ({m.role})" for m in unit.members) or "—",
        )
    console.print(table)
