"""Handlers every user meets: /start, /help, private-chat guard, errors, anything unexpected."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import (
    ApplicationHandlerStop,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import texts
from handlers.context import CchcApplication, CchcContext

logger = logging.getLogger(__name__)


async def guard_private_chats(update: Update, context: CchcContext) -> None:
    """Answer once in groups and channels, reveal nothing, and stop further handling."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(texts.PRIVATE_CHAT_ONLY, show_alert=True)
    elif update.effective_message is not None and chat.type != ChatType.CHANNEL:
        await update.effective_message.reply_text(texts.PRIVATE_CHAT_ONLY)
    raise ApplicationHandlerStop


async def start(update: Update, context: CchcContext) -> None:
    """Explain how to get access (linking by token is added by the accounts work)."""
    user = update.effective_user
    if user is None or update.effective_message is None:
        return
    await update.effective_message.reply_text(
        texts.start_unlinked(user.id), parse_mode=ParseMode.HTML
    )


async def help_command(update: Update, context: CchcContext) -> None:
    """Say what this user may do."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.HELP_UNLINKED, parse_mode=ParseMode.HTML)


async def unknown_command(update: Update, context: CchcContext) -> None:
    """Reply to a command the bot does not know."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


async def on_error(update: object, context: CchcContext) -> None:
    """Log a bug with its traceback and tell the user politely; never crash the bot."""
    logger.error("unhandled error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, texts.UNEXPECTED_ERROR)
        except Exception:  # the user must not see a second failure; it is logged
            logger.warning("could not tell the user about an error", exc_info=True)


def register(application: CchcApplication) -> None:
    """Attach the common handlers."""
    application.add_handler(TypeHandler(Update, guard_private_chats), group=-10)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler(["help", "huongdan"], help_command))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command), group=10)
    application.add_error_handler(on_error)
