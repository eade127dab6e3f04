"""One sandbox session: a fresh database, the local Telegram server, the real bot, the personas."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from telegram.ext import Application

from cchc_bot import calendar
from cchc_bot.clock import MovableClock
from cchc_bot.logs import CONTENT_BEARING_LOGGERS, configure_logging
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.sandbox import texts
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
from cchc_bot.sandbox.local_bot import running_application, server_settings
from cchc_bot.sandbox.personas import PERSONAS, Persona, PersonaNotFoundError, find_persona, fold
from cchc_bot.sandbox.view import BotMessage, ChatView, body_of
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reminders import RunReport
from cchc_bot.settings import Settings
from cchc_bot.telegram_server import LocalTelegramServer, MessageRecord, ScenarioError
from cchc_bot.telegram_server import TranscriptEvent as Event
from cchc_bot.telegram_server.media import image_size
from db.migrate import upgrade_schema

# Only the local server accepts it; shaped like a real token so the log filter scrubs it.
SANDBOX_TOKEN = "7100000001:AAH-cchc-sandbox-local-only-token-0123456789"
BOT_USERNAME = "cchc_sandbox_bot"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLL_TIMEOUT = 5.0
IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"))

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
BuildApplication = Callable[[Runtime, str], AnyApplication]
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


@dataclass(frozen=True)
class Folders:
    """Where the session keeps its database, its log and the files the bot sends."""

    root: Path
    temporary: bool

    @property
    def database(self) -> Path:
        """The SQLite file."""
        return self.root / "cchc.db"

    @property
    def received(self) -> Path:
        """Documents and photos the bot sent to the personas."""
        return self.root / "files"

    @property
    def bot_files(self) -> Path:
        """The bot's own file store (`CCHC_FILES_DIR`)."""
        return self.root / "bot-files"

    @property
    def log(self) -> Path:
        """The bot's log, kept out of the chat."""
        return self.root / "bot.log"

    @classmethod
    def create(cls, wanted: Path | None) -> Folders:
        """The given folder (kept), or a new temporary one."""
        if wanted is None:
            folders = cls(Path(tempfile.mkdtemp(prefix="cchc-sandbox-")), temporary=True)
        else:
            wanted.mkdir(parents=True, exist_ok=True)
            folders = cls(wanted.resolve(), temporary=False)
        folders.received.mkdir(exist_ok=True)
        folders.bot_files.mkdir(exist_ok=True)
        return folders


@dataclass
class ExitChoice:
    """What the trainer asked for on leaving: `/quit xoa` deletes the files the bot sent."""

    delete_files: bool = False


class _ErrorCounter(logging.Handler):
    """Counts error records, so a script can fail when the bot logged one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record."""
        self.count += 1


@dataclass
class BotLog:
    """The bot's logging (as `run` configures it) sent to a file for the session's length."""

    path: Path
    level: str
    fmt: str
    errors: _ErrorCounter = field(default_factory=_ErrorCounter)
    _saved: tuple[list[logging.Handler], int, dict[str, int]] | None = None
    _file: TextIO | None = None

    def install(self) -> None:
        """Log to the file, token scrubbed, and count errors; the chat stays clean."""
        root = logging.getLogger()
        levels = {name: logging.getLogger(name).level for name in CONTENT_BEARING_LOGGERS}
        self._saved = (list(root.handlers), root.level, levels)
        self._file = self.path.open("a", encoding="utf-8")
        configure_logging(self.level, self.fmt, secrets=[SANDBOX_TOKEN], stream=self._file)
        root.addHandler(self.errors)

    def restore(self) -> None:
        """Put the previous logging back."""
        if self._saved is None:
            return
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        handlers, level, levels = self._saved
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        for name, previous in levels.items():
            logging.getLogger(name).setLevel(previous)
        if self._file is not None:
            self._file.close()
        self._saved = self._file = None


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
        return f"{calendar.format_datetime(now)} ({calendar.format_weekday(now.date())})"


def _image_suffix(content: bytes) -> str | None:
    """The file extension an image's first bytes call for (the server names every photo .jpg)."""
    for magic, suffix in IMAGE_MAGIC:
        if content.startswith(magic):
            return suffix
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return ".webp"
    return None


@asynccontextmanager
async def open_session(
    options: SandboxOptions,
    *,
    settings: Settings,
    build_application: BuildApplication,
    tick: ReminderTick,
    view: ChatView,
    folders: Folders,
    exit_choice: ExitChoice | None = None,
) -> AsyncIterator[Session]:
    """Set everything up (database, server, bot, personas); tear it down on exit."""
    tz = settings.tz
    start = options.now or dt.datetime.now(tz)
    clock = MovableClock(start)
    log = BotLog(folders.log, settings.log_level, settings.log_format)
    log.install()
    try:
        async with LocalTelegramServer(
            token=SANDBOX_TOKEN, bot_username=BOT_USERNAME, clock=clock
        ) as server:
            base = settings.model_copy(
                update={
                    "database_url": f"sqlite+aiosqlite:///{folders.database}",
                    "files_dir": folders.bot_files,
                }
            )
            runtime = open_runtime(server_settings(server, base), clock)
            try:
                await upgrade_schema(runtime.engine)
                await sync_configuration(
                    runtime.session_factory, runtime.config, clock, clock().astimezone(tz).date()
                )
                application = build_application(runtime, SANDBOX_TOKEN)
                async with running_application(
                    application, poll_timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
                ):
                    session = Session(
                        server=server,
                        runtime=runtime,
                        application=application,
                        clock=clock,
                        tick=tick,
                        view=view,
                        folders=folders,
                        options=options,
                        log=log,
                        exit_choice=exit_choice,
                    )
                    await session.link_personas()
                    session.watch()
                    yield session
            finally:
                await runtime.close()
    finally:
        log.restore()


def remove_folder(folders: Folders) -> None:
    """Delete a temporary session folder."""
    shutil.rmtree(folders.root, ignore_errors=True)


def clean_up(folders: Folders, *, keep: bool, delete_files: bool) -> str:
    """Tidy the session's folder on exit and say what is left where.

    What the bot sent (documents, exports) is kept unless the trainer asked to delete it;
    the rest of a temporary session (database, log) goes unless `--keep` was given.
    """
    received = folders.received
    has_files = received.is_dir() and any(received.iterdir())
    disposable = folders.temporary and not keep
    if delete_files:
        if disposable:
            remove_folder(folders)
            return texts.ALL_DELETED.format(path=folders.root)
        shutil.rmtree(received, ignore_errors=True)
        received.mkdir(exist_ok=True)
        return texts.FILES_DELETED.format(path=received)
    if not disposable:
        return texts.KEPT.format(path=folders.root)
    if not has_files:
        remove_folder(folders)
        return texts.REMOVED.format(path=folders.root)
    for entry in folders.root.iterdir():
        if entry != received:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    return texts.FILES_KEPT.format(path=received)
