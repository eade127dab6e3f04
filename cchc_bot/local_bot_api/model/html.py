"""Telegram's HTML parse mode: tags become entities; malformed markup fails as Telegram fails.

The parser follows tdlib's `parse_html` (the code behind the Bot API): the same tags, the
same attribute rules, the same error wording with UTF-8 byte offsets, and entity offsets
and lengths in UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_SPACES = frozenset(" \t\r\n\v\f")
_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_LIKE = re.compile(r"&#?[A-Za-z0-9]+;")
_USER_LINK = re.compile(r"tg://user\?id=(\d+)")
_LINK_SCHEMES = ("http://", "https://", "tg://", "ton://", "ftp://", "mailto:")
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is tdlib's."""


@dataclass(frozen=True)
class ParsedText:
    """Plain text and its MessageEntity objects (offsets in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    argument: str
    expandable: bool
    utf16_offset: int
    piece_index: int


def utf16_length(text: str) -> int:
    """Length of a string in UTF-16 code units, the unit of Telegram's limits and offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, start: int) -> tuple[str, int] | None:
    """Decode `&lt;`, `&#65;`, `&#x41;` (the `;` is optional, as in tdlib) at `start`."""
    end = start + 1
    if source.startswith("#", end):
        end += 1
        hexadecimal = source.startswith("x", end)
        if hexadecimal:
            end += 1
        digits_start = end
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < len(source) and source[end] in allowed:
            end += 1
        digits = source[digits_start:end]
        code = int(digits, 16 if hexadecimal else 10) if digits else 0
        if code == 0 or code >= 0x10FFFF or end - start >= 10:
            return None
        decoded = chr(code)
    else:
        while end < len(source) and source[end].isascii() and source[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(source[start + 1 : end])
        if named is None:
            return None
        decoded = named
    if source.startswith(";", end):
        end += 1
    return decoded, end


def _checked_link(url: str) -> str | None:
    url = url.strip()
    if not url or any(ch in _SPACES for ch in url):
        return None
    if url.lower().startswith(_LINK_SCHEMES):
        return url
    if "://" in url or "." not in url:
        return None
    return f"http://{url}"


def parse_html(source: str, *, strict_entities: bool = True) -> ParsedText:
    """Parse Telegram HTML into plain text and entities, or raise `EntityParseError`.

    With `strict_entities` an unknown character reference such as `&nbsp;` is an error
    (Telegram keeps it as literal text): it nearly always means text was not escaped.
    """
    size = len(source)

    def at(index: int) -> str:
        return source[index] if index < size else "\0"

    def is_space(ch: str) -> bool:
        return ch in _SPACES or ch == "\0"

    pieces: list[str] = []
    utf16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[_OpenTag] = []
    i = 0
    while i < size:
        ch = source[i]
        if ch == "&":
            decoded = _decode_entity(source, i)
            if decoded is not None:
                pieces.append(decoded[0])
                utf16 += utf16_length(decoded[0])
                i = decoded[1]
                continue
            if strict_entities and (match := _ENTITY_LIKE.match(source, i)):
                raise EntityParseError(
                    f'Unsupported HTML entity "{match.group(0)}" at byte offset '
                    f"{_byte_offset(source, i)}"
                )
        if ch != "<":
            pieces.append(ch)
            utf16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue

        begin = i
        offset = _byte_offset(source, begin)
        i += 1
        if at(i) != "/":
            while not is_space(at(i)) and at(i) != ">":
                i += 1
            if i >= size:
                raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
            tag = source[begin + 1 : i].lower()
            if tag not in _SUPPORTED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
            argument = ""
            expandable = False
            while at(i) != ">":
                while i < size and is_space(at(i)):
                    i += 1
                if at(i) == ">":
                    break
                attribute_begin = i
                while not is_space(at(i)) and at(i) not in "=>":
                    i += 1
                attribute = source[attribute_begin:i]
                if not attribute:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {offset}'
                    )
                while i < size and is_space(at(i)):
                    i += 1
                if at(i) != "=":
                    if tag == "blockquote" and attribute.lower() == "expandable":
                        expandable = True
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {offset}'
                    )
                i += 1
                while i < size and is_space(at(i)):
                    i += 1
                if i >= size:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {offset}')
                if at(i) not in "'\"":
                    token_begin = i
                    while (at(i).isascii() and at(i).isalnum()) or at(i) in ".-":
                        i += 1
                    value = source[token_begin:i].lower()
                    if not is_space(at(i)) and at(i) != ">":
                        raise EntityParseError(
                            "Unexpected end of name token at byte offset "
                            f"{_byte_offset(source, token_begin)}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    chars: list[str] = []
                    while i < size and at(i) != quote:
                        if at(i) == "&" and (decoded := _decode_entity(source, i)) is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                        chars.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(chars)
                if i >= size:
                    raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
                name = attribute.lower()
                if tag == "a" and name == "href":
                    argument = value
                elif tag == "code" and name == "class" and value.startswith("language-"):
                    argument = value.removeprefix("language-")
                elif tag == "span" and name == "class" and value.startswith("tg-"):
                    argument = value.removeprefix("tg-")
                elif tag == "tg-emoji" and name == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
                )
            stack.append(_OpenTag(tag, argument, expandable, utf16, len(pieces)))
            i += 1
            continue

        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
        while not is_space(at(i)) and at(i) != ">":
            i += 1
        end_tag = source[begin + 2 : i].lower()
        while i < size and is_space(at(i)):
            i += 1
        if at(i) != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
        opened = stack[-1]
        if end_tag and end_tag != opened.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.name}>", '
                f'found "</{end_tag}>"'
            )
        if utf16 > opened.utf16_offset:
            inner_text = "".join(pieces[opened.piece_index :])
            _close(opened, utf16 - opened.utf16_offset, inner_text, entities)
        stack.pop()
        i += 1

    if stack:
        raise EntityParseError(f"Can't find end tag corresponding to start tag {stack[-1].name}")
    for entity in entities:
        language = entity.pop("_language", "")
        if entity["type"] == "pre" and language:
            entity["language"] = language
    entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))
    return ParsedText("".join(pieces), entities)


