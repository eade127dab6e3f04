"""Files Telegram holds: what the bot uploaded and what users sent, with ids and download paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
