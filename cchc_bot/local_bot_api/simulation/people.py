"""The simulated people and chats: users, groups and channels, and blocking the bot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cchc_bot.local_bot_api.errors import ScenarioError
from cchc_bot.local_bot_api.model.chats import BotStatus, Chat, ChatType, User
from cchc_bot.local_bot_api.model.state import TelegramState

FIRST_USER_ID = 700_000_001
FIRST_GROUP_ID = -4_000_000_001
FIRST_SUPERGROUP_ID = -1_001_000_000_001


class People:
    """Who is in the simulated Telegram: users and the chats they share with the bot."""

    def __init__(self, state: TelegramState) -> None:
        self.state = state
        self._next_user_id = FIRST_USER_ID
        self._next_group_id = FIRST_GROUP_ID
        self._next_supergroup_id = FIRST_SUPERGROUP_ID

    def add_user(
        self,
        user_id: int | None = None,
        first_name: str = "Người dùng",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        started: bool = True,
    ) -> User:
        """Create a user; `started=False` means they never opened the bot (403 on send)."""
        if user_id is None:
            while self._next_user_id in self.state.users:
                self._next_user_id += 1
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id <= 0:
            raise ScenarioError("user ids are positive")
        if user_id in self.state.users or user_id == self.state.bot.id:
            raise ScenarioError(f"user {user_id} already exists")
        user = User(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            started=started,
        )
        self.state.users[user_id] = user
        self.state.private_chat(user)
        self.state.signal.bump()
        return user

    def add_chat(
        self,
        chat_type: ChatType = "group",
        *,
        chat_id: int | None = None,
        title: str = "Nhóm thử nghiệm",
        username: str | None = None,
        members: Iterable[int] = (),
        administrators: Iterable[int] = (),
        bot_status: BotStatus = "member",
    ) -> Chat:
        """Create a group, supergroup or channel with the bot in it (by default)."""
        if chat_type == "private":
            raise ScenarioError("private chats come with add_user()")
        if chat_id is None:
            if chat_type == "group":
                chat_id = self._next_group_id
                self._next_group_id -= 1
            else:
                chat_id = self._next_supergroup_id
                self._next_supergroup_id -= 1
        if chat_id >= 0 or chat_id in self.state.chats:
            raise ScenarioError(f"chat id {chat_id} is taken or not negative")
        admins = set(administrators)
        for user_id in [*members, *admins]:
            self.user(user_id)
        chat = Chat(
            id=chat_id,
            type=chat_type,
            title=title,
            username=username,
            bot_status=bot_status,
            members=set(members) | admins,
            administrators=admins,
        )
        self.state.chats[chat_id] = chat
        self.state.signal.bump()
        return chat

    def user(self, user_id: int) -> User:
        """A user created with `add_user`."""
        user = self.state.users.get(user_id)
        if user is None:
            raise ScenarioError(f"no user {user_id}: create it with add_user()")
        return user

    def chat(self, chat_id: int) -> Chat:
        """A chat by id."""
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise ScenarioError(f"no chat {chat_id}")
        return chat

    def block_bot(self, user_id: int) -> None:
        """The user blocks the bot: sends answer 403 and the bot gets `my_chat_member`."""
        self._set_blocked(user_id, blocked=True)

    def unblock_bot(self, user_id: int) -> None:
        """The user unblocks (restarts) the bot."""
        self._set_blocked(user_id, blocked=False)

    def _set_blocked(self, user_id: int, *, blocked: bool) -> None:
        user = self.user(user_id)
        if user.blocked == blocked:
            return
        user.blocked = blocked
        chat = self.state.private_chat(user)
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self.state.bot.to_api()
        self.state.enqueue(
            "my_chat_member",
            {
                "chat": chat.to_api(),
                "from": user.to_api(),
                "date": self.state.now(),
                "old_chat_member": _member(old, bot, self.state.now()),
                "new_chat_member": _member(new, bot, self.state.now()),
            },
        )


def _member(status: str, user: dict[str, Any], date: int) -> dict[str, Any]:
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status, "user": user}
