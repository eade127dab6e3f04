"""Sending files by upload or file_id, and getFile for downloading them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model import media
from cchc_bot.local_bot_api.model.spec import UploadedFile

FILE_METHODS = {
    "sendDocument": "document",
    "sendPhoto": "photo",
    "sendAudio": "audio",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}


class FileMethods(ApiBase):
    """sendDocument, sendPhoto and the other file senders, and getFile."""

    def file_sender(self, method: str) -> Callable[[Params], dict[str, Any]]:
        """The handler of one of `FILE_METHODS`."""
        kind = FILE_METHODS[method]

        def send(params: Params) -> dict[str, Any]:
            chat = self.writable_chat(params["chat_id"])
            caption = self._caption(params) if kind not in ("sticker", "video_note") else None
            content: dict[str, Any] = {kind: self._media(kind, params[kind], params)}
            if kind == "sticker" and "emoji" in params:
                content[kind]["emoji"] = params["emoji"]
            if caption is not None:
                content["caption"] = caption.text
                if caption.entities:
                    content["caption_entities"] = caption.entities
            return self._deliver(chat, content, params).to_api()

        send.__doc__ = f"{method}: upload by multipart or re-send by file_id."
        return send

    def _media(self, kind: str, value: UploadedFile | str, params: Params) -> Any:
        if isinstance(value, UploadedFile):
            return self._upload(kind, value, params)
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        if kind == "photo" and value in self.state.photo_sets:
            return [size.to_api() for size in self.state.photo_sets[value]]
        stored = self.state.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {_title(stored.kind)} as {_title(kind)}")
        return stored.to_api()

    def _upload(self, kind: str, upload: UploadedFile, params: Params) -> Any:
        content = upload.content
        if not content:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            size = media.image_size(content)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            if min(size) == 0 or max(size) / min(size) > media.MAX_PHOTO_RATIO:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            return [stored.to_api() for stored in self.state.store_photo(content, *size)]
        width: int | None = params.get("width")
        height: int | None = params.get("height")
        if kind == "sticker":
            width, height = media.image_size(content) or (512, 512)
        named = kind in ("document", "audio", "video", "animation")
        stored = self.state.store_file(
            kind,
            content,
            file_name=upload.filename if named else None,
            mime_type=media.guess_mime_type(upload.filename, upload.content_type),
            width=width,
            height=height,
            duration=params.get("duration"),
        )
        return stored.to_api()

    def get_file(self, params: Params) -> dict[str, Any]:
        """getFile: where to download a file from."""
        stored = self.state.files.get(str(params["file_id"]))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > media.MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return stored.to_file()


def _title(kind: str) -> str:
    return kind.replace("_", " ").title().replace(" ", "")
