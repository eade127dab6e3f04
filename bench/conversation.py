"""Answers per second and update-to-reply latency of the report conversation vs a bare echo bot.

The local Telegram server and the simulated users run in this process; each bot under test
runs in a child process of its own (as in production, where Telegram is not inside the bot),
started with `--serve` and told by a line protocol on stdin when to report its CPU time and
SQL statement count or to start and stop profiling.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import cProfile
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import aiosqlite
import telegram
import yaml
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import build_application
from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.questionnaire import IndicatorType
from cchc_bot.conversation import QuestionView, Step, SummaryView
from cchc_bot.local_bot_api import LocalTelegramServer, MessageRecord, TranscriptEvent
from cchc_bot.local_bot_api.api import ApiResult
from cchc_bot.local_bot_api.model.spec import MethodSpec
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.sandbox.local_bot import AnyApplication, running_application, server_settings
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reports import ReportOutcome
from cchc_bot.telegram_request import telegram_request
from db.migrate import current_revision, upgrade_schema
from db.session import Synchronous, create_engine

TOKEN = "7000000001:AAH-cchc-bot-bench-token-0123456789abcd"
HANOI = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2024, 3, 5, 9, 0, tzinfo=HANOI)  # Quý I/2024 is open, due 11/3
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")  # as `bot.run_polling`
POLL_TIMEOUT = 10.0
REPLY_TIMEOUT = 60.0
SETUP_TIMEOUT = 120.0
PHASE_LIMIT = 300.0
QUIET = 0.2
ANSWERS_TARGET = 200.0
RATIO_TARGET = 2.0
RATIO_AIM = 1.5
EXPLANATION = "Cán bộ còn kiêm nhiệm nhiều việc, hạ tầng mạng chưa ổn định."
WARM_UP_TEXT = "Xin chào"
FIRST_USER_ID = 800_000_001


SCRIPT = str(Path(__file__).resolve())


class BenchError(RuntimeError):
    """The benchmark could not set up or run its scenario."""


@dataclass
class Stopwatch:
    """Stamps, inside the server, each update's getUpdates answer and each sendMessage arrival."""

    delivered: dict[int, tuple[int, float]] = field(default_factory=dict)
    replies: defaultdict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    recording: bool = False

    def attach(self, server: LocalTelegramServer) -> None:
        """Wrap the server's Bot API dispatcher (the request log has no timestamps)."""
        original = server.bot_api.call

        async def timed_call(method: MethodSpec, params: dict[str, Any]) -> ApiResult:
            if self.recording and method.name == "sendMessage":
                self.replies[int(params["chat_id"])].append(time.perf_counter())
            result = await original(method, params)
            if self.recording and method.name == "getUpdates":
                now = time.perf_counter()
                for update in result.value:
                    message = update.get("message")
                    if message is not None:
                        chat = int(message["chat"]["id"])
                        self.delivered.setdefault(int(update["update_id"]), (chat, now))
            return result

        # Bench-only instrumentation of one server instance; product code stays untouched.
        server.bot_api.call = timed_call  # type: ignore[method-assign]

    def start(self) -> None:
        """Forget earlier stamps and record from now on."""
        self.delivered.clear()
        self.replies.clear()
        self.recording = True

    def stop(self) -> None:
        """Stop recording."""
        self.recording = False

    def latencies(self) -> list[float]:
        """Seconds from each update's delivery to the first sendMessage to its chat after it."""
        by_chat: defaultdict[int, list[float]] = defaultdict(list)
        for chat, delivered_at in self.delivered.values():
            by_chat[chat].append(delivered_at)
        result: list[float] = []
        for chat, deliveries in by_chat.items():
            replies = sorted(self.replies.get(chat, []))
            for delivered_at in sorted(deliveries):
                index = bisect.bisect_left(replies, delivered_at)
                if index < len(replies):
                    result.append(replies[index] - delivered_at)
        return result


