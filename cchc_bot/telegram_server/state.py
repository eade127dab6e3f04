"""What the simulated Telegram knows: the bot, users, chats, messages, files and updates."""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cchc_bot.clock import Clock
from cchc_bot.telegram_server import media

ChatType = Literal["private", "group", "supergroup", "channel"]
BotStatus = Literal["administrator", "member", "left", "kicked"]
EventKind = Literal["new", "edited", "deleted"]

# Update kinds Telegram sends when `allowed_updates` is empty or was never set.
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# The parts of a Message that hold its content, in the order `MessageRecord.kind` tries them.
CONTENT_KEYS = (
    "text",
    "document",
    "photo",
    "sticker",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "location",
    "venue",
    "contact",
    "dice",
    "poll",
)


class ChangeSignal:
    """Wakes every waiter whenever the simulated world changes; counts the changes."""

    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()

    def changed_since(self, version: int) -> bool:
        """Whether anything changed after `version` was read."""
        return self.version != version

    def bump(self) -> None:
        """Record a change and wake everyone waiting for one."""
        self.version += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], within: float | None) -> None:
        """Return once `predicate()` holds; raise TimeoutError after `within` seconds."""
        async with asyncio.timeout(within):
            while not predicate():
                await self._event.wait()


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


@dataclass
class MessageRecord:
    """One message of a chat's transcript, as it is now and as it was before each edit."""

    chat_id: int
    message_id: int
    from_bot: bool
    sender_id: int
    data: dict[str, Any]
    reply_markup: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def text(self) -> str | None:
        """The current text (None for media)."""
        value = self.data.get("text")
        return value if isinstance(value, str) else None

    @property
    def caption(self) -> str | None:
        """The current caption of a media message."""
        value = self.data.get("caption")
        return value if isinstance(value, str) else None

    @property
    def entities(self) -> list[dict[str, Any]]:
        """Entities of the text, or of the caption."""
        value = self.data.get("entities") or self.data.get("caption_entities") or []
        return list(value)

    @property
    def date(self) -> int:
        """UNIX time the message was sent."""
        return int(self.data["date"])

    @property
    def edit_date(self) -> int | None:
        """UNIX time of the last edit."""
        value = self.data.get("edit_date")
        return int(value) if value is not None else None

    @property
    def kind(self) -> str:
        """What the message holds: `text`, `document`, `photo`, ..."""
        return next((key for key in CONTENT_KEYS if key in self.data), "other")

    @property
    def document(self) -> dict[str, Any] | None:
        """The Document object, if the message carries one."""
        value = self.data.get("document")
        return value if isinstance(value, dict) else None

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        """The PhotoSize list, if the message carries a photo."""
        value = self.data.get("photo")
        return value if isinstance(value, list) else None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        """Rows of the inline keyboard currently under the message."""
        markup = self.data.get("reply_markup") or {}
        return [list(row) for row in markup.get("inline_keyboard", [])]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button currently under the message, row by row."""
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        """Labels of the inline buttons currently under the message."""
        return [str(button["text"]) for button in self.buttons]

    @property
    def edits(self) -> list[dict[str, Any]]:
        """Earlier versions of the message, oldest first."""
        return list(self.history)

    def find_button(
        self, *, text: str | None = None, callback_data: str | None = None
    ) -> dict[str, Any] | None:
        """The inline button with this label and/or callback data, if the message offers it."""
        for button in self.buttons:
            if text is not None and button.get("text") != text:
                continue
            if callback_data is not None and button.get("callback_data") != callback_data:
                continue
            return button
        return None

    def to_api(self) -> dict[str, Any]:
        """The Bot API Message object (a copy)."""
        return copy.deepcopy(self.data)

    def snapshot(self) -> dict[str, Any]:
        """Everything a transcript shows about this message, as JSON-ready data."""
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "sender_id": self.sender_id,
            "kind": self.kind,
            "date": self.date,
            "text": self.text,
            "caption": self.caption,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "edit_date": self.edit_date,
            "edits": self.edits,
            "deleted": self.deleted,
            "message": self.to_api(),
        }

    def describe(self) -> str:
        """One line for error messages: who, what, and which buttons."""
        who = "bot" if self.from_bot else f"user {self.sender_id}"
        body = self.text if self.text is not None else f"<{self.kind}> {self.caption or ''}"
        buttons = f" {self.button_texts}" if self.buttons else ""
        gone = " (deleted)" if self.deleted else ""
        return f"#{self.message_id} {who}: {body!r}{buttons}{gone}"


@dataclass(frozen=True)
class TranscriptEvent:
    """A message appeared, changed or disappeared (for live views such as the sandbox)."""

    kind: EventKind
    record: MessageRecord


@dataclass
class StoredFile:
    """A file Telegram holds: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None

    @property
    def file_size(self) -> int:
        """Size in bytes."""
        return len(self.content)

    def to_api(self) -> dict[str, Any]:
        """The Bot API object for this file (Document, PhotoSize, Voice, ...)."""
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.kind in ("document", "audio", "video", "animation") and self.file_name:
            data["file_name"] = self.file_name
        if self.kind in ("document", "audio", "video", "animation", "voice") and self.mime_type:
            data["mime_type"] = self.mime_type
        if self.kind in ("photo", "video", "animation", "sticker"):
            data["width"] = self.width or 0
            data["height"] = self.height or 0
        if self.kind in ("audio", "video", "animation", "voice", "video_note"):
            data["duration"] = self.duration or 0
        if self.kind == "video_note":
            data["length"] = self.width or 240
        if self.kind == "sticker":
            data.update(type="regular", is_animated=False, is_video=False)
        return data

    def to_file(self) -> dict[str, Any]:
        """The Bot API File object `getFile` answers with."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class PendingUpdate:
    """An update waiting to be fetched by getUpdates and confirmed, or delivered to a webhook."""

    update_id: int
    kind: str
    payload: dict[str, Any]

    def to_api(self) -> dict[str, Any]:
        """The Bot API Update object."""
        return {"update_id": self.update_id, self.kind: copy.deepcopy(self.payload)}


@dataclass
class CallbackQueryRecord:
    """A button press the bot has to answer with answerCallbackQuery."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class WebhookConfig:
    """The webhook the bot set, and how delivering to it went."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True)
class ChatAction:
    """A `sendChatAction` the bot made (typing, upload_document, ...)."""

    chat_id: int
    action: str
    date: int


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
