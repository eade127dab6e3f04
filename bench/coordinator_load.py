"""`bench/conversation.py --coordinator-load`: answering latency while a coordinator asks for
/status and /export of a 2,000-unit configuration in a closed loop, against the same bot
without that load, in one run; the bot's event-loop stall (its StallProbe) in both phases."""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.conversation import (
    FIRST_USER_ID,
    HANOI,
    PHASE_LIMIT,
    SETUP_TIMEOUT,
    START,
    TOKEN,
    BenchError,
    BotProcess,
    Options,
    People,
    Stopwatch,
    bot_process,
    learn_answers,
    link_and_open,
    write_config,
)
from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.local_bot_api import LocalTelegramServer, TranscriptEvent
from cchc_bot.ops.settings import Settings
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.sandbox.local_bot import server_settings
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.texts import heavy_jobs as heavy_words
from db.migrate import current_revision, upgrade_schema
from db.session import create_engine

P95_RATIO_TARGET = 1.5
MAX_TARGET_MS = 250.0
JOB_TIMEOUT = 300.0
COMMANDS = ("/status", "/export")


@dataclass(frozen=True)
class Phase:
    """One measured phase: every user answers while the coordinator works (or does not)."""

    label: str
    accepted: int
    wall_seconds: float
    latencies: list[float]
    stall_seconds: float
    jobs: dict[str, list[float]]
    busy: int

    def percentile(self, share: int) -> float:
        """A latency percentile in milliseconds (inclusive method)."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[share - 1] * 1000


@dataclass
class Coordinator:
    """A coordinator asking for /status and /export again and again, each when the last is in."""

    server: LocalTelegramServer
    user_id: int
    jobs: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in COMMANDS})
    busy: int = 0
    _done: asyncio.Event = field(default_factory=asyncio.Event)
    _waiting_for: str | None = None

    def listen(self) -> None:
        """Watch the coordinator's chat: a chart photo ends /status, a document /export."""

        def on_event(event: TranscriptEvent) -> None:
            record = event.record
            if event.kind != "new" or not record.from_bot or record.chat_id != self.user_id:
                return
            if record.text == heavy_words.BUSY:
                self.busy += 1
                self._done.set()
            elif (self._waiting_for == "/status" and record.photo) or (
                self._waiting_for == "/export" and record.document
            ):
                self._done.set()

        self.server.add_listener(on_event)

    async def loop(self, stop: asyncio.Event) -> None:
        """Alternate /status and /export until `stop` is set (finishing the job in hand)."""
        turn = 0
        while not stop.is_set():
            command = COMMANDS[turn % len(COMMANDS)]
            turn += 1
            self._done.clear()
            self._waiting_for = command
            started = time.perf_counter()
            self.server.send_text(self.user_id, f"{command} 2024-Q1")
            async with asyncio.timeout(JOB_TIMEOUT):
                await self._done.wait()
            self.jobs[command].append(time.perf_counter() - started)


class ChatStopwatch(Stopwatch):
    """The conversation stopwatch counting only the answering users (not the coordinator)."""

    def __init__(self, ignored: int) -> None:
        super().__init__()
        self.ignored = ignored

    def latencies(self) -> list[float]:
        """Delivery-to-reply seconds of every chat but the ignored one."""
        self.delivered = {k: v for k, v in self.delivered.items() if v[0] != self.ignored}
        return super().latencies()


async def phase(
    label: str,
    people: People,
    stopwatch: ChatStopwatch,
    bot: BotProcess,
    user_ids: Sequence[int],
    texts: Sequence[str],
    coordinator: Coordinator | None,
) -> Phase:
    """All users answer concurrently, with the coordinator's closed loop running or not."""

    async def converse(user_id: int) -> None:
        for text in texts:
            await people.say(user_id, text)

    stop = asyncio.Event()
    before_jobs = {c: len(v) for c, v in coordinator.jobs.items()} if coordinator else {}
    before_busy = coordinator.busy if coordinator else 0
    working = asyncio.create_task(coordinator.loop(stop)) if coordinator else None
    if working is not None:
        await asyncio.sleep(0.5)  # the first /status is under way when the users start
    await bot.mark()  # resets the bot's stall probe
    stopwatch.start()
    started = time.perf_counter()
    async with asyncio.timeout(PHASE_LIMIT):
        await asyncio.gather(*(converse(uid) for uid in user_ids))
    wall = time.perf_counter() - started
    stopwatch.stop()
    after = await bot.mark()
    jobs: dict[str, list[float]] = {}
    busy = 0
    if coordinator is not None and working is not None:
        stop.set()
        await working
        jobs = {c: v[before_jobs[c] :] for c, v in coordinator.jobs.items()}
        busy = coordinator.busy - before_busy
    return Phase(
        label,
        len(user_ids) * len(texts),
        wall,
        stopwatch.latencies(),
        after.stall_seconds,
        jobs,
        busy,
    )


