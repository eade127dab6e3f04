"""Message texts and captions as Telegram stores them: parse mode, trimming, length limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model.autodetect import with_detected_entities
from cchc_bot.local_bot_api.model.html import EntityParseError, parse_html, utf16_length

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
_TRIMMED = " \t\r\n\v\f"


@dataclass(frozen=True)
class FormattedText:
    """Text after entity parsing, with its entities (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def format_text(
    text: str,
    parse_mode: str | None,
    entities: Sequence[dict[str, Any]] | None,
    *,
    strict_entities: bool = True,
) -> FormattedText:
    """Apply the parse mode (HTML or none) and trim surrounding whitespace, as Telegram does."""
    mode = (parse_mode or "").lower()
    if mode in ("", "none"):
        parsed = FormattedText(text, [dict(entity) for entity in entities or []])
    elif mode == "html":
        try:
            html = parse_html(text, strict_entities=strict_entities)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        parsed = FormattedText(html.text, html.entities)
    elif mode in ("markdown", "markdownv2"):
        raise bad_request(
            f"can't parse entities: parse_mode {parse_mode} is not implemented by the local "
            "Bot API server; use HTML"
        )
    else:
        raise bad_request("unsupported parse_mode")
    trimmed = _trimmed(parsed)
    return FormattedText(trimmed.text, with_detected_entities(trimmed.text, trimmed.entities))


def _trimmed(formatted: FormattedText) -> FormattedText:
    text = formatted.text
    stripped_left = text.lstrip(_TRIMMED)
    shift = utf16_length(text) - utf16_length(stripped_left)
    stripped = stripped_left.rstrip(_TRIMMED)
    limit = utf16_length(stripped)
    entities: list[dict[str, Any]] = []
    for entity in formatted.entities:
        start = max(int(entity["offset"]) - shift, 0)
        end = min(int(entity["offset"]) + int(entity["length"]) - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


def message_text(
    text: str,
    parse_mode: str | None,
    entities: Sequence[dict[str, Any]] | None,
    *,
    strict_entities: bool = True,
) -> FormattedText:
    """The text of a new or edited message: 1-4096 UTF-16 units after entity parsing."""
    if not text:
        raise bad_request("message text is empty")
    formatted = format_text(text, parse_mode, entities, strict_entities=strict_entities)
    if not formatted.text:
        raise bad_request("message must be non-empty")
    if utf16_length(formatted.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return formatted


def caption_text(
    caption: str | None,
    parse_mode: str | None,
    entities: Sequence[dict[str, Any]] | None,
    *,
    strict_entities: bool = True,
) -> FormattedText | None:
    """A media caption: 0-1024 UTF-16 units after entity parsing; None when empty."""
    if not caption:
        return None
    formatted = format_text(caption, parse_mode, entities, strict_entities=strict_entities)
    if utf16_length(formatted.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return formatted if formatted.text else None
