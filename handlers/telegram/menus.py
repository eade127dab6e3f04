"""Command menus per role: the default scope for everyone, a chat scope per linked person."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from cchc_bot.texts import chat_accounts


def _commands(pairs: list[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(command, description) for command, description in pairs]


def menu_for(role: str | None) -> list[tuple[str, str]]:
    """The commands a role sees in Telegram's menu."""
    if role == "coordinator":
        return chat_accounts.MENU_COORDINATOR
    if role in ("head", "staff"):
        return chat_accounts.MENU_HEAD
    return chat_accounts.MENU_EVERYONE


async def set_default_menu(bot: Bot) -> None:
    """The menu of anyone who is not linked."""
    await bot.set_my_commands(
        _commands(chat_accounts.MENU_EVERYONE), scope=BotCommandScopeDefault()
    )


async def set_member_menu(bot: Bot, chat_id: int, role: str | None) -> None:
    """Show a linked person their role's commands; a None role restores the default menu."""
    if role is None:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        return
    await bot.set_my_commands(_commands(menu_for(role)), scope=BotCommandScopeChat(chat_id))
