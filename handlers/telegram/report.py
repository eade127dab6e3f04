"""/report and everything typed or pressed while a draft is open: thin calls to ReportService."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from cchc_bot import date_format
from cchc_bot.access import Actor, Role
from cchc_bot.conversation import ButtonPress, QuestionView, SummaryView, TextInput
from cchc_bot.services.attachments import (
    ALLOWED_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
    kind_label,
    shown_name,
    suffix_of,
)
from cchc_bot.services.reports import ReportOutcome, ReportResult, Screen
from cchc_bot.texts import chat_accounts, chat_common, chat_coordinator, chat_report
from handlers.telegram import report_lines, report_views, returns, unit_document
from handlers.telegram.auth import current_actor, for_roles, refuse
from handlers.telegram.context import CchcApplication, CchcContext
from handlers.telegram.notify import notify_all
from handlers.telegram.reminder_delivery import REPORT_CALLBACK

logger = logging.getLogger(__name__)

UNIT_ROLES = (Role.HEAD, Role.STAFF)


async def send_screen(
    message: Message, context: CchcContext, screen: Screen, *, opening: bool = False
) -> None:
    """Show a question, or a summary split across messages with the buttons on the last.

    `opening`: the report was just opened, so its period, deadline and length come first.
    """
    view = screen.view
    intro = report_lines.opening(screen, context.runtime.clock()) if opening else ""
    if isinstance(view, QuestionView):
        text, markup = report_views.render_question(screen, view, opening=intro)
        await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        return
    chunks, markup = report_views.render_summary(screen, view, opening=intro)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await message.reply_text(
            chunk, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )


async def show_result(
    message: Message, context: CchcContext, result: ReportResult, *, opening: bool = False
) -> None:
    """Render whatever a report call produced (`opening`: the report was just opened)."""
    runtime = context.runtime
    match result.outcome:
        case ReportOutcome.SCREEN | ReportOutcome.STALE if result.screen is not None:
            screen = result.screen
            if result.outcome is ReportOutcome.STALE:
                await message.reply_text(chat_report.REPORT_STALE)
                screen = report_views.brief_screen(screen)
            await send_screen(message, context, screen, opening=opening)
        case ReportOutcome.CHOOSE_PERIOD:
            text, markup = report_views.render_period_choice(result.options)
            await message.reply_text(text, reply_markup=markup)
        case ReportOutcome.NO_OPEN_PERIOD:
            text = chat_report.REPORT_NO_OPEN_PERIOD
            if result.next_period is not None:
                upcoming = result.next_period
                text += "\n" + chat_report.REPORT_NEXT_PERIOD.format(
                    label=upcoming.label,
                    opens=date_format.format_day(upcoming.opens_at.date()),
                    deadline=date_format.format_day(upcoming.due_date),
                )
            await message.reply_text(text, parse_mode=ParseMode.HTML)
        case ReportOutcome.PERIOD_CLOSED:
            await message.reply_text(chat_report.REPORT_PERIOD_CLOSED)
        case ReportOutcome.NOT_IN_REPORT:
            await message.reply_text(chat_report.REPORT_NOT_IN_REPORT)
        case ReportOutcome.SUBMITTED if result.receipt is not None and result.period is not None:
            if result.receipt.awaiting_approval:
                await message.reply_text(
                    chat_report.REPORT_AWAITING.format(label=result.period.label)
                )
                await ask_heads_to_approve(context, result)
            else:
                deadline = date_format.format_datetime(result.period.deadline)
                await message.reply_text(
                    report_views.render_receipt(result.receipt, deadline, runtime.settings.tz),
                    parse_mode=ParseMode.HTML,
                )
                if result.notify_returner is not None:
                    await notify_all(
                        context,
                        [result.notify_returner],
                        chat_coordinator.REVISION_ARRIVED.format(
                            unit=chat_common.html(result.receipt.unit_name),
                            label=result.period.label,
                            version=result.receipt.version,
                        ),
                    )
                # Last: the DOCX (and PDF) take seconds; nobody else waits for them.
                await unit_document.send_unit_report(message, context, result.submission_id)
        case ReportOutcome.ALREADY_SUBMITTED | ReportOutcome.AWAITING_APPROVAL if result.receipt:
            await show_already_submitted(message, context, result)
        case _:
            await message.reply_text(chat_report.REPORT_NOT_IN_REPORT)


async def show_already_submitted(
    message: Message, context: CchcContext, result: ReportResult
) -> None:
    """Say the report was sent, and offer a revision while that is allowed."""
    receipt = result.receipt
    assert receipt is not None
    if result.outcome is ReportOutcome.AWAITING_APPROVAL:
        await message.reply_text(
            chat_report.REPORT_WAITING_APPROVAL.format(label=receipt.period_label)
        )
        return
    text = chat_report.REPORT_ALREADY.format(
        label=receipt.period_label,
        unit=chat_common.html(receipt.unit_name),
        at=date_format.format_datetime(receipt.submitted_at, context.runtime.settings.tz),
        version=receipt.version,
    )
    markup = None
    if result.can_revise:
        text += "\n" + chat_report.REPORT_CAN_REVISE
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        chat_report.REPORT_REVISE_BUTTON,
                        callback_data=f"{report_views.REVISE_PREFIX}|{result.submission_id}",
                    )
                ]
            ]
        )
    else:
        text += "\n" + chat_common.with_names(
            chat_report.REPORT_CANNOT_REVISE, context.organisation
        )
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


def approval_request(result: ReportResult) -> tuple[str, InlineKeyboardMarkup]:
    """The message asking the unit's heads to approve a prepared report, with its buttons."""
    assert result.period is not None
    assert result.receipt is not None
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    chat_report.APPROVE_BUTTON,
                    callback_data=f"{report_views.APPROVE_PREFIX}|{result.submission_id}|1",
                ),
                InlineKeyboardButton(
                    chat_report.SEND_BACK_BUTTON,
                    callback_data=f"{report_views.APPROVE_PREFIX}|{result.submission_id}|0",
                ),
            ]
        ]
    )
    text = chat_report.APPROVAL_REQUEST.format(
        label=result.period.label, unit=chat_common.html(result.receipt.unit_name)
    )
    return text, markup


