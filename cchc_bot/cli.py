"""The `cchc-bot` command line (CONTRACT.md): operator commands that need no Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from cchc_bot import calendar, examples, workbook
from cchc_bot.access import Role
from cchc_bot.aggregation import ExportData
from cchc_bot.clock import Clock, system_clock
from cchc_bot.config.loading import (
    Configuration,
    ConfigurationError,
    check_configuration,
    load_configuration,
)
from cchc_bot.documents.district_report import DOCX_EXTENSION, report_filename
from cchc_bot.documents.district_report import write as write_district_report
from cchc_bot.documents.outline import OutlineError, check_outline_of, load_outline
from cchc_bot.logs import TokenRedactingFilter
from cchc_bot.services.accounts import (
    DEFAULT_INVITE_DAYS,
    AccountError,
    AccountService,
    CreatedInvite,
)
from cchc_bot.services.config_sync import SyncReport, sync_configuration
from cchc_bot.services.directory import list_members, list_units
from cchc_bot.services.exports import ExportService
from cchc_bot.services.status import PeriodStatus, StatusService
from cchc_bot.settings import MissingTokenError, Settings, bundled_config_dir
from cchc_bot.spreadsheet import neutralise_cell
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


@contextlib.contextmanager
def startup_faults(secrets: list[str]) -> Iterator[None]:
    """Turn an unexpected error that stops the bot into one line naming it, secrets scrubbed.

    The traceback goes to the log at DEBUG only (scrubbed too): a start-up fault is usually a
    setting (a mistyped URL, an unreachable server), and its traceback would print the Bot API
    URL, which carries the token.
    """
    try:
        yield
    except (CliError, typer.Exit, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        redactor = TokenRedactingFilter(secrets)
        logging.getLogger("cchc_bot").debug("the bot stopped on an error", exc_info=exc)
        detail = redactor.redact(" ".join(str(exc).split()))[:300]
        raise CliError(f"the bot stopped: {type(exc).__name__}: {detail}") from None


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
            console.print(f"{label}: {value}", markup=False, soft_wrap=True)


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
    console.print(
        f"example {name}: copied {', '.join(copied) or 'nothing (already there)'} into {target}",
        markup=False,
        soft_wrap=True,
    )


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


async def resolve_bot_username(settings: Settings) -> str:
    """The bot's @username for deep links: from settings, else asked from getMe."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    from cchc_bot.telegram_request import one_shot_bot

    try:
        token = settings.require_token()
    except MissingTokenError as exc:
        raise CliError(
            "set CCHC_BOT_USERNAME (or CCHC_BOT_TOKEN, to ask Telegram) to print invite links"
        ) from exc
    async with one_shot_bot(settings, token) as bot:
        me = await bot.get_me()
    if not me.username:
        raise CliError("Telegram returned no username for this bot; set CCHC_BOT_USERNAME")
    return me.username


def invite_link(username: str, token: str) -> str:
    """The t.me deep link that opens the bot with `/start TOKEN`."""
    return f"https://t.me/{username}?start={token}"


def invite_json(invite: CreatedInvite, link: str, tz: dt.tzinfo) -> dict[str, Any]:
    """An invite in the contract's `invite --json` shape."""
    return {
        "token": invite.token,
        "link": link,
        "role": invite.role.value,
        "unit": invite.unit_code,
        "unit_name": invite.unit_name,
        "expires_at": invite.expires_at.astimezone(tz).isoformat(),
    }


