"""Handlers every user meets: private-chat guard, errors, and replies to anything unexpected."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from cchc_bot import inbox
from cchc_bot.texts import chat_accounts, chat_common
from handlers.telegram.auth import current_actor
from handlers.telegram.context import CchcApplication, CchcContext

logger = logging.getLogger(__name__)


async def guard_private_chats(update: Update, context: CchcContext) -> None:
    """Answer once in groups and channels, reveal nothing, and stop further handling."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(chat_common.PRIVATE_CHAT_ONLY, show_alert=True)
    elif update.effective_message is not None and chat.type != ChatType.CHANNEL:
        await update.effective_message.reply_text(chat_common.PRIVATE_CHAT_ONLY)
    raise ApplicationHandlerStop


async def unknown_command(update: Update, context: CchcContext) -> None:
    """Reply to a command the bot does not know."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(chat_common.UNKNOWN_COMMAND)


async def anything_else(update: Update, context: CchcContext) -> None:
    """Reply to a message nothing else handled: say what to do next."""
    message = update.effective_message
    if message is None:
        return
    actor = await current_actor(update, context)
    if actor is None:
        await message.reply_text(chat_accounts.NOT_LINKED)
    elif actor.is_coordinator:
        await message.reply_text(chat_accounts.IDLE_COORDINATOR)
    else:
        await message.reply_text(chat_accounts.IDLE_UNIT_MEMBER)


async def stale_button(update: Update, context: CchcContext) -> None:
    """Answer a button press no handler recognised (an old or foreign button)."""
    if update.callback_query is not None:
        await update.callback_query.answer(chat_accounts.STALE_BUTTON)


async def on_error(update: object, context: CchcContext) -> None:
    """Log a bug with its traceback and tell the user politely; never crash the bot."""
    inbox.record_error(context.error)  # so `update handled` says the outcome truthfully
    if isinstance(context.error, Forbidden):
        # 403: the user blocked the bot or deleted the account; coordinators see it in /status.
        if isinstance(update, Update) and update.effective_user is not None:
            await context.runtime.accounts.set_reachable(update.effective_user.id, False)
        logger.info("Telegram refused delivery (403): member marked unreachable")
        return
    logger.error("unhandled error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            text = chat_common.with_names(chat_common.UNEXPECTED_ERROR, context.organisation)
            await context.bot.send_message(update.effective_chat.id, text)
        except Exception:  # the user must not see a second failure; it is logged
            logger.warning("could not tell the user about an error", exc_info=True)


def register_guards(application: CchcApplication) -> None:
    """Attach what runs before everything: the private-chat guard and the error handler."""
    application.add_handler(TypeHandler(Update, guard_private_chats), group=-10)
    application.add_error_handler(on_error)


def register_fallbacks(application: CchcApplication) -> None:
    """Attach, last in the default group, the replies to whatever no other handler took."""
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(filters.ALL, anything_else))
    application.add_handler(CallbackQueryHandler(stale_button))
