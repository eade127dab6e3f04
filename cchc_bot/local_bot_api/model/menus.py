"""Bot command menus stored per scope and language, and resolved for a user as Telegram does."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model.chats import Chat
from cchc_bot.local_bot_api.model.spec import web_app_url_problem
from cchc_bot.local_bot_api.model.state import TelegramState

ScopeKey = tuple[Any, ...]
MAX_COMMANDS = 100
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")


def scope_key(scope: Mapping[str, Any] | None, find_chat: Callable[[Any], Chat]) -> ScopeKey:
    """A hashable key for a BotCommandScope; chats are resolved (and must exist)."""
    if not scope:
        return ("default",)
    kind = str(scope["type"])
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return (kind,)
    chat = find_chat(scope["chat_id"])
    if kind in ("chat", "chat_administrators"):
        if kind == "chat_administrators" and chat.type == "private":
            raise bad_request("can't use chat_administrators scope in private chats")
        return (kind, chat.id)
    if chat.type == "private":
        raise bad_request("can't use chat_member scope in private chats")
    return (kind, chat.id, int(scope["user_id"]))


def check_language(language_code: str | None) -> str:
    """Telegram accepts an empty language code or a two-letter ISO 639-1 code."""
    code = language_code or ""
    if code and not _LANGUAGE.fullmatch(code):
        raise bad_request("invalid language code specified")
    return code


def check_commands(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Telegram's rules for BotCommand lists."""
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked = []
    for command in commands:
        name = str(command["command"]).removeprefix("/")
        description = str(command["description"])
        if not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": name, "description": description})
    return checked


def resolve_menu(
    state: TelegramState, user_id: int, chat_id: int | None = None, language_code: str | None = None
) -> list[dict[str, Any]]:
    """The command menu a user sees in a chat (their private chat by default).

    Telegram tries the narrowest scope first, each with the user's language and then
    without one, and shows the first non-empty list it finds.
    """
    user = state.users.get(user_id)
    language = language_code if language_code is not None else (user.language_code if user else "")
    chat = state.chats.get(chat_id if chat_id is not None else user_id)
    if chat is None or chat.type == "private":
        keys: list[ScopeKey] = [("chat", user_id), ("all_private_chats",), ("default",)]
    else:
        is_admin = user_id in chat.administrators
        keys = [("chat_member", chat.id, user_id)]
        if is_admin:
            keys.append(("chat_administrators", chat.id))
        keys.append(("chat", chat.id))
        if is_admin:
            keys.append(("all_chat_administrators",))
        keys += [("all_group_chats",), ("default",)]
    for key in keys:
        for code in dict.fromkeys([language or "", ""]):
            commands = state.commands.get((key, code))
            if commands:
                return [dict(command) for command in commands]
    return []


DEFAULT_BUTTON = {"type": "default"}
COMMANDS_BUTTON = {"type": "commands"}


def check_menu_button(button: Mapping[str, Any] | None) -> dict[str, Any]:
    """A MenuButton as Telegram stores it; a missing one is MenuButtonDefault."""
    if not button:
        return dict(DEFAULT_BUTTON)
    if button["type"] == "web_app":
        if not str(button["text"]):
            raise bad_request("menu button text must be non-empty")
        problem = web_app_url_problem(str(button["web_app"]["url"]), "menu button")
        if problem is not None:
            raise bad_request(problem)
    return dict(button)


def resolve_menu_button(state: TelegramState, user_id: int) -> dict[str, Any]:
    """The menu button a user sees in the private chat: the chat's, else the bot's default.

    MenuButtonDefault means "nothing chosen here"; with nothing chosen anywhere the button
    opens the command list, as on Telegram.
    """
    for key in (user_id, None):
        button = state.menu_buttons.get(key)
        if button is not None and button["type"] != "default":
            return dict(button)
    return dict(COMMANDS_BUTTON)