def write_invite_sheet(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write the printable invite sheet: UTF-8 with BOM so Excel shows Vietnamese correctly."""
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Mã đơn vị", "Tên đơn vị", "Vai trò", "Đường liên kết", "Mã mời", "Hết hạn"]
        )
        for row in rows:
            writer.writerow(
                [
                    neutralise_cell(str(row["unit"] or "")),
                    neutralise_cell(str(row["unit_name"] or "")),
                    row["role"],
                    row["link"],
                    row["token"],
                    row["expires_at"],
                ]
            )


def write_qr_png(path: Path, link: str) -> None:
    """Save a QR code of the link as PNG, for invitations handed out on paper."""
    import qrcode

    image = qrcode.make(link)
    image.save(str(path))


@app.command("invite")
@user_errors
def invite_command(
    ctx: typer.Context,
    role: Annotated[Role, typer.Option(help="head, staff or coordinator")],
    unit: Annotated[str | None, typer.Option(help="unit code (not for coordinators)")] = None,
    all_units: Annotated[bool, typer.Option("--all", help="one invite per active unit")] = False,
    expires: Annotated[
        int, typer.Option(help="days until the invite expires")
    ] = DEFAULT_INVITE_DAYS,
    out: Annotated[Path | None, typer.Option(help="with --all: write a CSV sheet to print")] = None,
    qr: Annotated[Path | None, typer.Option(help="write a QR code PNG of the link")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Create single-use invites; prints the token and the t.me link (the token is not stored)."""
    cli = context_of(ctx)
    settings = cli.settings
    if all_units and unit is not None:
        raise CliError("use either --unit CODE or --all, not both")
    if qr is not None and all_units:
        raise CliError("--qr makes one QR code; use it with a single invite")
    username = run_async(resolve_bot_username(settings))

    async def work(session_factory: SessionFactory) -> list[CreatedInvite]:
        service = AccountService(session_factory, cli.clock)
        if all_units:
            return await service.create_invites_for_all_units(role, expires_days=expires)
        return [await service.create_invite(role, unit, expires_days=expires)]

    try:
        invites = run_async(with_database(settings, work))
    except AccountError as exc:
        raise CliError(str(exc)) from exc
    rows = [invite_json(item, invite_link(username, item.token), settings.tz) for item in invites]
    if out is not None:
        write_invite_sheet(out, rows)
    if qr is not None:
        write_qr_png(qr, rows[0]["link"])
    if as_json:
        print_json(rows if all_units else rows[0])
        return
    for row in rows:
        who = f"{row['unit']} ({row['unit_name']})" if row["unit"] else "Phòng Nội vụ"
        console.print(f"{row['role']} — {who}", markup=False)
        console.print(f"  link:  {row['link']}", markup=False, soft_wrap=True)
        console.print(f"  token: {row['token']}  (expires {row['expires_at']})", markup=False)
    if out is not None:
        console.print(f"wrote {len(rows)} invites to {out}", markup=False)


@app.command("invites")
@user_errors
def invites_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """List invites with their status (open, used, expired, revoked); tokens are never shown."""
    cli = context_of(ctx)
    views = run_async(
        with_database(cli.settings, lambda sf: AccountService(sf, cli.clock).list_invites())
    )
    data = [
        {
            "id": view.invite_id,
            "role": view.role.value,
            "unit": view.unit_code,
            "created_at": view.created_at.astimezone(cli.settings.tz).isoformat(),
            "expires_at": view.expires_at.astimezone(cli.settings.tz).isoformat(),
            "status": view.status,
            "used_by_telegram_user_id": view.used_by_telegram_user_id,
        }
        for view in views
    ]
    if as_json:
        print_json(data)
        return
    table = Table(title="Mã mời")
    for column in ("id", "role", "unit", "expires_at", "status", "used_by"):
        table.add_column(column)
    for view in views:
        table.add_row(
            str(view.invite_id),
            view.role.value,
            view.unit_code or "—",
            view.expires_at.astimezone(cli.settings.tz).strftime("%d/%m/%Y %H:%M"),
            view.status,
            str(view.used_by_telegram_user_id or ""),
        )
    console.print(table)


@app.command("revoke-invite")
@user_errors
def revoke_invite_command(
    ctx: typer.Context, invite_id: Annotated[int, typer.Argument(help="id from `cchc-bot invites`")]
) -> None:
    """Make an unused invite unusable."""
    cli = context_of(ctx)
    try:
        run_async(
            with_database(
                cli.settings, lambda sf: AccountService(sf, cli.clock).revoke_invite(invite_id)
            )
        )
    except AccountError as exc:
        raise CliError(str(exc)) from exc
    console.print(f"invite {invite_id} revoked", markup=False)


@app.command("members")
@user_errors
def members_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """List linked accounts with role, unit and reachability."""
    cli = context_of(ctx)
    members = run_async(with_database(cli.settings, list_members))
    data = [
        {
            "telegram_user_id": m.telegram_user_id,
            "name": m.name,
            "role": m.role,
            "unit": m.unit,
            "reachable": m.reachable,
            "linked_at": m.linked_at.astimezone(cli.settings.tz).isoformat(),
        }
        for m in members
    ]
    if as_json:
        print_json(data)
        return
    table = Table(title="Tài khoản đã liên kết")
    for column in ("telegram_user_id", "name", "role", "unit", "reachable", "linked_at"):
        table.add_column(column)
    for member in members:
        table.add_row(
            str(member.telegram_user_id),
            member.name,
            member.role,
            member.unit or "—",
            "yes" if member.reachable else "NO (403)",
            member.linked_at.astimezone(cli.settings.tz).strftime("%d/%m/%Y %H:%M"),
        )
    console.print(table)


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
    closed = " — đã đóng" if status.closed else ""
    console.print(
        f"{status.period.label} ({status.period.code}), hạn {deadline:%d/%m/%Y}{closed}",
        markup=False,
    )
    console.print(
        f"đúng hạn {counts['submitted_on_time']} · muộn {counts['submitted_late']} · "
        f"đang nhập {counts['draft']} · chưa bắt đầu {counts['not_started']} · "
        f"bị trả lại {counts['returned']} · không liên lạc được {counts['unreachable']}",
        markup=False,
    )
    table = Table()
    for column in ("Mã", "Đơn vị", "Loại", "Tình trạng", "Tiến độ", "Nộp lúc", "Muộn", "Liên lạc"):
        table.add_column(column)
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
            "muộn" if unit.late else "",
            "" if unit.reachable else ("chưa liên kết" if not unit.linked else "403"),
        )
    console.print(table)


