"""The running sandbox session: chat commands carried out, the bot's answers shown."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc_bot import date_format
from cchc_bot.clock import MovableClock
from cchc_bot.local_bot_api import LocalTelegramServer, MessageRecord, ScenarioError
from cchc_bot.local_bot_api import TranscriptEvent as Event
from cchc_bot.local_bot_api.model.media import image_size
from cchc_bot.runtime import Runtime
from cchc_bot.sandbox.bot_log import BotLog
from cchc_bot.sandbox.chat import (
    ChatError,
    Command,
    MoveClock,
    PressLabel,
    PressNumber,
    Quit,
    Say,
    SendFile,
    ShowHelp,
    SwitchPersona,
    clock_target,
)
from cchc_bot.sandbox.folders import ExitChoice, Folders
from cchc_bot.sandbox.local_bot import AnyApplication
from cchc_bot.sandbox.personas import PERSONAS, Persona, PersonaNotFoundError, find_persona, fold
from cchc_bot.sandbox.view import BotMessage, ChatView, body_of
from cchc_bot.services.reminders import RunReport
from cchc_bot.texts import sandbox as texts

IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"))

ReminderTick = Callable[[AnyApplication], Awaitable[RunReport]]


@dataclass(frozen=True)
class SandboxOptions:
    """What `cchc-bot sandbox` was asked for."""

    now: dt.datetime | None = None
    script: Path | None = None
    data_dir: Path | None = None
    keep: bool = False
    quiet: float = 0.15  # seconds without a bot request before a reply counts as complete
    timeout: float = 30.0


class Session:
    """The running sandbox: carries out chat commands and shows what the bot answers."""

    def __init__(
        self,
        *,
        server: LocalTelegramServer,
        runtime: Runtime,
        application: AnyApplication,
        clock: MovableClock,
        tick: ReminderTick,
        view: ChatView,
        folders: Folders,
        options: SandboxOptions,
        log: BotLog,
        exit_choice: ExitChoice | None = None,
    ) -> None:
        self.server = server
        self.runtime = runtime
        self.application = application
        self.clock = clock
        self.tick = tick
        self.view = view
        self.folders = folders
        self.options = options
        self.log = log
        self.exit_choice = exit_choice or ExitChoice()
        self.current = PERSONAS[0]
        self._events: list[Event] = []
        self._before_edit: dict[tuple[int, int], str] = {}
        self._watching = False
        self._by_chat = {persona.user_id: persona for persona in PERSONAS}

    @property
    def tz(self) -> dt.tzinfo:
        """The zone the bot shows times in."""
        return self.runtime.settings.tz

    @property
    def pending(self) -> bool:
        """Whether bot messages are waiting to be shown."""
        return bool(self._events)

    # --- setting up ------------------------------------------------------------------------

    async def link_personas(self) -> None:
        """Create each persona's account and link it with a real invite and `/start TOKEN`."""
        accounts = self.runtime.accounts
        for persona in PERSONAS:
            self.server.add_user(persona.user_id, persona.name)
            if await accounts.resolve_actor(persona.user_id) is not None:
                continue  # a kept data folder: linked in an earlier session
            invite = await accounts.create_invite(persona.role, persona.unit_code)
            self.server.send_text(persona.user_id, f"/start {invite.token}")
            await self.settle()
            if await accounts.resolve_actor(persona.user_id) is None:
                answers = self.server.bot_messages(persona.user_id)
                answer = answers[-1].text if answers else ""
                raise ChatError(texts.NOT_LINKED.format(key=persona.key, answer=answer))

    def watch(self) -> None:
        """From now on, collect every message, edit and deletion to show it."""
        if not self._watching:
            self.server.add_listener(self._record)
            self._watching = True

    def _record(self, event: Event) -> None:
        key = (event.record.chat_id, event.record.message_id)
        if event.kind == "edited" and key not in self._before_edit and event.record.history:
            # The listener runs right after the change: the last history entry is what was shown.
            before = event.record.history[-1]
            self._before_edit[key] = str(before.get("text", before.get("caption", "")))
        self._events.append(event)

    # --- waiting and showing ----------------------------------------------------------------

    async def settle(self) -> None:
        """Wait until the bot has handled every update and made no request for a while."""
        signal = self.server.state.signal
        try:
            for _ in range(100):
                await self.server.wait_until_idle(
                    timeout=self.options.timeout, quiet=self.options.quiet
                )
                version = signal.version
                # A handler still busy with the database makes no request; its update is not.
                await asyncio.wait_for(self.application.update_queue.join(), self.options.timeout)
                if not signal.changed_since(version) and self.server.is_idle():
                    return
        except TimeoutError:
            raise ChatError(texts.BOT_SILENT.format(seconds=self.options.timeout)) from None

    def flush(self) -> int:
        """Show what changed since the last call (a message once, in its latest form)."""
        events, self._events = self._events, []
        before_edit, self._before_edit = self._before_edit, {}
        order: dict[tuple[int, int], MessageRecord] = {}
        kinds: dict[tuple[int, int], set[str]] = {}
        for event in events:
            key = (event.record.chat_id, event.record.message_id)
            order.setdefault(key, event.record)
            kinds.setdefault(key, set()).add(event.kind)
        shown = 0
        for key, record in order.items():
            persona = self._by_chat.get(record.chat_id)
            if persona is None or not record.from_bot:
                continue
            new = "new" in kinds[key]
            if new and record.deleted:
                continue  # came and went between two looks: nothing to show
            message = BotMessage(
                persona=persona,
                record=record,
                edited=not new and "edited" in kinds[key],
                same_text=before_edit.get(key) == body_of(record),
                deleted=record.deleted,
                saved=self._save_files(persona, record) if new else (),
            )
            self.view.bot_message(message, current=persona is self.current)
            shown += 1
        return shown

    def _save_files(self, persona: Persona, record: MessageRecord) -> tuple[tuple[str, Path], ...]:
        """Write a document or the largest size of a photo into the received-files folder."""
        files = self.server.state.files
        if record.document is not None:
            stored = files[str(record.document["file_id"])]
            name = Path(stored.file_name or f"tep_{record.message_id}").name
        elif record.photo:
            stored = files[str(record.photo[-1]["file_id"])]
            suffix = _image_suffix(stored.content) or Path(stored.file_path).suffix or ".jpg"
            name = f"anh_{persona.key}_{record.message_id}{suffix}"
        else:
            return ()
        path = self.folders.received / name
        counter = 1
        while path.exists():
            counter += 1
            path = self.folders.received / f"{Path(name).stem} ({counter}){Path(name).suffix}"
        path.write_bytes(stored.content)
        return ((name, path),)

    # --- commands ---------------------------------------------------------------------------

    async def execute(self, command: Command) -> bool:
        """Carry out one chat command and wait for the bot; False when the session should end."""
        persona = self.current
        match command:
            case Quit(delete=delete):
                self.exit_choice.delete_files = delete
                return False
            case ShowHelp():
                self.view.notice(texts.HELP)
                return True
            case SwitchPersona(query=None):
                self.show_personas()
                return True
            case SwitchPersona(query=str(query)):
                self.current = self._find(query)
                self.view.notice(
                    texts.SWITCHED.format(
                        key=self.current.key, label=self.current.label, name=self.current.name
                    )
                )
                return True
            case MoveClock(argument=argument):
                await self.move_clock(argument)
            case Say(text=text):
                self.view.user_action(texts.YOU_SAY.format(key=persona.key, text=text))
                self.server.send_text(persona.user_id, text)
            case PressNumber(number=number):
                self.press_number(persona, number)
            case PressLabel(label=label):
                self.press_label(persona, label)
            case SendFile(path=path, photo=photo):
                self.send_file(persona, path, photo=photo)
        await self.settle()
        return True

    def show_personas(self) -> None:
        """List the personas, the current one marked."""
        self.view.notice(texts.PERSONAS_TITLE)
        for persona in PERSONAS:
            marker = texts.ACTIVE_MARKER if persona is self.current else " "
            self.view.notice(
                texts.PERSONA_LINE.format(
                    marker=marker,
                    key=persona.key,
                    label=persona.label,
                    name=persona.name,
                    user_id=persona.user_id,
                )
            )

    def _find(self, query: str) -> Persona:
        try:
            return find_persona(query)
        except PersonaNotFoundError as exc:
            matches = exc.args[1] if len(exc.args) > 1 else ()
            if matches:
                raise ChatError(
                    texts.AMBIGUOUS_PERSONA.format(query=query, keys=", ".join(matches))
                ) from None
            keys = ", ".join(persona.key for persona in PERSONAS)
            raise ChatError(texts.UNKNOWN_PERSONA.format(query=query, keys=keys)) from None

    def press_number(self, persona: Persona, number: int) -> None:
        """Press the Nth button of the newest bot message (in this chat) that has buttons."""
        record = next(
            (
                message
                for message in reversed(self.server.bot_messages(persona.user_id))
                if message.buttons
            ),
            None,
        )
        if record is None:
            raise ChatError(texts.NO_BUTTONS)
        if not 1 <= number <= len(record.buttons):
            listing = ", ".join(
                f"[{index}] {label}" for index, label in enumerate(record.button_texts, start=1)
            )
            raise ChatError(texts.NO_SUCH_NUMBER.format(number=number, buttons=listing))
        button = record.buttons[number - 1]
        self.view.user_action(
            texts.YOU_PRESS.format(key=persona.key, number=number, label=button["text"])
        )
        self._press(persona, record, button)

    def press_label(self, persona: Persona, label: str) -> None:
        """Press the button with this label (exactly, else ignoring case and accents)."""
        wanted = fold(label)
        messages = list(reversed(self.server.bot_messages(persona.user_id)))
        tests: list[Callable[[str], bool]] = [
            lambda text: text == label,
            lambda text: fold(text) == wanted,
            lambda text: bool(wanted) and wanted in fold(text),
        ]
        for test in tests:
            for record in messages:
                found = [button for button in record.buttons if test(str(button["text"]))]
                if found:
                    self.view.user_action(
                        texts.YOU_PRESS_TEXT.format(key=persona.key, label=found[0]["text"])
                    )
                    self._press(persona, record, found[0])
                    return
        raise ChatError(texts.NO_SUCH_BUTTON.format(label=label))

    def _press(self, persona: Persona, record: MessageRecord, button: dict[str, Any]) -> None:
        if "callback_data" not in button:
            link = button.get("url") or button.get("web_app") or button
            self.view.notice(f"🔗 {link}")
            return
        try:
            self.server.press_button(
                persona.user_id, record.message_id, callback_data=str(button["callback_data"])
            )
        except ScenarioError as exc:
            raise ChatError(str(exc)) from None

    def send_file(self, persona: Persona, name: str, *, photo: bool) -> None:
        """Send a file from disk as a document or a photo."""
        path = Path(name).expanduser()
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise ChatError(texts.NO_FILE.format(path=path, reason=exc.strerror)) from None
        if photo and image_size(content) is None:
            raise ChatError(texts.NOT_AN_IMAGE.format(path=path))
        template = texts.YOU_SEND_PHOTO if photo else texts.YOU_SEND_FILE
        self.view.user_action(template.format(key=persona.key, name=path.name))
        try:
            if photo:
                self.server.send_photo(persona.user_id, content)
            else:
                self.server.send_document(persona.user_id, path.name, content)
        except ScenarioError as exc:
            raise ChatError(str(exc)) from None

    async def move_clock(self, argument: str | None) -> None:
        """Show or move the bot's clock, then run the reminder tick once, right away."""
        if argument is None:
            self.view.notice(texts.TIME_NOW.format(now=self.describe_now()))
            return
        before = self.clock()
        policy = self.runtime.config.schedule.reminders
        target = clock_target(argument, before, self.tz, policy.time)
        self.clock.set(target)
        self.view.notice(texts.TIME_MOVED.format(now=self.describe_now(), change=argument))
        if target < before:
            self.view.notice(texts.TIME_BACKWARDS)
        report = await self.tick(self.application)
        if report.sent or report.failed or report.unreachable:
            self.view.notice(
                texts.REMINDERS_SENT.format(
                    sent=len(report.sent),
                    failed=len(report.failed),
                    unreachable=len(report.unreachable),
                )
            )
        else:
            self.view.notice(texts.REMINDERS_NONE)
            self.view.notice(texts.REMINDERS_HOURS.format(grace=f"{policy.grace_hours:g}"))

    def describe_now(self) -> str:
        """The bot's time as shown: 08:01 ngày 7/3/2024 (thứ Năm)."""
        now = self.clock().astimezone(self.tz)
        return f"{date_format.format_datetime(now)} ({date_format.format_weekday(now.date())})"


def _image_suffix(content: bytes) -> str | None:
    """The file extension an image's first bytes call for (the server names every photo .jpg)."""
    for magic, suffix in IMAGE_MAGIC:
        if content.startswith(magic):
            return suffix
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return ".webp"
    return None