async def ask_heads_to_approve(context: CchcContext, result: ReportResult) -> None:
    """Send the unit's heads the prepared report with Duyệt / Trả lại buttons."""
    text, markup = approval_request(result)
    await notify_all(context, result.notify_member_ids, text, html=True, reply_markup=markup)


@for_roles(*UNIT_ROLES)
async def report_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Start or resume the unit's report."""
    assert update.effective_message is not None
    result = await context.runtime.reports.start(actor)
    await show_result(update.effective_message, context, result, opening=True)


@for_roles(*UNIT_ROLES)
async def cancel_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Leave the conversation; the draft stays."""
    assert update.effective_message is not None
    had = await context.runtime.reports.cancel(actor)
    await update.effective_message.reply_text(
        chat_report.REPORT_CANCELLED if had else chat_report.REPORT_CANCEL_NOTHING
    )


async def text_message(update: Update, context: CchcContext) -> None:
    """A typed answer when a draft is open; otherwise say what to do next."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if message.forward_origin is not None:
        if await unit_member_or_idle(update, context, message) is not None:
            await message.reply_text(chat_report.REPORT_FORWARD_IGNORED)
        return
    # One transaction resolves the account, checks its role and applies the answer.
    user_id = update.effective_user.id if update.effective_user else message.chat_id
    result = await context.runtime.reports.answer_from(user_id, TextInput(message.text))
    if result.outcome in (ReportOutcome.NOT_LINKED, ReportOutcome.NOT_IN_REPORT):
        actor = result.actor  # a coordinator may be giving the reason the bot asked for
        if (
            actor is not None
            and actor.is_coordinator
            and await returns.answer_prompt(message, context, actor)
        ):
            return
        await idle_reply(message, result.actor)
        return
    await show_result(message, context, result)


async def unit_member_or_idle(
    update: Update, context: CchcContext, message: Message
) -> Actor | None:
    """The head or staff member writing; anyone else is told what they can do instead."""
    actor = await current_actor(update, context)
    if actor is None or actor.role not in UNIT_ROLES:
        await idle_reply(message, actor)
        return None
    return actor