class People:
    """Simulated users: each sends a message and waits for the bot's next message to them."""

    def __init__(self, server: LocalTelegramServer) -> None:
        self.server = server
        self._waiting: dict[int, asyncio.Future[MessageRecord]] = {}
        server.add_listener(self._on_event)

    def _on_event(self, event: TranscriptEvent) -> None:
        record = event.record
        if event.kind != "new" or not record.from_bot:
            return
        future = self._waiting.pop(record.chat_id, None)
        if future is not None and not future.done():
            future.set_result(record)

    async def say(self, user_id: int, text: str, timeout: float = REPLY_TIMEOUT) -> MessageRecord:  # noqa: ASYNC109 - one bound per reply
        """Send `text` as the user and return the bot's first message after it."""
        future: asyncio.Future[MessageRecord] = asyncio.get_running_loop().create_future()
        self._waiting[user_id] = future
        self.server.send_text(user_id, text)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise BenchError(f"user {user_id}: no reply to {text!r} in {timeout:.0f} s") from None
        finally:
            self._waiting.pop(user_id, None)

    async def everyone_says(self, texts: dict[int, str]) -> dict[int, MessageRecord]:
        """Every user sends their text at once; wait until all are answered and the bot is idle."""
        ids = list(texts)
        replies = await asyncio.gather(*(self.say(uid, texts[uid], SETUP_TIMEOUT) for uid in ids))
        await self.server.wait_until_idle(timeout=SETUP_TIMEOUT, quiet=QUIET)
        return dict(zip(ids, replies, strict=True))


class SqlCounter:
    """Counts the SQL statements an engine sends to the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements = 0
        self.handoffs: int | None = None
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)
        if engine.dialect.driver == "aiosqlite":
            self.handoffs = 0
            self._count_handoffs()

    def _count(self, *args: Any) -> None:
        self.statements += 1

    def _count_handoffs(self) -> None:
        """Count every call aiosqlite hands to its worker thread (this process only)."""
        handing: Any = aiosqlite.core.Connection._execute
        counter = self

        async def counted(connection: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            counter.handoffs = (counter.handoffs or 0) + 1
            return await handing(connection, fn, *args, **kwargs)

        setattr(aiosqlite.core.Connection, "_execute", counted)  # noqa: B010 - bench-only probe


@dataclass(frozen=True)
class Measurement:
    """One measured phase: every user sends its answers, each as soon as the last was answered."""

    label: str
    users: int
    answers: int
    accepted: int
    wall_seconds: float
    server_cpu_seconds: float
    bot_cpu_seconds: float
    latencies: list[float]
    statements: int | None = None
    # The bot's worst event-loop stall during the phase (its StallProbe), in seconds.
    stall_seconds: float = 0.0
    # Calls handed to aiosqlite's worker thread (None: not aiosqlite).
    handoffs: int | None = None

    @property
    def per_second(self) -> float:
        """Accepted answers per second of wall time."""
        return self.accepted / self.wall_seconds

    def percentile(self, share: int) -> float:
        """A latency percentile in milliseconds (inclusive method)."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[share - 1] * 1000


@dataclass(frozen=True)
class BotMark:
    """What a bot process reports about itself at one moment."""

    cpu_seconds: float
    statements: int | None
    # The event loop's worst stall since the previous mark, in seconds.
    stall_seconds: float = 0.0
    handoffs: int | None = None


class StallProbe:
    """A task that sleeps 1 ms again and again and keeps its worst overshoot: a loop stall."""

    PERIOD = 0.001

    def __init__(self) -> None:
        self.worst = 0.0

    async def run(self) -> None:
        """Measure until cancelled."""
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.PERIOD)
            self.worst = max(self.worst, time.perf_counter() - started - self.PERIOD)

    def take_worst(self) -> float:
        """The worst overshoot since the last call (seconds), starting afresh."""
        worst, self.worst = self.worst, 0.0
        return worst


class BotProcess:
    """A bot under test in a child process (`--serve`), driven by lines on its stdin."""

    def __init__(self, process: asyncio.subprocess.Process, description: str) -> None:
        self.process = process
        self.description = description

    async def ask(self, command: str) -> str:
        """Send one command line and return the child's one-line answer."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(f"{command}\n".encode())
        await self.process.stdin.drain()
        async with asyncio.timeout(SETUP_TIMEOUT):
            line = await self.process.stdout.readline()
        if not line:
            raise BenchError(f"the bot process ended while asked {command!r}")
        return line.decode().strip()

    async def mark(self) -> BotMark:
        """The child's CPU time so far (all its threads) and SQL statements sent."""
        data = json.loads(await self.ask("mark"))
        stall = float(data.get("stall", 0.0))
        return BotMark(float(data["cpu"]), data["statements"], stall, data.get("handoffs"))


