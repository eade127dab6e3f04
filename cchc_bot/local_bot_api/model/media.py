"""Files as Telegram describes them: kinds, storage folders, MIME types and photo sizes."""

from __future__ import annotations

import mimetypes
import struct

# Telegram's folder for each kind of file, as it appears in `File.file_path`.
FOLDERS = {
    "document": "documents",
    "photo": "photos",
    "audio": "music",
    "video": "videos",
    "animation": "animations",
    "voice": "voice",
    "video_note": "video_notes",
    "sticker": "stickers",
}
DEFAULT_EXTENSIONS = {
    "document": "",
    "photo": ".jpg",
    "audio": ".mp3",
    "video": ".mp4",
    "animation": ".mp4",
    "voice": ".oga",
    "video_note": ".mp4",
    "sticker": ".webp",
}
# Longest side of the smaller copies Telegram makes of a photo, and of the largest one.
PHOTO_SIDES = (90, 320, 800)
MAX_PHOTO_SIDE = 2560
MAX_PHOTO_RATIO = 20
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


def guess_mime_type(file_name: str | None, declared: str | None) -> str:
    """The MIME type Telegram reports: from the file name first, as Telegram does."""
    if file_name:
        guessed, _ = mimetypes.guess_type(file_name, strict=False)
        if guessed:
            return guessed
    if declared and declared != "application/octet-stream":
        return declared
    return "application/octet-stream"


def extension_for(kind: str, file_name: str | None, mime_type: str | None) -> str:
    """The extension of the stored copy (`documents/file_3.xlsx`)."""
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()
    if mime_type:
        guessed = mimetypes.guess_extension(mime_type, strict=False)
        if guessed:
            return guessed
    return DEFAULT_EXTENSIONS.get(kind, "")


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image, or None if it is not one."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return _webp_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            index += 1
            continue
        marker = content[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        length = int.from_bytes(content[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def _webp_size(content: bytes) -> tuple[int, int] | None:
    chunk = content[12:16]
    if chunk == b"VP8 " and len(content) >= 30:
        width, height = struct.unpack("<HH", content[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L" and len(content) >= 25:
        bits = int.from_bytes(content[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(content) >= 30:
        width = int.from_bytes(content[24:27], "little") + 1
        height = int.from_bytes(content[27:30], "little") + 1
        return width, height
    return None


def photo_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The sizes Telegram keeps of a photo: small copies, then the (capped) original."""
    longest = max(width, height)
    sizes: list[tuple[int, int]] = []
    for side in PHOTO_SIDES:
        if longest > side:
            scale = side / longest
            sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
    if longest > MAX_PHOTO_SIDE:
        scale = MAX_PHOTO_SIDE / longest
        sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
    else:
        sizes.append((width, height))
    return sizes
