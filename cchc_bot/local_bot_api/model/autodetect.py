"""Entities Telegram finds in any text by itself: /commands, @mentions, #hashtags, URLs, e-mails.

The patterns are deliberately conservative (a URL needs its scheme): finding fewer entities
than Telegram is harmless for a bot, inventing ones Telegram would not find is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cchc_bot.local_bot_api.model.html import utf16_length

_PATTERNS = (
    ("url", re.compile(r"(?<![\w/@])https?://[^\s<>\"]+")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("bot_command", re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
)
_TRAILING = ".,;:!?)]}'\""
# Telegram finds nothing inside these.
_OPAQUE = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})
_PRIORITY = {"blockquote": 0, "expandable_blockquote": 0, "pre": 11, "code": 20}


def with_detected_entities(text: str, entities: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`entities` plus the ones Telegram detects in `text`, sorted as Telegram sorts them."""
    taken = [
        (int(e["offset"]), int(e["offset"]) + int(e["length"]))
        for e in entities
        if e["type"] in _OPAQUE
    ]
    found: list[dict[str, Any]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(0)
            if kind == "url":
                value = value.rstrip(_TRAILING)
            start = utf16_length(text[: match.start()])
            end = start + utf16_length(value)
            spans = taken + [(int(e["offset"]), int(e["offset"]) + int(e["length"])) for e in found]
            if any(start < stop and begin < end for begin, stop in spans):
                continue
            found.append({"type": kind, "offset": start, "length": end - start})
    merged = [dict(entity) for entity in entities] + found
    merged.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))
    return merged