@asynccontextmanager
async def bot_process(kind: str, arguments: Sequence[str]) -> AsyncIterator[BotProcess]:
    """Start `bench/conversation.py --serve KIND ...`, wait until it polls, stop it on exit."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        SCRIPT,
        "--serve",
        kind,
        *arguments,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        async with asyncio.timeout(SETUP_TIMEOUT):
            line = (await process.stdout.readline()).decode().strip()
        if not line.startswith("ready "):
            raise BenchError(f"the {kind} bot process did not start: {line!r}")
        yield BotProcess(process, line.removeprefix("ready "))
    finally:
        if process.returncode is None:
            process.stdin.close()
            try:
                async with asyncio.timeout(SETUP_TIMEOUT):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


async def measure(
    label: str,
    people: People,
    stopwatch: Stopwatch,
    bot: BotProcess,
    user_ids: Sequence[int],
    texts: Sequence[str],
) -> tuple[Measurement, dict[int, list[MessageRecord]]]:
    """All users answer concurrently; return the figures and each user's replies."""

    async def converse(user_id: int) -> list[MessageRecord]:
        return [await people.say(user_id, text) for text in texts]

    before = await bot.mark()
    stopwatch.start()
    cpu, started = time.process_time(), time.perf_counter()
    async with asyncio.timeout(PHASE_LIMIT):
        replies = await asyncio.gather(*(converse(uid) for uid in user_ids))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    stopwatch.stop()
    after = await bot.mark()
    await people.server.wait_until_idle(timeout=SETUP_TIMEOUT, quiet=QUIET)
    answers = len(user_ids) * len(texts)
    statements = (
        after.statements - before.statements
        if after.statements is not None and before.statements is not None
        else None
    )
    result = Measurement(
        label,
        len(user_ids),
        answers,
        answers,
        wall,
        cpu,
        after.cpu_seconds - before.cpu_seconds,
        stopwatch.latencies(),
        statements,
        after.stall_seconds,
        (
            after.handoffs - before.handoffs
            if after.handoffs is not None and before.handoffs is not None
            else None
        ),
    )
    return result, dict(zip(user_ids, replies, strict=True))


# --- the two applications --------------------------------------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def echo_application(settings: Settings) -> AnyApplication:
    """A bare PTB Application: one MessageHandler echoing text, updates one at a time."""
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .concurrent_updates(False)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


def describe(application: AnyApplication) -> str:
    """The update-processing and rate-limiting configuration of an Application."""
    concurrent = application.update_processor.max_concurrent_updates
    limiter = application.bot.rate_limiter
    if isinstance(limiter, AIORateLimiter):
        cap = "30 msg/s overall" if limiter._base_limiter is not None else "no overall cap"
        limits = f"AIORateLimiter ({cap}, 20/min per group, max_retries={limiter._max_retries})"
    else:
        limits = "no rate limiter" if limiter is None else type(limiter).__name__
    handlers = sum(len(group) for group in application.handlers.values())
    return (
        f"max_concurrent_updates={concurrent} ({'in order' if concurrent == 1 else 'concurrent'})"
        f", {limits}, {handlers} handlers"
    )


# --- the scenario ----------------------------------------------------------------------------


