"""Two `cchc-bot run --webhook-url` processes behind nginx on one PostgreSQL (issue 16 item 7).

nginx passes Telegram's POSTs round robin, so a chat's consecutive updates land on both
processes; each update must still be handled once and in the chat's order, and after a
`kill -9` of one process mid-burst the other handles whatever the dead one had accepted.
Both processes run the reminder tick (every 5 s) on the real clock, against a schedule
written so that a reminder is due today for every head: each gets it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest
import yaml
from sqlalchemy import func, select

from cchc_bot.local_bot_api import LocalTelegramServer, MessageRecord
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import Runtime
from cchc_bot.texts.chat_common import INTERRUPTED_BY_RESTART
from db.models import Member

from .bot_process import REPO, TOKEN, bot_env, free_port, head_invite, prepared_runtime
from .nginx_proxy import checkable_sample, nginx_binary, round_robin_proxy

CHATS = 24
FIRST_USER = 7300
WAIT = 45.0
HEALTH = "/healthz"
TICK = 5  # seconds between reminder ticks (the smallest `tick_seconds` allowed)
PERIOD_LABEL = "Kỳ thử nhiều tiến trình"
REPLIES = ("stranger", "linked", "help", "notice")

# Each chat's burst, sent without waiting: the first /help must be answered as to a stranger
# and the last as to a linked head, so handling them out of order shows in the replies.
SCRIPT = ("/help", "/start {token}", "/help")
EXPECTED = ("stranger", "linked", "help")


def kind_of(message: MessageRecord) -> str:
    """What a bot message answers: the stranger's help, the link, a head's help, the notice."""
    text = message.text or ""
    if text == INTERRUPTED_BY_RESTART:
        return "notice"
    if "chưa có quyền sử dụng bot" in text:
        return "stranger"
    if "Đã liên kết" in text:
        return "linked"
    if text.startswith("Hướng dẫn"):
        return "help"
    if PERIOD_LABEL in text:
        return "reminder"
    if "báo cáo CCHC" in text:
        return "reminder of a bundled period"  # within its own reminder window today
    return f"other: {text[:60]!r}"


def day_rule(day: dt.date, year: int) -> dict[str, int]:
    """A `schedule.yaml` day of reporting year `year`."""
    return {"month": day.month, "day": day.day, **({"year_offset": -1} if day.year < year else {})}


def write_config(directory: Path, today: dt.date) -> Path:
    """The bundled configuration plus a period due today, whose one reminder is due all day
    (office hours all day, reminder at 00:00, a week's grace if today is a day off)."""
    bundled = bundled_config_dir()
    shutil.copytree(bundled, directory, ignore=shutil.ignore_patterns("examples"))
    schedule = yaml.safe_load((bundled / "schedule.yaml").read_text(encoding="utf-8"))
    schedule["periods"].append(
        {
            "code": "MP",
            "label": PERIOD_LABEL,
            "window_start": day_rule(today - dt.timedelta(days=60), today.year),
            "window_end": day_rule(today - dt.timedelta(days=1), today.year),
            "deadline": day_rule(today, today.year),
        }
    )
    schedule["submission"]["opens_days_before_window_end"] = 10
    schedule["office_hours"] = {"start": "00:00", "end": "23:59"}
    schedule["reminders"].update(
        time="00:00",
        tick_seconds=TICK,
        grace_hours=168,
        schedule=[{"kind": "due_today", "anchor": "deadline", "working_days": 0}],
    )
    (directory / "schedule.yaml").write_text(
        yaml.safe_dump(schedule, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return directory


@dataclass
class WebhookProcess:
    """A `cchc-bot run --webhook-url PROXY --port OWN`, logging to a file."""

    process: asyncio.subprocess.Process
    port: int
    log: Path
    stream: IO[bytes]

    async def kill(self) -> None:
        """`kill -9`: no cleanup of any kind."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.stream.close()

    async def stop(self) -> int:
        """SIGTERM and its exit code."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout=30)
        except TimeoutError:
            self.process.kill()
            raise
        self.stream.close()
        return code

    def lines(self) -> list[dict[str, Any]]:
        """Its JSON log lines."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def start_webhook_process(
    env: dict[str, str], workdir: Path, proxy_port: int, name: str
) -> WebhookProcess:
    """One bot process whose public webhook URL is the proxy's, listening on a port of its own."""
    port = free_port()
    log = workdir / f"{name}.log"
    stream = log.open("wb")  # a file, not a pipe: a full pipe would stall a chatty process
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bot.py"),
        "run",
        "--webhook-url",
        f"http://127.0.0.1:{proxy_port}/",
        "--port",
        str(port),
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stream,
    )
    return WebhookProcess(process, port, log, stream)


async def healthy(bot: WebhookProcess) -> None:
    """Wait until the process answers its health check."""
    url = f"http://127.0.0.1:{bot.port}{HEALTH}"
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            if bot.process.returncode is not None:
                raise AssertionError(bot.log.read_text(encoding="utf-8", errors="replace"))
            try:
                async with http.get(url) as response:
                    if response.status == 200 and await response.text() == "ok":
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"no health on {url}")


@pytest.fixture
async def server() -> AsyncIterator[LocalTelegramServer]:
    """A local Telegram server on the real clock (the processes run on it)."""
    async with LocalTelegramServer(token=TOKEN, bot_username="cchc_process_bot") as server:
        yield server
        assert not server.internal_errors, server.internal_errors


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """The configuration both processes and the test use."""
    today = dt.datetime.now(Settings(_env_file=None).tz).date()
    return write_config(tmp_path / "config", today)


@pytest.fixture
async def runtime(database_url: str, tmp_path: Path, config_dir: Path) -> AsyncIterator[Runtime]:
    """The test's runtime on the database both processes use."""
    runtime = await prepared_runtime(database_url, tmp_path, config_dir)
    yield runtime
    await runtime.close()


def answers(server: LocalTelegramServer, chat: int, after: int) -> list[str]:
    """The kinds of the bot's messages in a chat after the user's message `after`."""
    return [kind_of(m) for m in server.transcript(chat) if m.from_bot and m.message_id > after]


def check_chat(kinds: list[str], expected: tuple[str, ...], where: str) -> int:
    """Replies in the order sent, each once; a reply cut short by the kill became the notice."""
    assert all(kind in REPLIES or kind.startswith("reminder") for kind in kinds), where
    kinds = [kind for kind in kinds if kind in REPLIES]
    replies = [kind for kind in kinds if kind != "notice"]
    notices = len(kinds) - len(replies)
    assert notices <= 1, where  # one update of a chat is in hand at a time
    position = 0
    for reply in replies:
        assert reply in expected[position:], f"out of order or twice: {kinds}\n{where}"
        skipped = expected[position:].index(reply)
        assert skipped <= notices, f"lost: {kinds}\n{where}"
        position += skipped + 1
    assert len(expected) - len(replies) <= notices, f"lost: {kinds}\n{where}"
    return notices


def replies_of(server: LocalTelegramServer, chat: int, after: int) -> list[str]:
    """The bot's answers in a chat after message `after`, reminders left out."""
    return [kind for kind in answers(server, chat, after) if kind in REPLIES]


def reminders_of(server: LocalTelegramServer, chat: int) -> int:
    """How many of the test period's reminders the chat got."""
    return answers(server, chat, 0).count("reminder")


# Several processes share a database only on PostgreSQL (SQLite refuses CCHC_INSTANCES=many).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_processes_behind_nginx_keep_order_once_each_and_survive_a_kill_9(
    server: LocalTelegramServer,
    runtime: Runtime,
    database_url: str,
    tmp_path: Path,
    config_dir: Path,
) -> None:
    proxy_port = free_port()
    chats = list(range(FIRST_USER, FIRST_USER + CHATS))
    for chat in chats:
        server.add_user(chat, f"Chủ tịch {chat}")
    tokens = {chat: await head_invite(runtime) for chat in chats}
    env = bot_env(server, database_url, CCHC_INSTANCES="many", CCHC_CONFIG_DIR=str(config_dir))
    first = await start_webhook_process(env, tmp_path, proxy_port, "first")
    second = await start_webhook_process(env, tmp_path, proxy_port, "second")
    async with round_robin_proxy(tmp_path / "nginx", proxy_port, [first.port, second.port]):
        try:
            await asyncio.gather(healthy(first), healthy(second))

            # Everyone's burst at once; kill one process when a third of it is answered.
            sent: dict[int, int] = {}
            for chat in chats:
                for text in SCRIPT:
                    message = server.send_text(chat, text.format(token=tokens[chat]))
                    sent.setdefault(chat, message.message_id)

            def answered() -> int:
                return sum(len(replies_of(server, chat, after)) for chat, after in sent.items())

            await server.wait_for(lambda: answered() >= CHATS, timeout=WAIT, what="a third")
            await first.kill()
            await server.wait_for(
                lambda: all(len(replies_of(server, c, a)) >= len(SCRIPT) for c, a in sent.items()),
                timeout=WAIT,
                what="every update answered by the survivor",
            )
            await server.wait_until_idle(timeout=WAIT, quiet=0.5)
            interrupted = sum(
                check_chat(answers(server, c, a), EXPECTED, server.describe_chat(c))
                for c, a in sent.items()
            )

            # Every head linked in the burst is reminded by one tick or the other's; a
            # process killed mid-send leaves at most the reminder it had claimed unsent.
            await server.wait_for(
                lambda: sum(reminders_of(server, chat) for chat in chats) >= CHATS - 1,
                timeout=WAIT,
                what="the reminders",
            )
            reminded = asyncio.get_running_loop().time()

            # The survivor carries on alone (nginx passes everything to it).
            later = {chat: server.send_text(chat, "/help").message_id for chat in chats}
            await server.wait_for(
                lambda: all(replies_of(server, c, a) for c, a in later.items()),
                timeout=WAIT,
                what="the survivor's answers",
            )
            await server.wait_until_idle(timeout=WAIT, quiet=0.5)
            for chat, after in later.items():
                assert replies_of(server, chat, after) == ["help"], server.describe_chat(chat)
            # Let one more tick of the survivor pass: it must send nothing again.
            await asyncio.sleep(max(0.0, reminded + TICK + 1 - asyncio.get_running_loop().time()))
        finally:
            try:
                if first.process.returncode is None:
                    await first.kill()
            finally:
                code = await second.stop()
    survivor = second.lines()
    assert code == 0, second.log.read_text(encoding="utf-8")

    # Every chat got linked, and each update was handled by exactly one process, once.
    async with runtime.session_factory() as session:
        linked = await session.scalar(
            select(func.count()).select_from(Member).where(Member.telegram_user_id.in_(chats))
        )
    assert linked == CHATS
    lines = first.lines() + survivor
    done = [line for line in lines if line["message"] == "update handled"]
    handled = [line for line in done if line["outcome"] != "handed over"]
    twice = [uid for uid, n in Counter(line["update_id"] for line in handled).items() if n > 1]
    assert not twice, twice
    # Both processes handled updates, and each left some to the chat's turn in the other.
    assert any(line["message"] == "update handled" for line in first.lines())
    assert any(line["outcome"] == "handed over" for line in done)
    # A chat is told about an update only when the survivor found it cut short by the kill.
    taken_over = [line for line in lines if line["message"] == "chat taken over"]
    assert interrupted <= sum(line["interrupted"] for line in taken_over)
    assert not [line for line in survivor if line["level"] == "ERROR"], survivor
    assert not server.state.updates  # every update was delivered and acknowledged
    assert all(reminders_of(server, chat) <= 1 for chat in chats), [
        server.describe_chat(chat) for chat in chats if reminders_of(server, chat) > 1
    ]


def test_the_sample_nginx_config_is_valid_and_proxies_as_the_test_does(tmp_path: Path) -> None:
    sample = (REPO / "deploy" / "nginx-cchc-bot.conf").read_text(encoding="utf-8")
    for directive in (
        "proxy_next_upstream error timeout http_502 http_503 non_idempotent;",
        'proxy_set_header Connection "";',
        "keepalive 16;",
    ):
        assert directive in sample
    config = tmp_path / "nginx.conf"
    config.write_text(checkable_sample(sample, tmp_path), encoding="utf-8")
    result = subprocess.run(
        [str(nginx_binary()), "-t", "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
