"""Who is writing: resolve the linked account and refuse commands the role may not use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update

from cchc_bot.access import Actor, Role
from handlers import texts
from handlers.context import CchcContext

ActorHandler = Callable[[Update, CchcContext, Actor], Awaitable[None]]
Handler = Callable[[Update, CchcContext], Coroutine[Any, Any, None]]


async def current_actor(update: Update, context: CchcContext) -> Actor | None:
    """The linked account behind an update, checked in the database on every call."""
    user = update.effective_user
    if user is None:
        return None
    return await context.runtime.accounts.resolve_actor(user.id)


async def refuse(update: Update, text: str) -> None:
    """Tell the user a command is not for them (answering a button press too)."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def for_roles(*roles: Role) -> Callable[[ActorHandler], Handler]:
    """Run the handler only for linked accounts with one of the roles; refuse everyone else."""

    def decorate(handler: ActorHandler) -> Handler:
        @wraps(handler)
        async def wrapper(update: Update, context: CchcContext) -> None:
            actor = await current_actor(update, context)
            if actor is None:
                await refuse(update, texts.NOT_LINKED)
                return
            if actor.role not in roles:
                message = (
                    texts.COORDINATOR_ONLY
                    if roles == (Role.COORDINATOR,)
                    else texts.UNIT_MEMBERS_ONLY
                )
                await refuse(update, message)
                return
            await handler(update, context, actor)

        return wrapper

    return decorate
