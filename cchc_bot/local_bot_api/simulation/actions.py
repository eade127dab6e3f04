"""What simulated users do: send messages and files, edit, forward, and press buttons."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.errors import ScenarioError
from cchc_bot.local_bot_api.model import media
from cchc_bot.local_bot_api.model.autodetect import with_detected_entities
from cchc_bot.local_bot_api.model.chats import Chat, User
from cchc_bot.local_bot_api.model.messages import MessageRecord
from cchc_bot.local_bot_api.model.updates import CallbackQueryRecord
from cchc_bot.local_bot_api.simulation.people import People


class UserActions(People):
    """Everything a user can do in a chat with the bot, as the bot will see it."""

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


def _utf16_slice(text: str, entity: dict[str, Any]) -> str:
    units = text.encode("utf-16-le")
    start, end = 2 * int(entity["offset"]), 2 * (int(entity["offset"]) + int(entity["length"]))
    return units[start:end].decode("utf-16-le")
