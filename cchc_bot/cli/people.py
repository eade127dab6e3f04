"""`invite`, `invites`, `revoke-invite`, `members`, `revoke`: who may use the bot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from telegram.error import TelegramError

from cchc_bot.access import Actor, Role
from cchc_bot.cli.base import (
    CliError,
    app,
    console,
    context_of,
    new_table,
    print_json,
    run_async,
    say,
    user_errors,
    with_database,
)
from cchc_bot.cli.telegram_side import telegram_side
from cchc_bot.config.organisation import organisation_of
from cchc_bot.exports.spreadsheet import neutralise_cell
from cchc_bot.ops.settings import MissingTokenError, Settings
from cchc_bot.services.accounts import (
    DEFAULT_INVITE_DAYS,
    AccountError,
    AccountService,
    CreatedInvite,
)
from cchc_bot.services.directory import list_members
from cchc_bot.texts import cli as cli_words
from db.session import SessionFactory


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
        "scope": invite.scope_code,
    }


def write_invite_sheet(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write the printable invite sheet: UTF-8 with BOM so Excel shows Vietnamese correctly."""
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(cli_words.INVITE_SHEET_COLUMNS)
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
    scope: Annotated[
        str | None,
        typer.Option(help="coordinators: the unit whose subtree they act on (default: all)"),
    ] = None,
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
    if scope is not None and all_units:
        raise CliError("--scope is for one coordinator invite; it does not go with --all")
    if qr is not None and all_units:
        raise CliError("--qr makes one QR code; use it with a single invite")
    username = run_async(resolve_bot_username(settings))

    async def work(session_factory: SessionFactory) -> list[CreatedInvite]:
        service = AccountService(session_factory, cli.clock)
        if all_units:
            return await service.create_invites_for_all_units(role, expires_days=expires)
        return [await service.create_invite(role, unit, expires_days=expires, scope=scope)]

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
    office = organisation_of(settings.config_dir).office
    for row in rows:
        who = f"{row['unit']} ({row['unit_name']})" if row["unit"] else office
        if row["scope"]:
            who = f"{who}, scope {row['scope']}"
        console.print(f"{row['role']} — {who}", markup=False)
        say(f"  link:  {row['link']}")
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
    table = new_table(
        ("id", "role", "unit", "expires_at", "status", "used_by"), title=cli_words.INVITES_TITLE
    )
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
    table = new_table(
        ("telegram_user_id", "name", "role", "unit", "reachable", "linked_at"),
        title=cli_words.MEMBERS_TITLE,
    )
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

    try:
        run_async(telegram_side().reset_member_menu(settings, telegram_user_id))
    except TelegramError as exc:
        console.print(f"note: could not reset the command menu on Telegram ({exc})", markup=False)
