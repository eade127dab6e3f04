"""Phòng Nội vụ's commands: /close, /reopen, /export here; the buttons' dispatcher; registration."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from cchc_bot.access import Actor, Role
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.texts import chat_accounts, chat_coordinator
from handlers.telegram import (
    arguments,
    callback_data,
    consolidation,
    draft_report,
    nudges,
    returns,
    status,
    unit_view,
)
from handlers.telegram.auth import for_roles
from handlers.telegram.callback_data import (
    RemindCancel,
    RemindConfirm,
    ReturnCancel,
    ReturnStart,
    StatusPage,
)
from handlers.telegram.context import CchcApplication, CchcContext
from handlers.telegram.heavy import heavy_job
from handlers.telegram.period_files import FileKind, send_period_file, split_kind


async def set_period(update: Update, context: CchcContext, actor: Actor, *, open_: bool) -> None:
    """Close or reopen a period."""
    message = update.effective_message
    assert message is not None
    code = await arguments.period_or_refuse(message, context.runtime, context.args or [])
    if code is None:
        return
    if not code:
        command = "reopen" if open_ else "close"
        await message.reply_text(
            chat_coordinator.PERIOD_USAGE.format(command=command), parse_mode=ParseMode.HTML
        )
        return
    try:
        result = await context.runtime.coordination.set_period_state(actor, code, open_=open_)
    except UnknownPeriodError:
        await arguments.unknown_period(message, code)
        return
    if not result.changed:
        await message.reply_text(
            chat_coordinator.PERIOD_UNCHANGED.format(label=result.period.label)
        )
        return
    template = (
        chat_coordinator.PERIOD_REOPENED_DONE if open_ else chat_coordinator.PERIOD_CLOSED_DONE
    )
    await message.reply_text(template.format(label=result.period.label))


@for_roles(Role.COORDINATOR)
async def close_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """/close PERIOD: no more submissions for the period."""
    await set_period(update, context, actor, open_=False)


@for_roles(Role.COORDINATOR)
async def reopen_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """/reopen PERIOD: accept submissions again."""
    await set_period(update, context, actor, open_=True)


@for_roles(Role.COORDINATOR)
@heavy_job
async def export_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Send the period's XLSX aggregate, or with "docx" the report draft ("/export Q1 docx")."""
    message = update.effective_message
    assert message is not None
    kind, args = split_kind(context.args or [], FileKind.XLSX)
    await send_period_file(message, context, actor, args, kind)


@for_roles(Role.COORDINATOR)
async def coordinator_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """Every coordinator button: decoded by the codec; forged or malformed data gets a toast."""
    query = update.callback_query
    assert query is not None
    payload = callback_data.decode(query.data)
    match payload:
        case StatusPage():
            await status.status_page_button(update, context, actor, payload)
        case ReturnStart():
            await returns.return_button(update, context, actor, payload)
        case ReturnCancel():
            await returns.return_cancel_button(update, context, actor)
        case RemindConfirm() | RemindCancel():
            await nudges.remind_button(update, context, actor, payload)
        case None:
            await query.answer(chat_accounts.STALE_BUTTON)


def register(application: CchcApplication) -> None:
    """Attach the coordinator handlers (before the report handlers take free text)."""
    application.add_handler(CommandHandler(["status", "tinhtrang"], status.status_command))
    application.add_handler(CommandHandler(["remind", "nhacnho"], nudges.remind_command))
    application.add_handler(CommandHandler(["return", "tralai"], returns.return_command))
    application.add_handler(CommandHandler(["view", "xem"], unit_view.view_command))
    application.add_handler(CommandHandler(["close", "dongky"], close_command))
    application.add_handler(CommandHandler(["reopen", "moky"], reopen_command))
    application.add_handler(CommandHandler(["export", "xuat"], export_command))
    application.add_handler(
        CommandHandler(["draftreport", "duthao"], draft_report.draft_report_command)
    )
    application.add_handler(
        CommandHandler(["consolidate", "tonghop"], consolidation.consolidate_command)
    )
    application.add_handler(CallbackQueryHandler(coordinator_button, pattern=callback_data.PATTERN))