def write_config(directory: Path, unit_codes: Sequence[str]) -> Path:
    """The bundled questionnaire and schedule with synthetic xã units (each has TTHC)."""
    directory.mkdir(parents=True)
    bundled = bundled_config_dir()
    for name in ("questionnaire.yaml", "schedule.yaml"):
        shutil.copyfile(bundled / name, directory / name)
    units = [
        {"code": code, "name": f"UBND xã Thử nghiệm {code[-4:]}", "kind": "xa", "has_tthc": True}
        for code in unit_codes
    ]
    document = {"district": "Huyện Trần Đề", "units": units}
    (directory / "units.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return directory


def typed_answer(view: QuestionView) -> str:
    """A typed answer that passes every check (as `tests/bot/reporting.plausible_answer`)."""
    match view.step:
        case Step.EXPLANATION:
            return EXPLANATION
        case Step.DENOMINATOR:
            return view.entered_numerator or "4"
        case Step.NUMERATOR:
            return view.fixed_denominator or "4/4"
        case Step.ANSWER:
            pass
        case _:
            raise BenchError(f"{view.indicator_id} wants a button ({view.step}): use fewer answers")
    match view.question_type:
        case IndicatorType.CHOICE:
            return "1"
        case IndicatorType.TEXT:
            return EXPLANATION
        case IndicatorType.PERCENT:
            return "100"
        case IndicatorType.INTEGER:
            return "0" if view.indicator_id == "tthc_05" else "5"
        case IndicatorType.BOOLEAN:
            return "có"  # typed, so every answer is a message (the buttons accept it too)
        case _:
            return "5"


ScreenKey = tuple[str, str, int]


async def screen_key(runtime: Runtime, user_id: int) -> ScreenKey | None:
    """Where the user's draft stands: question, step and answered count (None: no question)."""
    actor = await runtime.accounts.resolve_actor(user_id)
    if actor is None:
        raise BenchError(f"user {user_id} is not linked")
    result = await runtime.reports.current_screen(actor)
    if result.outcome is not ReportOutcome.SCREEN or result.screen is None:
        return None
    view = result.screen.view
    if isinstance(view, SummaryView):
        return ("summary", "", -1)
    return (view.indicator_id, str(view.step), view.answered)


async def current_question(runtime: Runtime, user_id: int) -> QuestionView:
    """The question on the user's screen."""
    actor = await runtime.accounts.resolve_actor(user_id)
    assert actor is not None
    result = await runtime.reports.current_screen(actor)
    view = result.screen.view if result.screen is not None else None
    if not isinstance(view, QuestionView):
        raise BenchError("the report has fewer questions than --answers for a xã")
    return view


async def link_and_open(
    runtime: Runtime, server: LocalTelegramServer, people: People, users: dict[int, str]
) -> None:
    """Invite and link each user as head of its unit, then send /report (not measured)."""
    invites = await runtime.accounts.create_invites(Role.HEAD, list(users.values()))
    for user_id in users:
        server.add_user(user_id, f"Chủ tịch {user_id}")
    linked = await people.everyone_says(
        {uid: f"/start {invite.token}" for uid, invite in zip(users, invites, strict=True)}
    )
    refused = [uid for uid, reply in linked.items() if "Đã liên kết" not in (reply.text or "")]
    if refused:
        raise BenchError(f"{len(refused)} user(s) not linked: {linked[refused[0]].text!r}")
    await people.everyone_says(dict.fromkeys(users, "/report"))


async def learn_answers(
    runtime: Runtime, server: LocalTelegramServer, people: People, user_id: int, count: int
) -> tuple[list[str], ScreenKey | None]:
    """Walk one probe user through `count` questions; return the answers and where it ends."""
    texts: list[str] = []
    for _ in range(count):
        text = typed_answer(await current_question(runtime, user_id))
        before = len(server.bot_messages(user_id))
        await people.say(user_id, text)
        await server.wait_until_idle(timeout=SETUP_TIMEOUT, quiet=QUIET)
        if len(server.bot_messages(user_id)) - before != 1:
            raise BenchError(f"the bot answered {text!r} with several messages")
        texts.append(text)
    return texts, await screen_key(runtime, user_id)


@dataclass(frozen=True)
class Variant:
    """One configuration of the CCHC bot process: HTTPXRequest's pool, SQLite's durability."""

    pool_size: int | None = None
    synchronous: Synchronous = "full"

    @classmethod
    def parse(cls, text: str) -> Variant:
        """Read `httpx[:POOL][/SYNCHRONOUS]`, e.g. `httpx`, `httpx:32`, `httpx/normal`."""
        head, _, synchronous = text.partition("/")
        transport, _, pool = head.partition(":")
        if transport != "httpx" or synchronous not in ("", "full", "normal"):
            raise ValueError(text)
        return cls(int(pool) if pool else None, cast("Synchronous", synchronous or "full"))

    @property
    def label(self) -> str:
        """A short name for the table."""
        pool = f":{self.pool_size}" if self.pool_size else ""
        return f"httpx{pool}/{self.synchronous}"

    def arguments(self) -> list[str]:
        """The `--serve` child's options for this variant."""
        pool = [f"--pool-size={self.pool_size}"] if self.pool_size else []
        return [f"--synchronous={self.synchronous}", *pool]


@dataclass
class Options:
    """Command-line options."""

    users: int
    answers: int
    database: str
    profile: Path | None
    variants: list[Variant] = field(default_factory=lambda: [Variant()])
    # --coordinator-load: the units configured (0: the plain echo-vs-bot comparison).
    coordinator_units: int = 0


@dataclass
class Report:
    """Everything printed at the end."""

    measurements: list[Measurement] = field(default_factory=list)
    configuration: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


async def run(options: Options, workdir: Path) -> Report:
    """Set up database, server and users; measure the echo bot, then the CCHC bot."""
    report = Report()
    base_id = FIRST_USER_ID
    echo_ids = list(range(base_id, base_id + options.users))
    probe_id = base_id + options.users
    # Every CCHC variant gets users (and units) of its own: each starts its reports afresh.
    first = probe_id + 1
    variant_ids = [
        list(range(first + n * options.users, first + (n + 1) * options.users))
        for n in range(len(options.variants))
    ]
    everyone = [probe_id, *(uid for ids in variant_ids for uid in ids)]
    units = {uid: f"bench_xa_{index:04d}" for index, uid in enumerate(everyone)}
    config_dir = write_config(workdir / "config", list(units.values()))
    url = options.database
    if url == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / 'cchc.db'}"
    engine = create_engine(url)
    try:
        if await current_revision(engine) is not None:
            raise BenchError("the database is not empty: give an empty, throwaway database")
        await upgrade_schema(engine)
    finally:
        await engine.dispose()

    clock = MovableClock(START)
    async with LocalTelegramServer(
        token=TOKEN, bot_username="cchc_bench_bot", clock=clock
    ) as server:
        stopwatch = Stopwatch()
        stopwatch.attach(server)
        people = People(server)
        files_dir = workdir / "files"
        base = Settings(
            _env_file=None, database_url=url, config_dir=config_dir, files_dir=files_dir
        )
        settings = server_settings(server, base)
        # This process's own runtime only sets up (invites) and checks where drafts ended.
        runtime = open_runtime(settings, clock)
        arguments = [
            f"--api-url={settings.telegram_api_url}",
            f"--file-url={settings.telegram_file_url}",
            f"--database={url}",
            f"--config-dir={config_dir}",
            f"--files-dir={files_dir}",
        ]
        try:
            await sync_configuration(
                runtime.session_factory, runtime.config, clock, clock().astimezone(HANOI).date()
            )
            async with bot_process("cchc", arguments):
                await link_and_open(runtime, server, people, {probe_id: units[probe_id]})
                texts, expected = await learn_answers(
                    runtime, server, people, probe_id, options.answers
                )
            report.texts = texts

            async with bot_process("echo", arguments) as bot:
                report.configuration.append(f"echo: bare Application, {bot.description}")
                for user_id in echo_ids:
                    server.add_user(user_id, f"Người dùng {user_id}")
                await people.everyone_says(dict.fromkeys(echo_ids, WARM_UP_TEXT))
                echoed, replies = await measure("echo", people, stopwatch, bot, echo_ids, texts)
                wrong = sum(
                    record.text != text
                    for records in replies.values()
                    for record, text in zip(records, texts, strict=True)
                )
                report.measurements.append(
                    dataclasses.replace(echoed, accepted=echoed.answers - wrong)
                )

            for variant, bot_ids in zip(options.variants, variant_ids, strict=True):
                label = variant.label
                async with bot_process("cchc", [*arguments, *variant.arguments()]) as bot:
                    report.configuration.append(f"{label}: {bot.description}")
                    await link_and_open(
                        runtime, server, people, {uid: units[uid] for uid in bot_ids}
                    )
                    if options.profile is not None:
                        await bot.ask("profile-start")
                    measured, _ = await measure(label, people, stopwatch, bot, bot_ids, texts)
                    if options.profile is not None:
                        profile = options.profile.with_suffix(f".{len(report.measurements)}.prof")
                        profile.parent.mkdir(parents=True, exist_ok=True)
                        await bot.ask(f"profile-stop {profile.resolve()}")
                        report.warnings.append(f"cProfile of {label} written to {profile}")
                keys = await asyncio.gather(*(screen_key(runtime, uid) for uid in bot_ids))
                behind = sum(key != expected for key in keys)
                if behind:
                    report.warnings.append(
                        f"{label}: {behind} user(s) did not end where the probe did: "
                        "their answers are not counted as accepted"
                    )
                accepted = (len(bot_ids) - behind) * len(texts)
                report.measurements.append(dataclasses.replace(measured, accepted=accepted))
        finally:
            await runtime.close()
        if server.internal_errors:
            report.warnings.append(f"local server errors: {server.internal_errors[:3]!r}")
    return report