def _close(opened: _OpenTag, length: int, inner_text: str, entities: list[dict[str, Any]]) -> None:
    """Turn a closed tag into its entity, merging `<pre><code class=...>` as tdlib does."""
    offset = opened.utf16_offset
    tag = opened.name
    previous = entities[-1] if entities else None
    same_span = (
        previous is not None and previous["offset"] == offset and previous["length"] == length
    )
    if tag in _SIMPLE_TAGS:
        entities.append({"type": _SIMPLE_TAGS[tag], "offset": offset, "length": length})
    elif tag == "span":
        entities.append({"type": "spoiler", "offset": offset, "length": length})
    elif tag == "tg-emoji":
        if not opened.argument.isdigit() or int(opened.argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": opened.argument,
            }
        )
    elif tag == "a":
        url = opened.argument or inner_text
        user = _USER_LINK.fullmatch(url)
        if user is not None:
            entities.append(
                {
                    "type": "text_mention",
                    "offset": offset,
                    "length": length,
                    "user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""},
                }
            )
        elif (checked := _checked_link(url)) is not None:
            entities.append(
                {"type": "text_link", "offset": offset, "length": length, "url": checked}
            )
    elif tag == "pre":
        if (
            same_span
            and previous is not None
            and previous["type"] == "code"
            and previous.get("_language")
        ):
            previous["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        if same_span and previous is not None and previous["type"] == "pre" and opened.argument:
            previous["_language"] = opened.argument
        else:
            entities.append(
                {"type": "code", "offset": offset, "length": length, "_language": opened.argument}
            )
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.expandable else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
