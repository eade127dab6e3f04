"""The sandbox's two ways to run: an interactive terminal chat, or a script played to the end."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
import threading
from typing import TextIO

from rich.console import Console

from cchc_bot.cli import CliError
from cchc_bot.ops.settings import Settings
from cchc_bot.sandbox.chat import ChatError, Comment, parse_line
from cchc_bot.sandbox.folders import ExitChoice, Folders, clean_up
from cchc_bot.sandbox.session import ReminderTick, SandboxOptions, Session
from cchc_bot.sandbox.startup import BuildApplication, open_session
from cchc_bot.sandbox.view import ChatView, PlainView, RichView
from cchc_bot.sandbox.web_links import ServeWeb
from cchc_bot.texts import sandbox as texts


def parse_start(text: str | None, tz: dt.tzinfo) -> dt.datetime | None:
    """Read `--now`: ISO 8601, a time without offset in CCHC_TIMEZONE; None means now."""
    if text is None:
        return None
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"--now {text!r} is not an ISO 8601 instant, e.g. 2024-03-05T08:00") from exc
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=tz)


def run_sandbox(
    options: SandboxOptions,
    *,
    settings: Settings,
    build_application: BuildApplication,
    tick: ReminderTick,
    out: TextIO | None = None,
    serve_web: ServeWeb | None = None,
) -> int:
    """Run a sandbox session to its end; returns the exit code (non-zero: a script failed).

    With `serve_web`, the web desk is served too and each persona's sign-in link printed."""
    script_lines: list[str] | None = None
    if options.script is not None:
        try:
            script_lines = options.script.read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise CliError(f"cannot read the script {options.script}: {exc.strerror}") from exc
    stream = out or sys.stdout
    console = Console(file=stream, highlight=False)
    view: ChatView = (
        PlainView(stream) if script_lines is not None else RichView(console, settings.tz)
    )
    folders = Folders.create(options.data_dir)
    exit_choice = ExitChoice()
    try:
        return asyncio.run(
            _session(
                options,
                settings=settings,
                build_application=build_application,
                tick=tick,
                view=view,
                folders=folders,
                script_lines=script_lines,
                console=console,
                exit_choice=exit_choice,
                serve_web=serve_web,
            )
        )
    except KeyboardInterrupt:
        view.notice("")  # end the line the ^C was echoed on
        view.notice(texts.BYE)
        return 0
    finally:
        view.notice(clean_up(folders, keep=options.keep, delete_files=exit_choice.delete_files))


async def _session(
    options: SandboxOptions,
    *,
    settings: Settings,
    build_application: BuildApplication,
    tick: ReminderTick,
    view: ChatView,
    folders: Folders,
    script_lines: list[str] | None,
    console: Console,
    exit_choice: ExitChoice,
    serve_web: ServeWeb | None = None,
) -> int:
    if script_lines is None:
        view.notice(texts.STARTING)
    try:
        async with open_session(
            options,
            settings=settings,
            build_application=build_application,
            tick=tick,
            view=view,
            folders=folders,
            exit_choice=exit_choice,
            serve_web=serve_web,
        ) as session:
            introduce(session)
            if script_lines is not None:
                return await play_script(session, script_lines)
            return await chat(session, console)
    except ChatError as exc:
        raise CliError(str(exc)) from exc


def introduce(session: Session) -> None:
    """Say where things are, what time the bot thinks it is, and who you can be."""
    view = session.view
    view.notice(texts.BANNER)
    view.notice(texts.DATA_DIR.format(path=session.folders.root))
    view.notice(texts.FILES_DIR.format(path=session.folders.received))
    view.notice(texts.LOG_FILE.format(path=session.folders.log))
    view.notice(texts.CLOCK_START.format(now=session.describe_now()))
    session.show_personas()
    view.notice(texts.HINT)


async def play_script(session: Session, lines: list[str]) -> int:
    """Play every line, printing the transcript; stop at the first line that cannot be done."""
    view = session.view
    await session.settle()
    session.flush()
    commenting = False
    for number, line in enumerate(lines, start=1):
        try:
            parsed = parse_line(line)
            if parsed is None:
                continue
            if isinstance(parsed, Comment):
                if not commenting:
                    view.notice("")  # a comment starts a new paragraph of the transcript
                view.notice(parsed.text)
                commenting = True
                continue
            commenting = False
            if not await session.execute(parsed):
                break
        except ChatError as exc:
            session.flush()
            view.error(texts.SCRIPT_LINE_FAILED.format(number=number, reason=exc))
            return 1
        session.flush()
    await session.settle()
    session.flush()
    errors = session.log.errors.count + len(session.server.internal_errors)
    if errors:
        view.error(texts.BOT_ERRORS.format(count=errors, path=session.folders.log))
        return 1
    view.notice(texts.BYE)
    return 0


async def read_line(console: Console, prompt: str) -> str | None:
    """One line from the terminal, read in a daemon thread (None at end of input).

    A daemon thread, not `asyncio.to_thread`: Ctrl-C must not wait for Enter to exit.
    """
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str | None] = loop.create_future()

    def deliver(value: str | None) -> None:
        if not answer.done():
            answer.set_result(value)

    def read() -> None:
        try:
            value: str | None = console.input(prompt)
        except (EOFError, KeyboardInterrupt):
            value = None
        loop.call_soon_threadsafe(deliver, value)

    threading.Thread(target=read, name="sandbox-input", daemon=True).start()
    return await answer


async def chat(session: Session, console: Console) -> int:
    """The interactive loop: read a line, carry it out, show the answers; show reminders too."""
    lock = asyncio.Lock()
    watcher = asyncio.create_task(_show_unprompted(session, lock, console))
    try:
        while True:
            line = await read_line(console, texts.PROMPT.format(key=session.current.key))
            if line is None:
                break
            async with lock:
                try:
                    parsed = parse_line(line)
                    if parsed is None or isinstance(parsed, Comment):
                        continue
                    if not await session.execute(parsed):
                        break
                except ChatError as exc:
                    session.view.error(str(exc))
                finally:
                    session.flush()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    session.view.notice(texts.BYE)
    return 0


async def _show_unprompted(session: Session, lock: asyncio.Lock, console: Console) -> None:
    """Show what the bot sends on its own (the reminder tick) while the trainer is typing."""
    signal = session.server.state.signal
    while True:
        await signal.wait_for(lambda: session.pending, None)
        async with lock:
            if not session.pending:
                continue
            with contextlib.suppress(ChatError):
                await session.settle()
            if session.flush():
                console.print(texts.PROMPT.format(key=session.current.key), end="")
