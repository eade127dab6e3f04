"""Telegram HTML becomes plain text and entities with UTF-16 offsets, as tdlib parses it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_bot.local_bot_api.errors import BotApiError
from cchc_bot.local_bot_api.model.html import EntityParseError, parse_html, utf16_length
from cchc_bot.local_bot_api.model.text import format_text, message_text


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("chào", "chào", []),
        ("<b>Quý I</b>/2024", "Quý I/2024", [{"type": "bold", "offset": 0, "length": 5}]),
        (
            "😀 <i>Trần Đề</i>",
            "😀 Trần Đề",
            [{"type": "italic", "offset": 3, "length": 7}],  # the emoji is 2 UTF-16 units
        ),
        (
            "<b>a<i>b</i></b>",
            "ab",
            [
                {"type": "bold", "offset": 0, "length": 2},
                {"type": "italic", "offset": 1, "length": 1},
            ],
        ),
        ("<strong>x</strong><em>y</em>", "xy", None),
        ("a &lt;b&gt; &amp; &quot;c&quot; &#273; &#x1EA1;", 'a <b> & "c" đ ạ', []),
        ("A & B", "A & B", []),
        (
            '<a href="https://cchc.tran-de.gov.vn">trang</a>',
            "trang",
            [{"type": "text_link", "offset": 0, "length": 5, "url": "https://cchc.tran-de.gov.vn"}],
        ),
        (
            '<a href="tg://user?id=42">Lan</a>',
            "Lan",
            [
                {
                    "type": "text_mention",
                    "offset": 0,
                    "length": 3,
                    "user": {"id": 42, "is_bot": False, "first_name": ""},
                }
            ],
        ),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
        ),
        ("<code>1.234,5</code>", "1.234,5", [{"type": "code", "offset": 0, "length": 7}]),
        (
            "<blockquote expandable>dài</blockquote>",
            "dài",
            [{"type": "expandable_blockquote", "offset": 0, "length": 3}],
        ),
        (
            '<span class="tg-spoiler">bí mật</span>',
            "bí mật",
            [{"type": "spoiler", "offset": 0, "length": 6}],
        ),
        ("<b></b>trống", "trống", []),
        ("<B>hoa</B>", "hoa", [{"type": "bold", "offset": 0, "length": 3}]),
        ("<b>x</>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
    ],
)
def test_html_parses_to_text_and_entities(
    source: str, text: str, entities: list[dict[str, Any]] | None
) -> None:
    parsed = parse_html(source)
    assert parsed.text == text
    if entities is not None:
        assert parsed.entities == entities


def test_unknown_character_reference_is_literal_when_not_strict() -> None:
    assert parse_html("&nbsp;", strict_entities=False).text == "&nbsp;"
    with pytest.raises(EntityParseError, match="Unsupported HTML entity"):
        parse_html("&nbsp;")


def test_surrounding_whitespace_is_trimmed_and_entities_shift() -> None:
    formatted = format_text("\n  <b>Báo cáo</b>  \n", "HTML", None)
    assert formatted.text == "Báo cáo"
    assert formatted.entities == [{"type": "bold", "offset": 0, "length": 7}]


def test_unsupported_parse_mode_is_rejected() -> None:
    with pytest.raises(BotApiError, match="unsupported parse_mode"):
        message_text("x", "Textile", None)
    with pytest.raises(BotApiError, match="MarkdownV2 is not implemented"):
        message_text("x", "MarkdownV2", None)


@given(st.text(max_size=60))
def test_escaped_text_always_parses_back_to_itself(raw: str) -> None:
    escaped = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parsed = parse_html(f"<b>{escaped}</b>")
    assert parsed.text == raw
    if raw:
        assert parsed.entities == [{"type": "bold", "offset": 0, "length": utf16_length(raw)}]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("Gõ /baocao để bắt đầu", [("bot_command", "/baocao")]),
        ("/report@cchc_test_bot 2024-Q1", [("bot_command", "/report@cchc_test_bot")]),
        (
            "Xem https://t.me/cchc_test_bot?start=abc.",
            [("url", "https://t.me/cchc_test_bot?start=abc")],
        ),
        ("Hạn 11/12/2024, tỷ lệ 17/20, 1.234,5", []),
        (
            "Hỏi @phongnoivu hoặc noivu@trande.gov.vn",
            [("mention", "@phongnoivu"), ("email", "noivu@trande.gov.vn")],
        ),
        ("#CCHC #2024", [("hashtag", "#CCHC")]),
        ("<code>/report</code> 😀 /help", [("code", "/report"), ("bot_command", "/help")]),
    ],
)
def test_telegram_detects_commands_links_and_mentions_by_itself(
    source: str, found: list[tuple[str, str]]
) -> None:
    formatted = format_text(source, "HTML", None)
    utf16 = formatted.text.encode("utf-16-le")
    pieces = [
        (e["type"], utf16[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le"))
        for e in formatted.entities
    ]
    assert pieces == found