async def run_coordinator_load(
    users: int, answers: int, database: str, units: int, workdir: Path
) -> list[Phase]:
    """Set up `units` units, one bot, `users` answering users per phase and a coordinator."""
    probe_id = FIRST_USER_ID
    quiet_ids = list(range(probe_id + 1, probe_id + 1 + users))
    loaded_ids = list(range(probe_id + 1 + users, probe_id + 1 + 2 * users))
    coordinator_id = probe_id + 1 + 2 * users
    answering = [probe_id, *quiet_ids, *loaded_ids]
    if units < len(answering):
        raise BenchError(f"--units must be at least {len(answering)} (one per answering user)")
    codes = [f"bench_xa_{index:04d}" for index in range(units)]
    unit_of = dict(zip(answering, codes, strict=False))
    config_dir = write_config(workdir / "config", codes)
    url = database if database != "sqlite" else f"sqlite+aiosqlite:///{workdir / 'cchc.db'}"
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
        stopwatch = ChatStopwatch(coordinator_id)
        stopwatch.attach(server)
        people = People(server)
        files_dir = workdir / "files"
        base = Settings(
            _env_file=None, database_url=url, config_dir=config_dir, files_dir=files_dir
        )
        settings = server_settings(server, base)
        runtime: Runtime = open_runtime(settings, clock)
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
            async with bot_process("cchc", arguments) as bot:
                await link_and_open(runtime, server, people, {probe_id: unit_of[probe_id]})
                texts, _ = await learn_answers(runtime, server, people, probe_id, answers)
                await link_and_open(
                    runtime, server, people, {uid: unit_of[uid] for uid in quiet_ids + loaded_ids}
                )
                invite = await runtime.accounts.create_invite(Role.COORDINATOR, None)
                server.add_user(coordinator_id, "Phòng Nội vụ")
                await people.say(coordinator_id, f"/start {invite.token}", SETUP_TIMEOUT)
                coordinator = Coordinator(server, coordinator_id)
                coordinator.listen()
                quiet = await phase("quiet", people, stopwatch, bot, quiet_ids, texts, None)
                loaded = await phase(
                    "coordinator load", people, stopwatch, bot, loaded_ids, texts, coordinator
                )
        finally:
            await runtime.close()
    return [quiet, loaded]


def print_phases(phases: Sequence[Phase], users: int, units: int, database: str) -> None:
    """The two phases side by side, the ratios and the verdicts."""
    print(
        f"coordinator load: {units:,} units configured, {users} users answering per phase, "
        f"{database}; the coordinator alternates /status and /export (closed loop)"
    )
    print(
        f"{'phase':<18}{'answers':>8}{'ans/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'loop stall ms':>15}  coordinator jobs"
    )
    for row in phases:
        jobs = ", ".join(
            f"{command} x{len(times)} (mean {statistics.mean(times):.1f} s)"
            for command, times in row.jobs.items()
            if times
        )
        if row.busy:
            jobs += f", {row.busy} busy"
        print(
            f"{row.label:<18}{row.accepted:>8}{row.accepted / row.wall_seconds:>8.1f}"
            f"{row.percentile(50):>9.1f}{row.percentile(95):>9.1f}{row.percentile(99):>9.1f}"
            f"{max(row.latencies, default=0) * 1000:>9.1f}{row.stall_seconds * 1000:>15.1f}"
            f"  {jobs or '-'}"
        )
    quiet, loaded = phases
    ratio = loaded.percentile(95) / quiet.percentile(95)
    worst = max(loaded.latencies, default=0) * 1000
    ok_ratio = "PASS" if ratio <= P95_RATIO_TARGET else "FAIL"
    ok_max = "PASS" if worst <= MAX_TARGET_MS else "FAIL"
    print(f"  {ok_ratio} p95 under load / p95 quiet <= {P95_RATIO_TARGET} ({ratio:.2f})")
    print(f"  {ok_max} max under load <= {MAX_TARGET_MS:.0f} ms ({worst:.1f} ms)")


def main(options: Options) -> int:
    """Run both phases in one temporary directory and print them; 1 if it could not run."""
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as directory:
        try:
            phases = asyncio.run(
                run_coordinator_load(
                    options.users,
                    options.answers,
                    options.database,
                    options.coordinator_units,
                    Path(directory),
                )
            )
        except BenchError as error:
            print(f"benchmark could not run: {error}", file=sys.stderr)
            return 1
    database = "SQLite (WAL, temporary file)" if options.database == "sqlite" else "given database"
    print(
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}; load average "
        f"{os.getloadavg()[0]:.1f} (other processes skew the figures: compare phases of one run)"
    )
    print_phases(phases, options.users, options.coordinator_units, database)
    return 0
