"""Command menus per scope and language, and the menu button of private chats."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model import menus


class CommandMethods(ApiBase):
    """The bot's command menus and menu buttons."""

    def _menu_key(self, params: Params) -> tuple[tuple[Any, ...], str]:
        scope = menus.scope_key(params.get("scope"), self.chat)
        return scope, menus.check_language(params.get("language_code"))

    def set_my_commands(self, params: Params) -> bool:
        """setMyCommands for one scope and language."""
        checked = menus.check_commands(params["commands"])
        key = self._menu_key(params)
        if checked:
            self.state.commands[key] = checked
        else:
            self.state.commands.pop(key, None)
        self.state.signal.bump()
        return True

    def get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        """getMyCommands: exactly the list set for that scope and language."""
        return [dict(command) for command in self.state.commands.get(self._menu_key(params), [])]

    def delete_my_commands(self, params: Params) -> bool:
        """deleteMyCommands."""
        self.state.commands.pop(self._menu_key(params), None)
        self.state.signal.bump()
        return True

    def _menu_button_key(self, params: Params) -> int | None:
        if "chat_id" not in params:
            return None
        user_id = int(params["chat_id"])
        if user_id <= 0:
            raise bad_request("invalid chat_id specified")
        if user_id not in self.state.users:
            raise bad_request("user not found")
        return user_id

    def set_chat_menu_button(self, params: Params) -> bool:
        """setChatMenuButton: for one private chat, or the bot's default; Web Apps need HTTPS."""
        button = menus.check_menu_button(params.get("menu_button"))
        self.state.menu_buttons[self._menu_button_key(params)] = button
        self.state.signal.bump()
        return True

    def get_chat_menu_button(self, params: Params) -> dict[str, Any]:
        """getChatMenuButton: what was chosen there (MenuButtonDefault: nothing was)."""
        key = self._menu_button_key(params)
        fallback = menus.COMMANDS_BUTTON if key is None else menus.DEFAULT_BUTTON
        return dict(self.state.menu_buttons.get(key, fallback))
