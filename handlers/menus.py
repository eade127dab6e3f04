"""Command menus per role: the default scope for everyone, a chat scope per linked person."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from handlers import texts


def _commands(pairs: list[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(command, description) for command, description in pairs]


def menu_for(role: str | None) -> list[tuple[str, str]]:
    """The commands a role sees in Telegram's menu."""
    if role == "coordinator":
        return texts.MENU_COORDINATOR
    if role in ("head", "staff"):
        return texts.MENU_HEAD
    return texts.MENU_EVERYONE


async def set_default_menu(bot: Bot) -> None:
    """The menu of anyone who is not linked."""
    await bot.set_my_commands(_commands(texts.MENU_EVERYONE), scope=BotCommandScopeDefault())


async def set_member_menu(bot: Bot, chat_id: int, role: str | None) -> None:
    """Show a linked person their role's commands; a None role restores the default menu."""
    if role is None:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        return
    await bot.set_my_commands(_commands(menu_for(role)), scope=BotCommandScopeChat(chat_id))
