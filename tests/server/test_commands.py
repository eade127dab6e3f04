"""Command menus are stored per scope and language and resolved for a user as Telegram does."""

from __future__ import annotations

import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import BadRequest

from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.sandbox.local_bot import BotRunner


def _names(commands: list[dict[str, object]]) -> list[object]:
    return [command["command"] for command in commands]


async def test_menu_resolves_chat_then_private_chats_then_default_with_language(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    coordinator = telegram_server.add_user(language_code="vi")
    head = telegram_server.add_user(language_code="vi")
    visitor = telegram_server.add_user(language_code="en")

    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands(
        [BotCommand("start", "Bắt đầu"), BotCommand("report", "Báo cáo")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="vi",
    )
    await bot.set_my_commands(
        [BotCommand("status", "Tình trạng"), BotCommand("export", "Xuất")],
        scope=BotCommandScopeChat(coordinator.id),
    )

    assert _names(telegram_server.commands_for(coordinator.id)) == ["status", "export"]
    assert _names(telegram_server.commands_for(head.id)) == ["start", "report"]
    assert _names(telegram_server.commands_for(visitor.id)) == ["start"]
    assert telegram_server.commands_for(visitor.id)[0]["description"] == "Start"


async def test_group_menus_distinguish_administrators(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    admin, member = telegram_server.add_user(), telegram_server.add_user()
    group = telegram_server.add_chat("supergroup", members=[member.id], administrators=[admin.id])

    await bot.set_my_commands(
        [BotCommand("help", "Trợ giúp")], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands(
        [BotCommand("remind", "Nhắc")], scope=BotCommandScopeAllChatAdministrators()
    )

    assert _names(telegram_server.commands_for(admin.id, group.id)) == ["remind"]
    assert _names(telegram_server.commands_for(member.id, group.id)) == ["help"]
    assert telegram_server.commands_for(member.id) == []


async def test_get_and_delete_work_on_exactly_one_scope_and_language(
    telegram_server: LocalTelegramServer, ptb_app_factory: BotRunner
) -> None:
    bot = (await ptb_app_factory()).bot
    user = telegram_server.add_user()
    await bot.set_my_commands([BotCommand("start", "Bắt đầu")], language_code="vi")

    assert await bot.get_my_commands() == ()
    assert await bot.get_my_commands(language_code="vi") == (BotCommand("start", "Bắt đầu"),)
    assert _names(telegram_server.commands_for(user.id)) == ["start"]

    await bot.delete_my_commands(language_code="vi")
    assert telegram_server.commands_for(user.id) == []


@pytest.mark.parametrize(
    ("command", "description", "error"),
    [
        ("Bắt_đầu", "x", "Bot_command_invalid"),
        ("START", "x", "Bot_command_invalid"),
        ("start", "", "Bot_command_description_invalid"),
    ],
)
async def test_commands_must_be_lowercase_latin_with_a_description(
    ptb_app_factory: BotRunner, command: str, description: str, error: str
) -> None:
    bot = (await ptb_app_factory()).bot
    with pytest.raises(BadRequest, match=error):
        await bot.set_my_commands([BotCommand(command, description)])


async def test_chat_scope_needs_a_known_chat(ptb_app_factory: BotRunner) -> None:
    bot = (await ptb_app_factory()).bot
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.set_my_commands([BotCommand("a", "b")], scope=BotCommandScopeChat(5))
