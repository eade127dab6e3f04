"""What a line typed in the sandbox chat means: a message for the bot or a sandbox command."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cchc_bot.sandbox.personas import fold
from cchc_bot.texts import sandbox as texts


class ChatError(Exception):
    """A line the sandbox cannot carry out; the message is shown to the trainer."""


@dataclass(frozen=True)
class Say:
    """Send this text to the bot as the current persona."""

    text: str


@dataclass(frozen=True)
class SwitchPersona:
    """Become another persona (`query` None: list them)."""

    query: str | None


@dataclass(frozen=True)
class PressNumber:
    """Press the Nth button (from 1) of the newest bot message that has buttons."""

    number: int


@dataclass(frozen=True)
class PressLabel:
    """Press the button with this label on the newest bot message offering it."""

    label: str


@dataclass(frozen=True)
class MoveClock:
    """Move the bot's clock (`argument` None: show it)."""

    argument: str | None


@dataclass(frozen=True)
class SendFile:
    """Send a file from disk as a document, or as a photo."""

    path: str
    photo: bool = False


@dataclass(frozen=True)
class ShowHelp:
    """List the sandbox commands."""


@dataclass(frozen=True)
class Quit:
    """End the session; `delete`: also delete the files the bot sent (`/quit xoa`)."""

    delete: bool = False


@dataclass(frozen=True)
class Comment:
    """A script comment, echoed into the transcript."""

    text: str


Command = Say | SwitchPersona | PressNumber | PressLabel | MoveClock | SendFile | ShowHelp | Quit

_PRESS_SHORTHAND = re.compile(r"#(\d{1,3})")
_NAMES = frozenset({"as", "press", "time", "file", "photo", "say", "quit", "exit", "help"})
_DELETE_WORD = "xoa"  # `/quit xoa` (xoá, xóa: any accents or case)


def parse_line(line: str) -> Command | Comment | None:
    """Read one chat line; None for a blank line. `/help` goes to the bot, `!help` is ours."""
    text = line.strip()
    if not text:
        return None
    shorthand = _PRESS_SHORTHAND.fullmatch(text)
    if shorthand is not None:
        return PressNumber(int(shorthand.group(1)))
    if text.startswith("#"):
        return Comment(text)
    if text[0] not in "/!":
        return Say(text)
    word, _, rest = text[1:].partition(" ")
    name, argument = word.casefold(), rest.strip()
    if name not in _NAMES or (name == "help" and text[0] == "/"):
        return Say(text)
    return _sandbox_command(name, argument, text)


def _sandbox_command(name: str, argument: str, text: str) -> Command:
    match name:
        case "as":
            return SwitchPersona(argument or None)
        case "time":
            return MoveClock(argument or None)
        case "help":
            return ShowHelp()
        case "quit" | "exit" if not argument:
            return Quit()
        case "quit" | "exit" if fold(argument) == _DELETE_WORD:
            return Quit(delete=True)
        case "quit" | "exit":
            raise ChatError(texts.QUIT_ARGUMENT.format(text=text))
    if not argument:
        raise ChatError(texts.NEEDS_ARGUMENT.format(command=text.split()[0]))
    match name:
        case "press" if argument.isdigit():
            return PressNumber(int(argument))
        case "press":
            return PressLabel(argument)
        case "file" | "photo":
            return SendFile(argument, photo=name == "photo")
    return Say(argument)


_STEP = re.compile(r"(\d+)\s*([wdhm])")
_STEPS = re.compile(r"([+-])\s*((?:\d+\s*[wdhm]\s*)+)", re.IGNORECASE)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def clock_target(argument: str, now: dt.datetime, tz: dt.tzinfo, day_start: dt.time) -> dt.datetime:
    """Where `/time ARGUMENT` moves the clock: `+1d`, `-2h`, `+1d3h30m`, or an ISO instant.

    A time without offset is read in `tz`; a day alone means `day_start` that day (the
    reminder hour), so `/time 2024-03-07` lands when that day's reminders go out.
    """
    steps = _STEPS.fullmatch(argument.strip())
    if steps is not None:
        delta = dt.timedelta()
        for amount, unit in _STEP.findall(steps.group(2).lower()):
            delta += dt.timedelta(**{_UNITS[unit]: int(amount)})
        return now + delta if steps.group(1) == "+" else now - delta
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", argument.strip()):
            day = dt.date.fromisoformat(argument.strip())
            return dt.datetime.combine(day, day_start, tzinfo=tz)
        instant = dt.datetime.fromisoformat(argument.strip())
    except ValueError:
        raise ChatError(texts.BAD_TIME.format(text=argument)) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=tz)
