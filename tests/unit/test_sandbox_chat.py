"""The sandbox chat's line syntax, clock moves and persona names (no bot, no server)."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc_bot.sandbox.chat import (
    ChatError,
    Comment,
    MoveClock,
    PressLabel,
    PressNumber,
    Quit,
    Say,
    SendFile,
    ShowHelp,
    SwitchPersona,
    clock_target,
    parse_line,
)
from cchc_bot.sandbox.personas import PersonaNotFoundError, find_persona

HANOI = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2024, 3, 5, 8, 0, tzinfo=HANOI)
EIGHT = dt.time(8, 0)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", None),
        ("   ", None),
        ("17/20", Say("17/20")),
        ("  1,250 ", Say("1,250")),
        ("/report", Say("/report")),
        ("/help", Say("/help")),  # the bot's own help
        ("/status 2024-Q1", Say("/status 2024-Q1")),
        ("!help", ShowHelp()),
        ("#2", PressNumber(2)),
        ("/press 3", PressNumber(3)),
        ("!press ✅ Gửi báo cáo", PressLabel("✅ Gửi báo cáo")),
        ("# a comment", Comment("# a comment")),
        ("#2 is a comment too", Comment("#2 is a comment too")),
        ("/as", SwitchPersona(None)),
        ("/as Phòng Nội vụ", SwitchPersona("Phòng Nội vụ")),
        ("!as tai_van", SwitchPersona("tai_van")),
        ("/time", MoveClock(None)),
        ("/time +1d", MoveClock("+1d")),
        ("/file ~/bao-cao.pdf", SendFile("~/bao-cao.pdf")),
        ("/photo anh.png", SendFile("anh.png", photo=True)),
        ("!say /as is text here", Say("/as is text here")),
        ("!say #1", Say("#1")),
        ("/quit", Quit()),
        ("!exit", Quit()),
        ("/quit xoa", Quit(delete=True)),
        ("/quit xoá", Quit(delete=True)),
        ("/quit Xóa", Quit(delete=True)),
        ("!exit xoa", Quit(delete=True)),
        ("!unknown stays text", Say("!unknown stays text")),
    ],
)
def test_a_chat_line_is_a_message_or_a_sandbox_command(line: str, expected: object) -> None:
    assert parse_line(line) == expected


@pytest.mark.parametrize("line", ["/press", "/file", "!say"])
def test_commands_that_need_an_argument_say_so(line: str) -> None:
    with pytest.raises(ChatError, match="cần thêm nội dung"):
        parse_line(line)


@pytest.mark.parametrize("line", ["/quit now", "/quit giu", "!exit xoa het"])
def test_quit_takes_only_the_word_that_deletes(line: str) -> None:
    with pytest.raises(ChatError, match="/quit xoa"):
        parse_line(line)


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("+1d", dt.datetime(2024, 3, 6, 8, 0, tzinfo=HANOI)),
        ("+2d", dt.datetime(2024, 3, 7, 8, 0, tzinfo=HANOI)),
        ("+3h", dt.datetime(2024, 3, 5, 11, 0, tzinfo=HANOI)),
        ("+30m", dt.datetime(2024, 3, 5, 8, 30, tzinfo=HANOI)),
        ("+1w", dt.datetime(2024, 3, 12, 8, 0, tzinfo=HANOI)),
        ("+1d 2h30m", dt.datetime(2024, 3, 6, 10, 30, tzinfo=HANOI)),
        ("-1h", dt.datetime(2024, 3, 5, 7, 0, tzinfo=HANOI)),
        ("2024-03-07T08:01", dt.datetime(2024, 3, 7, 8, 1, tzinfo=HANOI)),
        ("2024-03-07", dt.datetime(2024, 3, 7, 8, 0, tzinfo=HANOI)),
        ("2024-03-07T01:01+00:00", dt.datetime(2024, 3, 7, 8, 1, tzinfo=HANOI)),
    ],
)
def test_time_moves_by_a_step_or_jumps_to_an_instant(argument: str, expected: dt.datetime) -> None:
    assert clock_target(argument, NOW, HANOI, EIGHT) == expected


@pytest.mark.parametrize("argument", ["tomorrow", "+1y", "1d", "2024-13-01", "+"])
def test_time_refuses_what_it_cannot_read(argument: str) -> None:
    with pytest.raises(ChatError, match="không hiểu"):
        clock_target(argument, NOW, HANOI, EIGHT)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("tai_van", "tai_van"),
        ("Tài Văn", "tai_van"),
        ("XÃ TÀI VĂN", "tai_van"),
        ("tu phap", "tu_phap"),
        ("Phòng Tư pháp", "tu_phap"),
        ("noi_vu", "noi_vu"),
        ("Phòng Nội vụ", "noi_vu"),
        ("Nguyễn Thị Nội", "noi_vu"),
    ],
)
def test_personas_are_found_by_key_or_name_without_diacritics(query: str, key: str) -> None:
    assert find_persona(query).key == key


@pytest.mark.parametrize("query", ["phong", "zzz", "  "])
def test_an_unknown_or_ambiguous_persona_is_refused(query: str) -> None:
    with pytest.raises(PersonaNotFoundError):
        find_persona(query)
