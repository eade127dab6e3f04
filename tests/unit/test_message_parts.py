"""Long HTML messages are split on rendered length and every part parses as Telegram does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.local_bot_api.model.html import parse_html, utf16_length
from cchc_bot.texts import chat_common
from handlers.telegram.message_parts import TELEGRAM_LIMIT, rendered_text, split_html, truncate_html
from handlers.telegram.report_views import split_messages


def rendered(part: str) -> str:
    """What Telegram shows for a part (raises if Telegram would refuse it)."""
    return parse_html(part).text


def test_a_long_bold_answer_is_split_into_parts_that_each_parse() -> None:
    answer = "Khó khăn <nhân lực> & hạ tầng; " * 130  # 4.030 characters with < and &
    lines = [
        "📋 <b>Tóm tắt</b>",
        f"12. Khó khăn, vướng mắc: <b>{chat_common.html(answer)}</b>",
        "Hết.",
    ]
    parts = split_messages(lines)
    assert len(parts) == 2
    for part in parts:
        assert utf16_length(rendered(part)) <= 3900
    # The second part reopens the bold the first one had to close.
    assert parts[0].endswith("</b>")
    assert parts[1].startswith("<b>")
    bold = [e for e in parse_html(parts[1]).entities if e["type"] == "bold"]
    assert bold
    assert bold[0]["offset"] == 0
    assert "".join(rendered(part) for part in parts).replace("\n", "") == (
        "📋 Tóm tắt" + f"12. Khó khăn, vướng mắc: {answer}" + "Hết."
    )


def test_escaped_brackets_count_as_one_character_each() -> None:
    reason = "<" * 1000  # 4.000 characters of HTML source, 1.000 rendered
    lines = [f"↩️ Phòng Nội vụ trả lại báo cáo: <i>{chat_common.html(reason)}</i>", "Tóm tắt"]
    parts = split_messages(lines)
    assert parts == ["\n".join(lines)]
    assert rendered(parts[0]).count("<") == 1000


def test_lines_are_kept_whole_when_they_fit() -> None:
    lines = [f"<b>{n:02}</b>. " + "x" * 97 for n in range(100)]  # 101 rendered each
    parts = split_html(lines, 1000)
    assert all(utf16_length(rendered(part)) <= 1000 for part in parts)
    assert [line for part in parts for line in part.split("\n")] == lines
    # 9 lines and their 8 breaks (917) fit in 1000, 10 lines (1019) do not: 100 = 11 × 9 + 1.
    assert len(parts) == 12


def test_a_cut_never_lands_inside_a_tag_or_an_entity() -> None:
    source = '<a href="https://example.org/a?b=1&amp;c=2">' + "&amp;&lt;&gt;" * 50 + "</a>"
    for limit in range(2, 40):
        for part in split_html([source], limit):
            assert utf16_length(rendered(part)) <= limit
            assert part.startswith('<a href="https://example.org/a?b=1&amp;c=2">')


def test_emoji_count_as_two_utf16_units() -> None:
    parts = split_html(["😀" * 10], 6)
    assert parts == ["😀😀😀", "😀😀😀", "😀😀😀", "😀"]


def test_empty_input_gives_one_empty_message() -> None:
    assert split_html([]) == [""]
    assert split_html([""]) == [""]


def test_truncate_keeps_the_markup_valid() -> None:
    source = "<b>" + chat_common.html("<" * 5000) + "</b>"
    short = truncate_html(source, 100)
    assert utf16_length(rendered(short)) == 100
    assert rendered(short).endswith("<…")
    assert truncate_html("<i>ngắn</i>", 100) == "<i>ngắn</i>"


# --- arbitrary text --------------------------------------------------------------------

USER_TEXT = st.lists(
    st.sampled_from([*"ab <>&\"'đ;#x1/", "😀", "\u0301", "&amp;", "ế", "&lt;b&gt;"]),
    max_size=120,
).map("".join)
TAGS = ["b", "i", "u", "s", "code", "tg-spoiler", 'a href="https://x.vn/?q=1&amp;r=2"']


@st.composite
def html_line(draw: st.DrawFn, depth: int = 0) -> str:
    """A line as the bot builds one: escaped user text inside (nested) tags."""
    pieces = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            name = tag.split()[0]
            pieces.append(f"<{tag}>{draw(html_line(depth + 1))}</{name}>")
        else:
            pieces.append(chat_common.html(draw(USER_TEXT)))
    return "".join(pieces)


@st.composite
def multi_line(draw: st.DrawFn) -> str:
    """Occasionally a tag spans several lines (a <pre> block, say)."""
    inner = "\n".join(draw(st.lists(html_line(), max_size=3)))
    return f"<pre>{inner}</pre>" if draw(st.booleans()) else inner


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(multi_line(), max_size=12), limit=st.integers(2, 300))
def test_every_part_parses_fits_and_the_parts_read_back_as_the_whole(
    lines: list[str], limit: int
) -> None:
    whole = parse_html("\n".join(lines)).text
    parts = split_html(lines, limit)
    assert parts
    texts_of_parts = [rendered(part) for part in parts]  # each parses on its own
    for text in texts_of_parts:
        assert utf16_length(text) <= limit
    if whole.strip():
        assert all(text.strip() for text in texts_of_parts), "no part Telegram finds empty"
    # The parts read back as the whole, in order; only line breaks and a part made of
    # blanks alone (which Telegram refuses) are lost between parts.
    flat = whole.replace("\n", "")
    position = 0
    for text in texts_of_parts:
        piece = text.replace("\n", "")
        found = flat.find(piece, position)
        assert found >= 0
        assert not flat[position:found].strip()
        position = found + len(piece)
    assert not flat[position:].strip()
    assert rendered_text("\n".join(lines)) == whole


@settings(max_examples=100, deadline=None)
@given(line=html_line())
def test_a_line_that_fits_is_left_as_it_is(line: str) -> None:
    if utf16_length(parse_html(line).text) <= TELEGRAM_LIMIT:
        assert split_html([line]) == [line] or not parse_html(line).text.strip()
