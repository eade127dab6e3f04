"""What the simulated Telegram knows: the bot, users, chats, messages, files and updates."""

from __future__ import annotations

import base64
import copy
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from cchc_bot.local_bot_api.clock import Clock
from cchc_bot.local_bot_api.model import media
from cchc_bot.local_bot_api.model.chats import Chat, ChatAction, User
from cchc_bot.local_bot_api.model.files import StoredFile
from cchc_bot.local_bot_api.model.messages import MessageRecord, TranscriptEvent
from cchc_bot.local_bot_api.model.signal import ChangeSignal
from cchc_bot.local_bot_api.model.updates import (
    DEFAULT_ALLOWED_UPDATES,
    CallbackQueryRecord,
    PendingUpdate,
    WebAppQueryRecord,
    WebhookConfig,
)


class TelegramState:
    """The whole simulated world; every change wakes waiters through `signal`."""

    def __init__(self, *, bot: User, clock: Clock, privacy_mode: bool = True) -> None:
        self.bot = bot
        self.clock = clock
        self.privacy_mode = privacy_mode
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, list[MessageRecord]] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.photo_sets: dict[str, list[StoredFile]] = {}
        self.updates: list[PendingUpdate] = []
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self.allowed_updates_set: list[str] | None = None
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}  # None: the bot's default
        self.web_app_queries: dict[str, WebAppQueryRecord] = {}
        self.webhook: WebhookConfig | None = None
        self.chat_actions: list[ChatAction] = []
        self.signal = ChangeSignal()
        self.listeners: list[Callable[[TranscriptEvent], None]] = []
        self.requests_in_flight = 0
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._messages_by_id: dict[tuple[int, int], MessageRecord] = {}
        self._serial = itertools.count(1)

    def now(self) -> int:
        """The clock's current instant as UNIX seconds, the unit of every Bot API date."""
        instant = self.clock()
        if instant.tzinfo is None:
            raise ValueError("the server clock must return aware datetimes")
        return int(instant.timestamp())

    def serial(self) -> int:
        """A number never handed out before (file and query identifiers)."""
        return next(self._serial)

    # --- users and chats -------------------------------------------------------------------

    def chat_for(self, chat_id: int | str) -> Chat | None:
        """The chat with this id or `@username`."""
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                name = chat_id[1:].lower()
                return next(
                    (chat for chat in self.chats.values() if (chat.username or "").lower() == name),
                    None,
                )
            try:
                chat_id = int(chat_id)
            except ValueError:
                return None
        return self.chats.get(chat_id)

    def private_chat(self, user: User) -> Chat:
        """The user's private chat with the bot, created on first use."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(
                id=user.id,
                type="private",
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
            )
            self.chats[user.id] = chat
        return chat

    # --- messages --------------------------------------------------------------------------

    def add_message(
        self,
        chat: Chat,
        *,
        sender: User,
        content: dict[str, Any],
        reply_markup: dict[str, Any] | None = None,
        reply_to: MessageRecord | None = None,
    ) -> MessageRecord:
        """Append a message to the chat's transcript with the next message id."""
        message_id = self._next_message_id.get(chat.id, 1)
        self._next_message_id[chat.id] = message_id + 1
        data: dict[str, Any] = {
            "message_id": message_id,
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": self.now(),
        }
        if reply_to is not None:
            replied = reply_to.to_api()
            replied.pop("reply_to_message", None)
            data["reply_to_message"] = replied
        data.update({key: value for key, value in content.items() if value is not None})
        if reply_markup is not None and "inline_keyboard" in reply_markup:
            data["reply_markup"] = reply_markup
        record = MessageRecord(
            chat_id=chat.id,
            message_id=message_id,
            from_bot=sender.id == self.bot.id,
            sender_id=sender.id,
            data=data,
            reply_markup=reply_markup,
        )
        self.messages.setdefault(chat.id, []).append(record)
        self._messages_by_id[(chat.id, message_id)] = record
        self._emit(TranscriptEvent("new", record))
        return record

    def message(self, chat_id: int, message_id: int) -> MessageRecord | None:
        """A message of a chat, deleted or not."""
        return self._messages_by_id.get((chat_id, message_id))

    def edit_message(
        self,
        record: MessageRecord,
        changes: dict[str, Any],
        reply_markup: dict[str, Any] | None,
    ) -> None:
        """Replace content and inline keyboard, keeping the previous version in the history."""
        record.history.append(copy.deepcopy(record.data))
        for key, value in changes.items():
            if value is None:
                record.data.pop(key, None)
            else:
                record.data[key] = value
        if reply_markup is None:
            record.data.pop("reply_markup", None)
        else:
            record.data["reply_markup"] = reply_markup
        record.reply_markup = reply_markup
        record.data["edit_date"] = self.now()
        self._emit(TranscriptEvent("edited", record))

    def delete_message(self, record: MessageRecord) -> None:
        """Mark a message deleted; it stays in the transcript for tests to see."""
        record.deleted = True
        self._emit(TranscriptEvent("deleted", record))

    def transcript(self, chat_id: int) -> list[MessageRecord]:
        """Every message of a chat in order, deleted ones included."""
        return list(self.messages.get(chat_id, []))

    def _emit(self, event: TranscriptEvent) -> None:
        for listener in list(self.listeners):
            listener(event)
        self.signal.bump()

    # --- updates ---------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> PendingUpdate | None:
        """Queue an update for the bot, unless its kind is not in `allowed_updates`."""
        if kind not in self.allowed_updates:
            return None
        update = PendingUpdate(self._next_update_id, kind, payload)
        self._next_update_id += 1
        self.updates.append(update)
        self.signal.bump()
        return update

    def set_allowed_updates(self, kinds: Sequence[str]) -> None:
        """Store `allowed_updates`; an empty list means Telegram's default set."""
        self.allowed_updates_set = list(kinds)
        self.allowed_updates = frozenset(kinds) if kinds else DEFAULT_ALLOWED_UPDATES
        self.updates = [update for update in self.updates if update.kind in self.allowed_updates]
        self.signal.bump()

    def confirm(self, offset: int) -> None:
        """Forget updates below a positive offset, or all but the last `-offset` ones."""
        before = len(self.updates)
        if offset > 0:
            self.updates = [update for update in self.updates if update.update_id >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]
        if len(self.updates) != before:
            self.signal.bump()

    def remove_update(self, update_id: int) -> None:
        """Forget one update (delivered to the webhook)."""
        self.updates = [update for update in self.updates if update.update_id != update_id]
        self.signal.bump()

    def drop_updates(self) -> None:
        """Forget every pending update (`drop_pending_updates`)."""
        self.updates = []
        self.signal.bump()

    # --- files -----------------------------------------------------------------------------

    def store_file(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
        unique_id: str | None = None,
    ) -> StoredFile:
        """Keep a file and give it a file_id, a file_unique_id and a download path."""
        number = self.serial()
        file_id = _identifier("AgAD", f"{kind}:{number}:{self.bot.id}")
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id or _identifier("AQAD", f"{kind[0]}{number}"),
            kind=kind,
            content=content,
            file_path=(
                f"{media.FOLDERS.get(kind, 'documents')}/file_{number}"
                f"{media.extension_for(kind, file_name, mime_type)}"
            ),
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
        )
        self.files[file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def store_photo(self, content: bytes, width: int, height: int) -> list[StoredFile]:
        """Keep a photo as the sizes Telegram offers; any size's file_id finds them all."""
        sizes = [
            self.store_file("photo", content, width=w, height=h)
            for w, h in media.photo_sizes(width, height)
        ]
        for size in sizes:
            self.photo_sets[size.file_id] = sizes
        return sizes


def _identifier(prefix: str, seed: str) -> str:
    return prefix + base64.urlsafe_b64encode(seed.encode()).decode().rstrip("=")
