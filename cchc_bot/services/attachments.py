"""The signed report file: the types taken, whether its bytes are that type, its shown name."""

from __future__ import annotations

from typing import Final

# Signed report files: what Phòng Nội vụ files with the province.
ALLOWED_ATTACHMENTS: Final = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Bots can download files up to 20 MB through getFile.
MAX_ATTACHMENT_BYTES: Final = 20 * 1024 * 1024

_ZIP: Final = b"PK\x03\x04"  # DOCX and XLSX are zip packages
_OLE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # DOC and XLS are OLE compound files
SIGNATURES: Final[dict[str, bytes]] = {
    ".pdf": b"%PDF",
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
}
"""The first bytes every file of a type starts with."""

SHOWN_NAME_MAX: Final = 200
"""Longer file names are shortened in replies."""
STORED_NAME_MAX: Final = 255
"""The `attachments.file_name` column's length: longer names are stored shortened."""


def suffix_of(file_name: str) -> str:
    """The file's extension, lower case with its dot ("" when it has none)."""
    return "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def content_matches(suffix: str, content: bytes) -> bool:
    """Whether the file's first bytes are those of the type its extension names."""
    signature = SIGNATURES.get(suffix)
    return signature is not None and content.startswith(signature)


def kind_label(suffix: str) -> str:
    """The type as people name it: "PDF", "DOCX"."""
    return suffix.lstrip(".").upper()


def shown_name(file_name: str, limit: int = SHOWN_NAME_MAX) -> str:
    """The name as shown in a reply: at most `limit` characters, the extension kept."""
    if len(file_name) <= limit:
        return file_name
    suffix = suffix_of(file_name)
    if len(suffix) > 10:  # not a real extension: cut the name as it is
        suffix = ""
    stem = file_name[: len(file_name) - len(suffix)] if suffix else file_name
    return stem[: limit - len(suffix) - 1] + "…" + (file_name[-len(suffix) :] if suffix else "")