# --- the bot process -------------------------------------------------------------------------


@dataclass
class ServeOptions:
    """How a `--serve` child builds its bot."""

    kind: str
    api_url: str
    file_url: str
    database: str
    config_dir: Path
    files_dir: Path
    variant: Variant = field(default_factory=Variant)


async def serve(options: ServeOptions) -> None:
    """Run one bot by long polling; answer `mark` and profiling commands until stdin closes."""
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=options.api_url,
        telegram_file_url=options.file_url,
        database_url=options.database,
        config_dir=options.config_dir,
        files_dir=options.files_dir,
        sqlite_synchronous=options.variant.synchronous,
    )
    runtime: Runtime | None = None
    sql: SqlCounter | None = None
    if options.kind == "echo":
        application = echo_application(settings)
    else:
        runtime = open_runtime(settings, MovableClock(START))
        sql = SqlCounter(runtime.engine)
        variant = options.variant
        requests = (
            telegram_request(settings, pool_size=variant.pool_size),
            telegram_request(settings, "updates"),
        )
        application = build_application(runtime, TOKEN, with_scheduler=False, requests=requests)
    profile = cProfile.Profile()
    loop = asyncio.get_running_loop()
    stall = StallProbe()
    probing = asyncio.create_task(stall.run())
    try:
        async with running_application(
            application, poll_timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES)
        ):
            print(f"ready {describe(application)}", flush=True)
            while line := await loop.run_in_executor(None, sys.stdin.readline):
                command, _, argument = line.strip().partition(" ")
                if command == "mark":
                    statements = sql.statements if sql is not None else None
                    answer = json.dumps(
                        {
                            "cpu": time.process_time(),
                            "statements": statements,
                            "handoffs": sql.handoffs if sql is not None else None,
                            "stall": stall.take_worst(),
                        }
                    )
                elif command == "profile-start":
                    profile.enable()
                    answer = "ok"
                elif command == "profile-stop":
                    profile.disable()
                    profile.dump_stats(argument)
                    answer = "ok"
                else:
                    answer = f"unknown command {command!r}"
                print(answer, flush=True)
    finally:
        probing.cancel()
        if runtime is not None:
            await runtime.close()