async def idle_reply(message: Message, actor: Actor | None) -> None:
    """The reply to a message when nothing is being asked."""
    if actor is None:
        await message.reply_text(chat_accounts.NOT_LINKED)
    elif actor.is_coordinator:
        await message.reply_text(chat_accounts.IDLE_COORDINATOR)
    else:
        await message.reply_text(chat_accounts.IDLE_UNIT_MEMBER)


def kind_of(message: Message) -> str:
    """Which kind of non-text message this is, for a specific reply."""
    for kind in ("sticker", "photo", "voice", "video", "location", "contact"):
        if getattr(message, kind):
            return kind
    return "other"


async def other_message(update: Update, context: CchcContext) -> None:
    """Stickers, photos, voice, locations, contacts: explain, and show the question again."""
    message = update.effective_message
    if message is None:
        return
    actor = await unit_member_or_idle(update, context, message)
    if actor is None:
        return
    reports = context.runtime.reports
    current = await reports.current_screen(actor)
    if current.outcome is not ReportOutcome.SCREEN:
        await idle_reply(message, actor)
        return
    await message.reply_text(
        chat_report.REPORT_NON_TEXT[kind_of(message)] + " " + chat_report.REPORT_TYPE_ANSWER
    )
    if current.screen is not None:
        current = replace(current, screen=report_views.brief_screen(current.screen))
    await show_result(message, context, current)


async def edited_message(update: Update, context: CchcContext) -> None:
    """An edited message changes nothing: say how to change an answer."""
    message = update.edited_message
    if message is None:
        return
    actor = await current_actor(update, context)
    if (
        actor is not None
        and actor.role in UNIT_ROLES
        and await context.runtime.reports.in_report(actor)
    ):
        await message.reply_text(chat_report.REPORT_EDITED_IGNORED)


async def document_message(update: Update, context: CchcContext) -> None:
    """The signed report file: checked, downloaded and stored with its hash."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    actor = await unit_member_or_idle(update, context, message)
    if actor is None:
        return
    document = message.document
    name = document.file_name or "tep"
    reports = context.runtime.reports
    if document.file_size is not None and document.file_size > MAX_ATTACHMENT_BYTES:
        await message.reply_text(chat_report.ATTACHMENT_REFUSED["size"])
        return
    suffix = suffix_of(name)
    if suffix not in ALLOWED_ATTACHMENTS:
        await message.reply_text(chat_report.ATTACHMENT_REFUSED["type"])
        return
    file = await document.get_file()
    content = bytes(await file.download_as_bytearray())
    result = await reports.attach(actor, name, document.mime_type or "", content)
    if not result.accepted:
        refusal = chat_report.ATTACHMENT_REFUSED.get(
            result.reason or "", chat_report.ATTACHMENT_REFUSED["type"]
        )
        await message.reply_text(refusal.format(name=shown_name(name), kind=kind_label(suffix)))
        return
    size = (
        f"{result.size / 1024:.0f} KB"
        if result.size < 1024 * 1024
        else f"{result.size / 1048576:.1f} MB"
    )
    saved = (
        chat_report.ATTACHMENT_SAVED_AFTER_SUBMIT
        if result.after_submission
        else chat_report.ATTACHMENT_SAVED
    )
    text = saved.format(name=chat_common.html(shown_name(name)), size=size)
    markup = None
    screen = result.screen
    if screen is not None and isinstance(screen.view, SummaryView):
        # At the summary: its buttons again under the file (the summary's own still work).
        view = screen.view
        advice = (
            chat_report.ATTACHMENT_AT_SUMMARY
            if view.submit_allowed
            else chat_report.ATTACHMENT_AT_SUMMARY_BLOCKED
        )
        text += "\n" + advice
        markup = report_views.keyboard(screen, report_views.summary_buttons(view))
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def remove_buttons(update: Update) -> None:
    """Take the buttons off the message whose button was pressed (they are used up)."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest:
        logger.debug("buttons already removed")