@app.command("export")
@user_errors
def export_command(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="period code such as 2024-Q1")],
    out: Annotated[
        Path, typer.Option(help="output file: .xlsx (workbook) or .csv (per-unit table)")
    ],
) -> None:
    """Write the period's aggregate: the XLSX workbook, or the per-unit table as CSV."""
    cli = context_of(ctx)
    config = load_config(cli)
    settings = cli.settings
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise CliError(f"--out must end in .xlsx or .csv, not {out.name!r}")

    async def work(session_factory: SessionFactory) -> ExportData:
        service = ExportService(session_factory, config, cli.clock, settings.tz)
        return await service.export_data(period.upper())

    data = run_async(with_database(settings, work))
    if suffix == ".xlsx":
        workbook.write_xlsx(data, out)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            workbook.write_csv(data, handle)  # writes the BOM itself
    submitted = sum(1 for unit in data.units if unit.counted)
    console.print(
        f"wrote {out} ({data.period.label}: {len(data.units)} units, {submitted} submitted)",
        markup=False,
    )


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
    settings = cli.settings
    try:
        outline = load_outline(config.directory, config.questionnaire)
    except OutlineError as exc:
        for issue in exc.issues:
            error_console.print(str(issue), markup=False, soft_wrap=True)
        fail(f"the report outline has {len(exc.issues)} problem(s)")
    if not out.is_dir() and out.suffix.lower() != DOCX_EXTENSION:
        raise CliError(f"--out must end in .docx, not {out.name!r}")

    async def work(session_factory: SessionFactory) -> ExportData:
        service = ExportService(session_factory, config, cli.clock, settings.tz)
        return await service.export_data(period.upper())

    data = run_async(with_database(settings, work))
    target = out / report_filename(data, outline) if out.is_dir() else out
    write_district_report(data, outline, target)
    submitted = sum(1 for unit in data.units if unit.counted)
    console.print(
        f"wrote {target} ({data.period.label}: {len(data.units)} units, {submitted} submitted)",
        markup=False,
    )
