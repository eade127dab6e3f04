"""Who is writing: resolve the linked account and refuse commands the role may not use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update

from cchc_bot.access import Actor, OutOfScope, Role
from cchc_bot.texts import chat_accounts, chat_common, org
from handlers.telegram.context import CchcContext

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


def scope_refusal(context: CchcContext, refusal: OutOfScope) -> str:
    """Why a scoped coordinator was refused, naming the unit and their scope."""
    units = context.runtime.config.units.by_code()

    def name(code: str | None) -> str:
        unit = units.get(code) if code is not None else None
        return unit.name if unit is not None else str(code)

    scope = name(refusal.actor.scope_code if refusal.actor is not None else None)
    if refusal.unit_code is None:
        return org.WHOLE_TREE_ONLY.format(scope=scope)
    return org.OUT_OF_SCOPE_UNIT.format(unit=name(refusal.unit_code), scope=scope)


def for_roles(*roles: Role) -> Callable[[ActorHandler], Handler]:
    """Run the handler only for linked accounts with one of the roles; refuse everyone else."""

    def decorate(handler: ActorHandler) -> Handler:
        @wraps(handler)
        async def wrapper(update: Update, context: CchcContext) -> None:
            actor = await current_actor(update, context)
            if actor is None:
                await refuse(update, chat_accounts.NOT_LINKED)
                return
            if actor.role not in roles:
                message = (
                    chat_common.with_names(chat_accounts.COORDINATOR_ONLY, context.organisation)
                    if roles == (Role.COORDINATOR,)
                    else chat_accounts.UNIT_MEMBERS_ONLY
                )
                await refuse(update, message)
                return
            try:
                await handler(update, context, actor)
            except OutOfScope as exc:  # the service refused before changing anything
                await refuse(update, scope_refusal(context, exc))

        return wrapper

    return decorate