# --- output ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


def print_report(options: Options, report: Report, database: str) -> None:
    """The table, the ratios and the verdicts."""
    print(
        f"CCHC conversation benchmark: {options.users} users x {len(report.texts)} answers each, "
        f"{database}; {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"python-telegram-bot {telegram.__version__}; load average {os.getloadavg()[0]:.1f} "
        "(other processes skew the figures: compare rows of one run)"
    )
    print(
        f"polling (all rows): one LocalTelegramServer on loopback, long polling, poll_interval=0, "
        f"timeout={POLL_TIMEOUT:.0f} s, allowed_updates={','.join(ALLOWED_UPDATES)}"
    )
    for line in report.configuration:
        print(f"  {line}")
    print("answers typed, in order: " + " | ".join(text[:12] for text in report.texts))
    print(
        "latency: getUpdates answer carrying the update -> sendMessage to that chat arriving "
        "(both stamped in the server)"
    )
    print(
        "processes: the server and the simulated users in one, each bot in a child of its own; "
        "CPU per answer is given for each side"
    )
    print()
    header = f"{'run':<18}{'users':>6}{'answers':>9}{'answers/s':>11}{'p50 ms':>9}{'p95 ms':>9}"
    print(header + f"{'bot CPU ms':>12}{'server CPU ms':>15}{'SQL/answer':>12}{'hand-offs':>11}")
    for row in report.measurements:
        per_answer = 1000 / max(row.accepted, 1)
        print(
            f"{row.label:<18}{row.users:>6}{row.accepted:>9}{row.per_second:>11.1f}"
            f"{row.percentile(50):>9.1f}{row.percentile(95):>9.1f}"
            f"{row.bot_cpu_seconds * per_answer:>12.2f}"
            f"{row.server_cpu_seconds * per_answer:>15.2f}"
            f"{'-' if row.statements is None else f'{row.statements / row.answers:.1f}':>12}"
            f"{'-' if row.handoffs is None else f'{row.handoffs / row.answers:.1f}':>11}"
        )
    echo_row, bot_rows = report.measurements[0], report.measurements[1:]
    print()
    for row in bot_rows:
        ratios = {
            "p50 latency bot/echo": row.percentile(50) / echo_row.percentile(50),
            "p95 latency bot/echo": row.percentile(95) / echo_row.percentile(95),
            "throughput echo/bot": echo_row.per_second / row.per_second
            if row.per_second
            else float("inf"),
        }
        worst = max(ratios.values())
        shown = ", ".join(f"{name} {value:.2f}" for name, value in ratios.items())
        print(f"{row.label}: {shown}")
        print(
            f"  {verdict(row.per_second >= ANSWERS_TARGET)} >= {ANSWERS_TARGET:.0f} answers/s "
            f"({row.per_second:.1f}); {verdict(worst <= RATIO_TARGET)} ratio <= {RATIO_TARGET} "
            f"(worst {worst:.2f}; aim {RATIO_AIM})"
        )
    for warning in report.warnings:
        print(f"note: {warning}")


