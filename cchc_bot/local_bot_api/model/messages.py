"""Messages of a chat's transcript, with their edits, and the events a live view receives."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["new", "edited", "deleted"]

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
