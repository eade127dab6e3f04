"""The people side of the simulated Telegram: users act, tests read transcripts and wait."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable
from typing import Any

from cchc_bot.telegram_server import media
from cchc_bot.telegram_server.autodetect import with_detected_entities
from cchc_bot.telegram_server.commands import resolve_menu
from cchc_bot.telegram_server.errors import ScenarioError
from cchc_bot.telegram_server.state import (
    BotStatus,
    CallbackQueryRecord,
    Chat,
    ChatType,
    MessageRecord,
    TelegramState,
    TranscriptEvent,
    User,
)

DEFAULT_TIMEOUT = 5.0
DEFAULT_QUIET = 0.05
FIRST_USER_ID = 700_000_001
FIRST_GROUP_ID = -4_000_000_001
FIRST_SUPERGROUP_ID = -1_001_000_000_001


class Simulation:
    """Users, groups and what they do; transcripts, counters and awaitable waits."""

    def __init__(self, state: TelegramState) -> None:
        self.state = state
        self._next_user_id = FIRST_USER_ID
        self._next_group_id = FIRST_GROUP_ID
        self._next_supergroup_id = FIRST_SUPERGROUP_ID

    # --- people and chats ------------------------------------------------------------------

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

    # --- what users send -------------------------------------------------------------------

    def _chat_of(self, user: User, chat_id: int | None) -> Chat:
        if user.blocked:
            raise ScenarioError(f"user {user.id} blocked the bot; call unblock_bot() first")
        if chat_id is None or chat_id == user.id:
            user.started = True
            return self.state.private_chat(user)
        chat = self.chat(chat_id)
        if chat.type == "channel":
            raise ScenarioError("users do not write in channels")
        chat.members.add(user.id)
        return chat

    def _send(
        self,
        user_id: int,
        content: dict[str, Any],
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> MessageRecord:
        user = self.user(user_id)
        chat = self._chat_of(user, chat_id)
        replied = None
        if reply_to is not None:
            replied = self.state.message(chat.id, reply_to)
            if replied is None or replied.deleted:
                raise ScenarioError(f"no message {reply_to} in chat {chat.id} to reply to")
        record = self.state.add_message(chat, sender=user, content=content, reply_to=replied)
        if self._bot_sees(chat, record):
            self.state.enqueue("message", record.to_api())
        return record

    def _bot_sees(self, chat: Chat, record: MessageRecord) -> bool:
        """Whether Telegram passes a message on to the bot (group privacy mode included)."""
        if chat.type == "private":
            return True
        if chat.bot_status in ("left", "kicked"):
            return False
        if not self.state.privacy_mode or chat.bot_status == "administrator":
            return True
        mention = f"@{self.state.bot.username}".lower()
        body = record.text or record.caption or ""
        replied = record.data.get("reply_to_message") or {}
        if replied.get("from", {}).get("id") == self.state.bot.id or mention in body.lower():
            return True
        commands = [
            _utf16_slice(body, entity)
            for entity in record.entities
            if entity["type"] == "bot_command" and entity["offset"] == 0
        ]
        return any("@" not in command or command.lower().endswith(mention) for command in commands)

    def send_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> MessageRecord:
        """The user sends text; /commands get `bot_command` entities."""
        if not text.strip():
            raise ScenarioError("Telegram clients do not send empty messages")
        content: dict[str, Any] = {"text": text}
        entities = with_detected_entities(text, [])
        if entities:
            content["entities"] = entities
        return self._send(user_id, content, chat_id=chat_id, reply_to=reply_to)

    def start_bot(self, user_id: int, payload: str | None = None) -> MessageRecord:
        """The user presses START, through a `t.me/<bot>?start=<payload>` link if given."""
        return self.send_text(user_id, f"/start {payload}" if payload else "/start")

    def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> MessageRecord:
        """The user edits one of their text messages: the bot gets `edited_message`."""
        user = self.user(user_id)
        chat = self._chat_of(user, chat_id)
        record = self.state.message(chat.id, message_id)
        if record is None or record.deleted or record.sender_id != user_id:
            raise ScenarioError(f"user {user_id} has no message {message_id} in chat {chat.id}")
        if record.text is None:
            raise ScenarioError("only text messages can be edited this way")
        self.state.edit_message(
            record, {"text": text, "entities": with_detected_entities(text, []) or None}, None
        )
        if self._bot_sees(chat, record):
            self.state.enqueue("edited_message", record.to_api())
        return record

    def send_document(
        self,
        user_id: int,
        file_name: str,
        content: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> MessageRecord:
        """The user sends a file as a document."""
        if not content:
            raise ScenarioError("Telegram does not send empty files")
        stored = self.state.store_file(
            "document",
            content,
            file_name=file_name,
            mime_type=mime_type or media.guess_mime_type(file_name, None),
        )
        return self._send(
            user_id, {"document": stored.to_api(), "caption": caption}, chat_id=chat_id
        )

    def send_photo(
        self,
        user_id: int,
        content: bytes,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> MessageRecord:
        """The user sends a photo (PNG, JPEG, GIF or WebP bytes)."""
        size = media.image_size(content)
        if size is None:
            raise ScenarioError("send_photo needs PNG, JPEG, GIF or WebP bytes")
        sizes = self.state.store_photo(content, *size)
        photo = [stored.to_api() for stored in sizes]
        return self._send(user_id, {"photo": photo, "caption": caption}, chat_id=chat_id)

    def send_sticker(
        self, user_id: int, *, emoji: str = "👍", chat_id: int | None = None
    ) -> MessageRecord:
        """The user sends a sticker."""
        stored = self.state.store_file("sticker", b"RIFF\0\0\0\0WEBP", width=512, height=512)
        sticker = {**stored.to_api(), "emoji": emoji}
        return self._send(user_id, {"sticker": sticker}, chat_id=chat_id)

    def send_voice(
        self,
        user_id: int,
        content: bytes = b"OggS\0voice",
        *,
        duration: int = 3,
        chat_id: int | None = None,
    ) -> MessageRecord:
        """The user sends a voice message."""
        stored = self.state.store_file("voice", content, mime_type="audio/ogg", duration=duration)
        return self._send(user_id, {"voice": stored.to_api()}, chat_id=chat_id)

    def send_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> MessageRecord:
        """The user shares a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._send(user_id, {"location": location}, chat_id=chat_id)

    def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        *,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> MessageRecord:
        """The user shares a contact (their own when `contact_user_id` is theirs)."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._send(user_id, {"contact": contact}, chat_id=chat_id)

    def forward_message(
        self,
        user_id: int,
        text: str,
        *,
        origin_user_id: int | None = None,
        origin_name: str | None = None,
        origin_chat_id: int | None = None,
        chat_id: int | None = None,
    ) -> MessageRecord:
        """The user forwards a text message from someone, a hidden user or a chat."""
        date = self.state.now()
        origin: dict[str, Any]
        if origin_user_id is not None:
            origin = {
                "type": "user",
                "date": date,
                "sender_user": self.user(origin_user_id).to_api(),
            }
        elif origin_chat_id is not None:
            source = self.chat(origin_chat_id)
            if source.type == "channel":
                origin = {"type": "channel", "date": date, "chat": source.to_api(), "message_id": 1}
            else:
                origin = {"type": "chat", "date": date, "sender_chat": source.to_api()}
        else:
            origin = {"type": "hidden_user", "date": date, "sender_user_name": origin_name or "?"}
        content: dict[str, Any] = {"text": text, "forward_origin": origin}
        return self._send(user_id, content, chat_id=chat_id)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        *,
        text: str | None = None,
        callback_data: str | None = None,
        chat_id: int | None = None,
    ) -> CallbackQueryRecord:
        """The user presses an inline button the bot put under that very message."""
        if text is None and callback_data is None:
            raise ScenarioError("press_button needs the button's text or callback_data")
        user = self.user(user_id)
        chat = self._chat_of(user, chat_id)
        record = self.state.message(chat.id, message_id)
        if record is None or record.deleted:
            raise ScenarioError(f"message {message_id} in chat {chat.id} does not exist (anymore)")
        button = record.find_button(text=text, callback_data=callback_data)
        if button is None:
            wanted = text if text is not None else callback_data
            raise ScenarioError(
                f"message {message_id} in chat {chat.id} offers no button {wanted!r}; "
                f"it offers {record.button_texts or 'no inline buttons'}"
            )
        if "callback_data" not in button:
            raise ScenarioError(f"button {button['text']!r} is not a callback button: {button}")
        query = CallbackQueryRecord(
            id=str(4_000_000_000_000 + self.state.serial()),
            user_id=user_id,
            chat_id=chat.id,
            message_id=message_id,
            data=str(button["callback_data"]),
        )
        self.state.callback_queries[query.id] = query
        self.state.enqueue(
            "callback_query",
            {
                "id": query.id,
                "from": user.to_api(),
                "message": record.to_api(),
                "chat_instance": str(abs(chat.id) * 7 + 1_000_000_000_000),
                "data": query.data,
            },
        )
        return query

    def press_keyboard_button(
        self, user_id: int, text: str, *, chat_id: int | None = None
    ) -> MessageRecord:
        """The user taps a button of the reply keyboard the bot is currently showing."""
        user = self.user(user_id)
        chat = self._chat_of(user, chat_id)
        keyboard = chat.reply_keyboard
        if keyboard is None:
            raise ScenarioError(f"chat {chat.id} shows no reply keyboard")
        labels = [
            button if isinstance(button, str) else str(button.get("text"))
            for row in keyboard.get("keyboard", [])
            for button in row
        ]
        if text not in labels:
            raise ScenarioError(
                f"the reply keyboard in chat {chat.id} offers {labels}, not {text!r}"
            )
        if keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        return self.send_text(user_id, text, chat_id=chat_id)

    # --- reading back ----------------------------------------------------------------------

    def transcript(self, chat_id: int) -> list[MessageRecord]:
        """Every message of a chat, user's and bot's, in order (deleted ones flagged)."""
        return self.state.transcript(chat_id)

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[MessageRecord]:
        """The bot's messages in a chat, in order."""
        return [
            record
            for record in self.state.transcript(chat_id)
            if record.from_bot and (include_deleted or not record.deleted)
        ]

    def last_bot_message(self, chat_id: int) -> MessageRecord:
        """The bot's latest (not deleted) message in a chat."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise ScenarioError(f"the bot has sent nothing to chat {chat_id}")
        return messages[-1]

    def commands_for(
        self, user_id: int, chat_id: int | None = None, language_code: str | None = None
    ) -> list[dict[str, Any]]:
        """The command menu this user sees in that chat (their private chat by default)."""
        return resolve_menu(self.state, user_id, chat_id, language_code)

    def callback_query(self, query_id: str) -> CallbackQueryRecord:
        """A button press and how the bot answered it."""
        return self.state.callback_queries[query_id]

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        """Button presses the bot has not answered."""
        return [query for query in self.state.callback_queries.values() if not query.answered]

    def describe_chat(self, chat_id: int) -> str:
        """The transcript as text, for assertion messages."""
        lines = [record.describe() for record in self.state.transcript(chat_id)]
        return "\n".join(lines) or "(no messages)"

    def add_listener(self, listener: Callable[[TranscriptEvent], None]) -> None:
        """Call `listener` for every new, edited or deleted message (e.g. a terminal view)."""
        self.state.listeners.append(listener)

    # --- waiting ---------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the documented helper signature
        what: str = "",
    ) -> None:
        """Wait until `predicate()` holds; TimeoutError names `what` was awaited."""
        try:
            await self.state.signal.wait_for(predicate, timeout)
        except TimeoutError:
            raise TimeoutError(f"waited {timeout} s for {what or 'a condition'}") from None

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        after: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the documented helper signature
    ) -> list[MessageRecord]:
        """Wait for `count` bot messages in a chat after message `after` and return them all.

        `after` defaults to the last message a user sent in that chat, so "send, then wait for
        the reply" reads naturally.
        """
        if after is None:
            users_messages = [r for r in self.state.transcript(chat_id) if not r.from_bot]
            after = users_messages[-1].message_id if users_messages else 0
        since = after

        def arrived() -> list[MessageRecord]:
            return [
                record
                for record in self.state.transcript(chat_id)
                if record.from_bot and record.message_id > since
            ]

        try:
            await self.state.signal.wait_for(lambda: len(arrived()) >= count, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"waited {timeout} s for {count} bot message(s) in chat {chat_id} after "
                f"#{since}, got {len(arrived())}:\n{self.describe_chat(chat_id)}"
            ) from None
        return arrived()

    def is_idle(self) -> bool:
        """No update waiting for the bot and no bot request being answered."""
        return not self.state.updates and self.state.requests_in_flight == 0

    async def wait_until_idle(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the documented helper signature
        quiet: float = DEFAULT_QUIET,
    ) -> None:
        """Wait until every update was confirmed and the bot made no call for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        signal = self.state.signal
        while True:
            try:
                await signal.wait_for(self.is_idle, max(deadline - loop.time(), 0.0))
            except TimeoutError:
                raise self._not_idle(timeout) from None
            version = signal.version
            window = min(quiet, max(deadline - loop.time(), 0.0))
            try:
                await signal.wait_for(functools.partial(signal.changed_since, version), window)
            except TimeoutError:
                if window >= quiet:
                    return
                raise self._not_idle(timeout) from None

    def _not_idle(self, timeout: float) -> TimeoutError:
        return TimeoutError(
            f"not idle after {timeout} s: {len(self.state.updates)} update(s) pending, "
            f"{self.state.requests_in_flight} request(s) in flight"
        )


def _utf16_slice(text: str, entity: dict[str, Any]) -> str:
    units = text.encode("utf-16-le")
    start, end = 2 * int(entity["offset"]), 2 * (int(entity["offset"]) + int(entity["length"]))
    return units[start:end].decode("utf-16-le")


def _member(status: str, user: dict[str, Any], date: int) -> dict[str, Any]:
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status, "user": user}
