"""setMyCommands, getMyCommands and deleteMyCommands, per scope and language."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.model import menus


class CommandMethods(ApiBase):
    """The bot's command menus."""

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
