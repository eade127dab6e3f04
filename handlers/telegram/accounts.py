"""/start with and without an invite token, re-link confirmation, and role-aware /help."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from cchc_bot.access import Actor
from cchc_bot.config.organisation import Organisation
from cchc_bot.services.accounts import LinkOutcome, LinkResult, TelegramIdentity
from cchc_bot.texts import chat_accounts, chat_common
from handlers.telegram import menus, web_link
from handlers.telegram.auth import current_actor
from handlers.telegram.context import CchcApplication, CchcContext

logger = logging.getLogger(__name__)

RELINK_PREFIX = "relink:"
RELINK_NO = "relink-no"


def describe(actor: Actor, organisation: Organisation) -> str:
    """The role and unit of a linked account, for replies."""
    return chat_accounts.role_and_unit(actor.role.value, actor.unit_name, organisation)


def greeting(actor: Actor, organisation: Organisation) -> str:
    """The welcome after a successful link."""
    template = (
        chat_accounts.LINKED_COORDINATOR if actor.is_coordinator else chat_accounts.LINKED_HEAD
    )
    return template.format(
        unit=chat_common.html(actor.unit_name or ""),
        role=chat_accounts.role_label(actor.role.value, organisation),
        name=chat_common.html(actor.name),
    )


async def refresh_menu(context: CchcContext, actor: Actor) -> None:
    """Show the linked person their role's commands (a failure here must not undo the link)."""
    try:
        await menus.set_member_menu(context.bot, actor.telegram_user_id, actor.role.value)
        await web_link.set_menu_button(
            context.bot, actor.telegram_user_id, context.runtime.settings.web_url, linked=True
        )
    except TelegramError:
        logger.warning("could not set the command menu of a linked member", exc_info=True)


async def reply_to_link(
    update: Update, context: CchcContext, result: LinkResult, token: str
) -> None:
    """Answer a link attempt, whatever its outcome."""
    message = update.effective_message
    if message is None:
        return
    outcome = result.outcome
    if outcome is LinkOutcome.LINKED and result.actor is not None:
        await refresh_menu(context, result.actor)
        await message.reply_text(
            greeting(result.actor, context.organisation), parse_mode=ParseMode.HTML
        )
    elif outcome is LinkOutcome.ALREADY_LINKED and result.actor is not None:
        await message.reply_text(
            chat_accounts.ALREADY_LINKED.format(
                current=describe(result.actor, context.organisation)
            ),
            parse_mode=ParseMode.HTML,
        )
    elif outcome is LinkOutcome.CONFIRM and result.actor is not None and result.target is not None:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        chat_accounts.CONFIRM_RELINK_YES, callback_data=RELINK_PREFIX + token
                    ),
                    InlineKeyboardButton(chat_accounts.CONFIRM_RELINK_NO, callback_data=RELINK_NO),
                ]
            ]
        )
        await message.reply_text(
            chat_accounts.CONFIRM_RELINK.format(
                current=describe(result.actor, context.organisation),
                new=chat_accounts.role_and_unit(
                    result.target.role.value, result.target.unit_name, context.organisation
                ),
            ),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    elif outcome is LinkOutcome.TOO_MANY_ATTEMPTS:
        minutes = int((result.retry_after.total_seconds() + 59) // 60) if result.retry_after else 10
        await message.reply_text(chat_accounts.too_many_attempts(minutes))
    else:
        await message.reply_text(
            chat_common.with_names(
                chat_accounts.LINK_FAILURES[outcome.value], context.organisation
            ),
            parse_mode=ParseMode.HTML,
        )


def identity_of(update: Update) -> TelegramIdentity | None:
    """The Telegram account behind an update."""
    user = update.effective_user
    if user is None:
        return None
    return TelegramIdentity(user.id, user.full_name, user.username)


async def start(update: Update, context: CchcContext) -> None:
    """Link through `/start TOKEN`; without a token, greet or explain how to get access."""
    identity = identity_of(update)
    message = update.effective_message
    if identity is None or message is None:
        return
    if context.args:
        token = context.args[0].strip()
        result = await context.runtime.accounts.link(identity, token)
        await reply_to_link(update, context, result, token)
        return
    actor = await current_actor(update, context)
    if actor is None:
        await message.reply_text(
            chat_common.start_unlinked(identity.telegram_user_id, context.organisation),
            parse_mode=ParseMode.HTML,
        )
        return
    await context.runtime.accounts.set_reachable(actor.telegram_user_id, True)
    await refresh_menu(context, actor)
    await message.reply_text(
        chat_accounts.START_LINKED.format(
            name=chat_common.html(actor.name),
            current=describe(actor, context.organisation),
            help=chat_accounts.help_for(actor.role.value, actor.unit_name, context.organisation),
        ),
        parse_mode=ParseMode.HTML,
    )


async def confirm_relink(update: Update, context: CchcContext) -> None:
    """Carry out or cancel a re-link the person was asked to confirm."""
    query = update.callback_query
    identity = identity_of(update)
    if query is None or identity is None or query.data is None:
        return
    await query.answer()
    if query.data == RELINK_NO:
        actor = await current_actor(update, context)
        current = describe(actor, context.organisation) if actor is not None else ""
        await query.edit_message_text(
            chat_accounts.RELINK_KEPT.format(current=current), parse_mode=ParseMode.HTML
        )
        return
    token = query.data.removeprefix(RELINK_PREFIX)
    await query.edit_message_reply_markup(reply_markup=None)
    result = await context.runtime.accounts.link(identity, token, confirmed=True)
    await reply_to_link(update, context, result, token)


async def help_command(update: Update, context: CchcContext) -> None:
    """Say what this user may do, by role."""
    message = update.effective_message
    if message is None:
        return
    actor = await current_actor(update, context)
    if actor is None:
        await message.reply_text(
            chat_common.with_names(chat_common.HELP_UNLINKED, context.organisation),
            parse_mode=ParseMode.HTML,
        )
        return
    await message.reply_text(
        chat_accounts.help_for(actor.role.value, actor.unit_name, context.organisation),
        parse_mode=ParseMode.HTML,
    )


def register(application: CchcApplication) -> None:
    """Attach the account handlers."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(["help", "huongdan"], help_command))
    application.add_handler(CallbackQueryHandler(confirm_relink, pattern=r"^relink(:|-no$)"))
