"""Accounts and chats of the simulated Telegram: users, the bot, groups, channels, chat actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup", "channel"]
BotStatus = Literal["administrator", "member", "left", "kicked"]


@dataclass
class User:
    """A Telegram account: a person the tests play, or the bot itself."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"
    is_bot: bool = False
    started: bool = True
    blocked: bool = False
    deactivated: bool = False

    def to_api(self) -> dict[str, Any]:
        """The Bot API User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class Chat:
    """A private chat with the bot, or a group, supergroup or channel the bot may be in."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    bot_status: BotStatus = "member"
    members: set[int] = field(default_factory=set)
    administrators: set[int] = field(default_factory=set)
    reply_keyboard: dict[str, Any] | None = None

    def to_api(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for name in ("title", "username", "first_name", "last_name"):
            value = getattr(self, name)
            if value:
                data[name] = value
        return data


@dataclass(frozen=True)
class ChatAction:
    """A `sendChatAction` the bot made (typing, upload_document, ...)."""

    chat_id: int
    action: str
    date: int
