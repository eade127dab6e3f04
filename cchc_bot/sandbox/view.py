"""How the chat looks: rich panels in a terminal, or plain lines for a script's transcript."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from cchc_bot import date_format
from cchc_bot.local_bot_api import MessageRecord
from cchc_bot.sandbox.personas import Persona
from cchc_bot.texts import sandbox as texts

# Telegram entity types and the terminal style that stands in for them.
ENTITY_STYLES = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strikethrough": "strike",
    "spoiler": "reverse",
    "code": "bold cyan",
    "pre": "cyan",
    "text_link": "underline bright_blue",
    "url": "underline bright_blue",
    "bot_command": "bright_blue",
    "blockquote": "italic",
    "expandable_blockquote": "italic",
}


@dataclass(frozen=True)
class BotMessage:
    """A message of the bot to show: new, or changed since it was last shown."""

    persona: Persona
    record: MessageRecord
    edited: bool = False
    same_text: bool = False  # an edit that only changed the buttons
    deleted: bool = False
    saved: tuple[tuple[str, Path], ...] = ()


class ChatView(Protocol):
    """Where the sandbox writes what happens in the chat."""

    def notice(self, text: str) -> None:
        """A line from the sandbox itself."""

    def error(self, text: str) -> None:
        """Something the trainer asked for could not be done."""

    def user_action(self, text: str) -> None:
        """What the current persona just did."""

    def bot_message(self, message: BotMessage, *, current: bool) -> None:
        """A message of the bot (in the current persona's chat or another one's)."""


def button_rows(record: MessageRecord) -> list[list[tuple[int, str]]]:
    """The inline keyboard as rows of (number from 1, label)."""
    rows: list[list[tuple[int, str]]] = []
    number = 0
    for row in record.inline_keyboard:
        numbered = []
        for button in row:
            number += 1
            numbered.append((number, str(button.get("text", ""))))
        rows.append(numbered)
    return rows


def attachment_line(record: MessageRecord) -> str | None:
    """What a media message carries, in a few words."""
    if record.document is not None:
        name = record.document.get("file_name") or texts.DOCUMENT_UNNAMED
        return texts.DOCUMENT_LINE.format(name=name)
    if record.photo is not None:
        return texts.PHOTO_LINE
    if record.kind not in ("text", "other"):
        return f"[{record.kind}]"
    return None


def body_of(record: MessageRecord) -> str:
    """The text or caption as the person sees it (HTML already parsed by the server)."""
    return record.text if record.text is not None else (record.caption or "")


def header(message: BotMessage) -> str:
    """`🤖 tai_van #12`, with "(đã sửa)" or "(đã xoá)" when it changed."""
    line = texts.BOT_HEADER.format(key=message.persona.key, message_id=message.record.message_id)
    if message.deleted:
        return f"{line} {texts.DELETED}"
    if message.edited and message.same_text:
        changed = texts.BUTTONS_CHANGED if message.record.buttons else texts.BUTTONS_REMOVED
        return f"{line} {changed}"
    if message.edited:
        return f"{line} {texts.EDITED}"
    return line


def buttons_only(message: BotMessage) -> bool:
    """Whether only the keyboard changed, so the text need not be shown again."""
    return message.edited and message.same_text


class PlainView:
    """Plain text lines: the transcript a script prints (and tests read)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def _write(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()

    def notice(self, text: str) -> None:
        """A line from the sandbox itself."""
        self._write(text)

    def error(self, text: str) -> None:
        """Something the trainer asked for could not be done."""
        self._write(f"❌ {text}")

    def user_action(self, text: str) -> None:
        """What the current persona just did."""
        self._write("")
        self._write(text)

    def bot_message(self, message: BotMessage, *, current: bool) -> None:
        """A message of the bot, its buttons numbered, files saved."""
        self._write(header(message))
        if message.deleted:
            return
        if buttons_only(message):
            self._write_buttons(message.record)
            return
        attachment = attachment_line(message.record)
        if attachment:
            self._write(attachment)
        body = body_of(message.record)
        if body:
            self._write(body)
        self._write_buttons(message.record)
        for name, path in message.saved:
            self._write(texts.SAVED.format(name=name, path=path))

    def _write_buttons(self, record: MessageRecord) -> None:
        for row in button_rows(record):
            self._write("   " + "   ".join(f"[{number}] {label}" for number, label in row))


def styled_text(text: str, entities: list[dict[str, Any]]) -> Text:
    """Rich text with Telegram's entities (UTF-16 offsets) mapped to terminal styles."""
    index_of = [0]
    for position, char in enumerate(text):
        index_of.extend([position + 1] * (2 if ord(char) > 0xFFFF else 1))
    styled = Text(text)
    for entity in entities:
        style = ENTITY_STYLES.get(str(entity.get("type")))
        start, length = int(entity.get("offset", 0)), int(entity.get("length", 0))
        if style is None or start >= len(index_of):
            continue
        end = min(start + length, len(index_of) - 1)
        styled.stylize(style, index_of[start], index_of[end])
    return styled


class RichView:
    """Panels in a terminal: one per bot message, edits re-printed as "(đã sửa)"."""

    def __init__(self, console: Console, tz: dt.tzinfo) -> None:
        self.console = console
        self._tz = tz

    def notice(self, text: str) -> None:
        """A line from the sandbox itself."""
        self.console.print(Text(text, style="dim"))

    def error(self, text: str) -> None:
        """Something the trainer asked for could not be done."""
        self.console.print(Text(f"❌ {text}", style="bold red"))

    def user_action(self, text: str) -> None:
        """What the current persona just did."""
        self.console.print(Text(text, style="bold green"), justify="right")

    def bot_message(self, message: BotMessage, *, current: bool) -> None:
        """A panel titled with the persona's chat; buttons numbered below the text."""
        record = message.record
        when = dt.datetime.fromtimestamp(record.edit_date or record.date, self._tz)
        title = f"{header(message)} · {message.persona.name}"
        subtitle = f"{when:%H:%M} {date_format.format_day(when.date())}"
        if message.deleted:
            self.console.print(Text(title, style="dim strike"))
            return
        if buttons_only(message):
            self.console.print(Text(title, style="dim yellow"))
            for line in self._button_lines(record):
                self.console.print(line)
            return
        parts: list[RenderableType] = []
        attachment = attachment_line(record)
        if attachment:
            parts.append(Text(attachment, style="bold"))
        parts.append(styled_text(body_of(record), record.entities))
        parts.extend(self._button_lines(record))
        for name, path in message.saved:
            parts.append(Text(texts.SAVED.format(name=name, path=path), style="green"))
        border = "yellow" if message.edited else ("cyan" if current else "blue")
        self.console.print(
            Panel(
                Group(*parts),
                title=title,
                title_align="left",
                subtitle=subtitle,
                subtitle_align="right",
                border_style=border if current else f"dim {border}",
                expand=False,
            )
        )

    @staticmethod
    def _button_lines(record: MessageRecord) -> list[Text]:
        lines = []
        for row in button_rows(record):
            line = Text("  ")
            for number, label in row:
                line.append(f"[{number}]", style="bold magenta")
                line.append(f" {label}   ")
            lines.append(line)
        return lines