def parse_options(argv: Sequence[str] | None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100, help="simulated users (default 100)")
    parser.add_argument("--answers", type=int, default=20, help="answers per user (default 20)")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="'sqlite' (a temporary WAL file) or an empty async URL, e.g. postgresql+asyncpg://…",
    )
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of each CCHC bot process (FILE.N.prof)"
    )
    parser.add_argument(
        "--variant",
        action="append",
        type=Variant.parse,
        help="a CCHC bot configuration TRANSPORT[:POOL][/SYNCHRONOUS], e.g. httpx, httpx:32, "
        "aiohttp, httpx/normal; repeat to compare several in one run (default: httpx)",
    )
    parser.add_argument(
        "--coordinator-load",
        nargs="?",
        const=2000,
        type=int,
        default=0,
        metavar="UNITS",
        help="instead: answer with and without a coordinator asking /status and /export in a "
        "closed loop, on UNITS configured units (default 2000)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 1000 or not 1 <= args.answers <= 60:
        parser.error("--users must be 1..1000 and --answers 1..60")
    variants = args.variant or [Variant()]
    return Options(
        args.users, args.answers, args.database, args.profile, variants, args.coordinator_load
    )


def parse_serve_options(argv: Sequence[str]) -> ServeOptions:
    """Read the command line of a `--serve` child (internal: `run` starts the children)."""
    parser = argparse.ArgumentParser(description="a bot process of the benchmark (internal)")
    parser.add_argument("--serve", choices=("echo", "cchc"), required=True)
    for name in ("--api-url", "--file-url", "--database", "--config-dir", "--files-dir"):
        parser.add_argument(name, required=True)
    parser.add_argument("--pool-size", type=int)
    parser.add_argument("--synchronous", choices=("full", "normal"), default="full")
    args = parser.parse_args(argv)
    return ServeOptions(
        args.serve,
        args.api_url,
        args.file_url,
        args.database,
        Path(args.config_dir),
        Path(args.files_dir),
        Variant(args.pool_size, args.synchronous),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures; exit 0 unless it could not run."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if "--serve" in arguments:
        asyncio.run(serve(parse_serve_options(arguments)))
        return 0
    options = parse_options(arguments)
    if options.coordinator_units:
        from bench import coordinator_load  # it imports this module's parts

        return coordinator_load.main(options)
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as directory:
        try:
            report = asyncio.run(run(options, Path(directory)))
        except BenchError as error:
            print(f"benchmark could not run: {error}", file=sys.stderr)
            return 1
    database = "SQLite (WAL, temporary file)" if options.database == "sqlite" else "given database"
    print_report(options, report, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
