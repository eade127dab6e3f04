"""The heavy-job cap at the door of a handler: over the limit, a polite "busy, try later"."""

from __future__ import annotations

from functools import wraps

from telegram import Update

from cchc_bot.access import Actor
from cchc_bot.texts import heavy_jobs as heavy_words
from handlers.telegram.auth import ActorHandler
from handlers.telegram.context import CchcContext


def heavy_job(handler: ActorHandler) -> ActorHandler:
    """Run a coordinator's heavy handler in one of the process's slots, or say it is busy."""

    @wraps(handler)
    async def wrapper(update: Update, context: CchcContext, actor: Actor) -> None:
        if not actor.is_coordinator:
            await handler(update, context, actor)
            return
        jobs = context.bot_data.heavy_jobs
        if not jobs.try_start():
            message = update.effective_message
            if message is not None:
                await message.reply_text(heavy_words.BUSY)
            return
        try:
            await handler(update, context, actor)
        finally:
            jobs.finish()

    return wrapper
