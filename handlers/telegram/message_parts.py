"""Split Telegram HTML into messages by rendered length, never inside a tag or an entity.

Telegram's 4,096 limit counts the text left after entity parsing, in UTF-16 code units,
so cutting the HTML source (which drops closing tags) both wastes room and breaks parsing
("Can't find end tag"). Here the text is read as tokens (tags, character references,
characters); parts are cut between lines where possible, else at a space, else between
two characters. Tags still open at a cut are closed at the end of the part and reopened
at the start of the next one, so every part parses on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from typing import Final, Literal

TELEGRAM_LIMIT: Final = 4096
"""Longest message text, in UTF-16 code units after entity parsing."""

# Tags as Telegram's HTML parse mode knows them (name, then optional attributes), and the
# character references it decodes; anything else is plain text.
_TOKEN: Final = re.compile(
    r"(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);)",
)

_Kind = Literal["text", "open", "close"]


@dataclass(frozen=True, slots=True)
class _Token:
    """One indivisible piece of source: a tag, a character reference or a character."""

    source: str
    kind: _Kind
    name: str = ""
    rendered: str = ""

    @property
    def size(self) -> int:
        return utf16_length(self.rendered)


@dataclass(frozen=True, slots=True)
class _Segment:
    """A run of tokens with the tags open where it starts; `joiner` goes before it."""

    opened: tuple[_Token, ...]
    tokens: tuple[_Token, ...]
    joiner: str

    @property
    def size(self) -> int:
        return sum(token.size for token in self.tokens)

    @property
    def closing(self) -> tuple[_Token, ...]:
        """The tags still open at the end of the segment, innermost last."""
        return _open_after(self.opened, self.tokens)


def utf16_length(text: str) -> int:
    """Length of a string in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def rendered_text(source: str) -> str:
    """The text Telegram shows for well-formed HTML: tags dropped, references decoded."""
    return "".join(token.rendered for token in _tokens(source))


def split_html(lines: Sequence[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join HTML lines into as few messages as fit `limit`, each one valid on its own."""
    if limit < 2:
        raise ValueError(f"limit must be at least 2, got {limit}")
    whole_text = "\n".join(lines)
    # The source is never shorter than what it renders to: when it fits, so does the message
    # (the common case, which skips tokenising every character).
    if utf16_length(whole_text) <= limit:
        return [whole_text]
    segments = _segments(whole_text)
    parts: list[str] = []
    current: list[_Segment] = []
    size = 0
    for whole in segments:
        # A line too long for any message starts in the room the current part has left.
        room = limit - size - (utf16_length(whole.joiner) if current else 0)
        first = room if whole.size > limit and room * 4 >= limit else limit
        for segment in _fitting(whole, first, limit):
            extra = segment.size + (utf16_length(segment.joiner) if current else 0)
            if current and size + extra > limit:
                parts.append(_render(current))
                current, size = [], 0
                extra = segment.size
            if not current and segment.size == 0 and not segment.tokens:
                continue  # an empty line opening a part would only be trimmed away
            current.append(segment)
            size += extra
    if current:
        parts.append(_render(current))
    kept = [part for part in parts if rendered_text(part).strip()]
    return kept or [parts[0] if parts else ""]


def truncate_html(source: str, limit: int = TELEGRAM_LIMIT, ellipsis: str = "…") -> str:
    """The first part of `source` that fits `limit` with `ellipsis` added, still valid HTML."""
    if utf16_length(source) <= limit or utf16_length(rendered_text(source)) <= limit:
        return source
    first = split_html([source], limit - utf16_length(ellipsis))[0]
    closing = re.search(r"(?:</[A-Za-z][A-Za-z0-9-]*>)*\Z", first)
    cut = closing.start() if closing is not None else len(first)
    return first[:cut] + ellipsis + first[cut:]


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    for match in _TOKEN.finditer(source):
        tokens.extend(
            _Token(char, "text", rendered=char) for char in source[position : match.start()]
        )
        if match.group("tag") is not None:
            closing = match.group("tag").startswith("</")
            kind: _Kind = "close" if closing else "open"
            tokens.append(_Token(match.group(0), kind, name=match.group("name").lower()))
        else:
            tokens.append(_Token(match.group(0), "text", rendered=unescape(match.group(0))))
        position = match.end()
    tokens.extend(_Token(char, "text", rendered=char) for char in source[position:])
    return tokens


def _open_after(opened: Sequence[_Token], tokens: Sequence[_Token]) -> tuple[_Token, ...]:
    stack = list(opened)
    for token in tokens:
        if token.kind == "open":
            stack.append(token)
        elif token.kind == "close" and stack:
            # Well-formed input closes the innermost tag; tolerate a stray closer.
            for index in range(len(stack) - 1, -1, -1):
                if stack[index].name == token.name:
                    del stack[index:]
                    break
    return tuple(stack)


def _segments(source: str) -> list[_Segment]:
    """The source's lines, each with the tags open where it starts."""
    segments: list[_Segment] = []
    opened: tuple[_Token, ...] = ()
    line: list[_Token] = []
    joiner = ""
    for token in _tokens(source):
        if token.kind == "text" and token.source == "\n":
            segment = _Segment(opened, tuple(line), joiner)
            segments.append(segment)
            opened, line, joiner = segment.closing, [], "\n"
            continue
        line.append(token)
    segments.append(_Segment(opened, tuple(line), joiner))
    return segments


def _fitting(segment: _Segment, first: int, limit: int) -> list[_Segment]:
    """A line cut into pieces (the first of at most `first`, the others `limit`), at spaces."""
    pieces: list[_Segment] = []
    room = first
    while segment.size > room:
        size = 0
        cut = 0
        space = 0
        for index, token in enumerate(segment.tokens):
            if size + token.size > room:
                break
            size += token.size
            cut = index + 1
            if token.kind == "text" and token.rendered.isspace():
                space = index + 1
        # Cut after the last space unless that leaves a short piece; the space stays at the
        # end of the piece, so the pieces read back as the line.
        cut = space if space * 2 > cut else max(cut, 1)
        head = _Segment(segment.opened, segment.tokens[:cut], segment.joiner)
        pieces.append(head)
        segment = _Segment(head.closing, segment.tokens[cut:], "")
        room = limit
    pieces.append(segment)
    return pieces


def _render(segments: Sequence[_Segment]) -> str:
    first, last = segments[0], segments[-1]
    body = "".join(
        (segment.joiner if index else "") + "".join(token.source for token in segment.tokens)
        for index, segment in enumerate(segments)
    )
    opening = "".join(token.source for token in first.opened)
    closing = "".join(f"</{token.name}>" for token in reversed(last.closing))
    return opening + body + closing