async def report_button(update: Update, context: CchcContext) -> None:
    """A button of a question or summary: applied only if it belongs to the current screen."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    parsed = report_views.parse_callback(query.data)
    if parsed is None:
        await refuse(update, chat_accounts.STALE_BUTTON)
        return
    submission_id, token, action, argument = parsed
    result = await context.runtime.reports.answer_from(
        query.from_user.id, ButtonPress(action, argument), submission_id=submission_id, token=token
    )
    if result.outcome is ReportOutcome.NOT_LINKED:
        linked = result.actor is not None
        await refuse(
            update, chat_accounts.UNIT_MEMBERS_ONLY if linked else chat_accounts.NOT_LINKED
        )
        return
    if result.outcome in (
        ReportOutcome.STALE,
        ReportOutcome.NOT_IN_REPORT,
        ReportOutcome.ALREADY_SUBMITTED,
    ):
        await query.answer(chat_report.NOTICES["stale_button"], show_alert=True)
        await remove_buttons(update)
        return
    await query.answer()
    await remove_buttons(update)
    if isinstance(query.message, Message):
        await show_result(query.message, context, result)


@for_roles(*UNIT_ROLES)
async def period_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """A period chosen from the list, or the reminder's «Nộp báo cáo» button."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    code = None if query.data == REPORT_CALLBACK else report_views.parse_period_choice(query.data)
    if code is None and query.data != REPORT_CALLBACK:
        await refuse(update, chat_accounts.STALE_BUTTON)
        return
    await query.answer()
    result = await context.runtime.reports.start(actor, code)
    if isinstance(query.message, Message):
        await show_result(query.message, context, result, opening=True)


@for_roles(*UNIT_ROLES)
async def revise_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """Reopen a submitted report for a new version."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    submission_id = report_views.parse_revise(query.data)
    if submission_id is None:
        await refuse(update, chat_accounts.STALE_BUTTON)
        return
    await query.answer()
    await remove_buttons(update)
    result = await context.runtime.reports.revise(actor, submission_id)
    if isinstance(query.message, Message):
        await show_result(query.message, context, result)


async def approval_button(update: Update, context: CchcContext) -> None:
    """The head approves or sends back the staff's prepared report."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    actor = await current_actor(update, context)
    parsed = report_views.parse_approval(query.data)
    if actor is None or actor.role is not Role.HEAD or parsed is None:
        await refuse(
            update, chat_accounts.NOT_LINKED if actor is None else chat_accounts.STALE_BUTTON
        )
        return
    submission_id, approve = parsed
    result = await context.runtime.reports.decide_approval(actor, submission_id, approve)
    if result.period is None:
        await refuse(update, chat_accounts.STALE_BUTTON)
        return
    await query.answer()
    await remove_buttons(update)
    message = query.message if isinstance(query.message, Message) else None
    label = result.period.label
    done = chat_report.APPROVAL_DONE_FOR_STAFF if approve else chat_report.APPROVAL_BACK_FOR_STAFF
    # The staff first: the head's receipt is followed by the unit's DOCX, which takes seconds.
    await notify_all(context, result.notify_member_ids, done.format(label=label))
    if message is not None and approve:
        await show_result(message, context, result)
    elif message is not None:
        await message.reply_text(chat_report.APPROVAL_SENT_BACK.format(label=label))


NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.AUDIO
    | filters.LOCATION
    | filters.CONTACT
    | filters.ANIMATION
    | filters.POLL
    | filters.Dice.ALL
)


def register(application: CchcApplication) -> None:
    """Attach the report handlers (before the fallbacks)."""
    application.add_handler(CommandHandler(["report", "baocao"], report_command))
    application.add_handler(CommandHandler(["cancel", "huy"], cancel_command))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited_message))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, text_message)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, document_message)
    )
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & NON_TEXT, other_message))
    application.add_handler(CallbackQueryHandler(report_button, pattern=r"^r\|"))
    application.add_handler(
        CallbackQueryHandler(period_button, pattern=rf"^(rp\||{REPORT_CALLBACK}$)")
    )
    application.add_handler(CallbackQueryHandler(revise_button, pattern=r"^rv\|"))
    application.add_handler(CallbackQueryHandler(approval_button, pattern=r"^ap\|"))
