"""`kill -9` of a real `cchc-bot run` mid-burst: no message is lost, none is handled twice."""

from __future__ import annotations

import functools
import json
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cchc_bot.local_bot_api import LocalTelegramServer, MessageRecord
from cchc_bot.runtime import Runtime
from cchc_bot.texts import chat_common
from db.models import Member

from .bot_process import (
    TOKEN,
    BotProcess,
    bot_env,
    head_invite,
    prepared_runtime,
    start_bot_process,
)

CHATS = 24
FIRST_USER = 7100
KILLS_PER_BURST = 2


@pytest.fixture
async def server() -> AsyncIterator[LocalTelegramServer]:
    """A local Telegram server on the real clock."""
    async with LocalTelegramServer(token=TOKEN, bot_username="cchc_process_bot") as server:
        yield server
        assert not server.internal_errors, server.internal_errors


@pytest.fixture
async def runtime(database_url: str, tmp_path: Path) -> AsyncIterator[Runtime]:
    """The test's runtime on the database the bot process uses."""
    runtime = await prepared_runtime(database_url, tmp_path)
    yield runtime
    await runtime.close()


def bot_messages_after(
    server: LocalTelegramServer, chat_id: int, after: int
) -> list[MessageRecord]:
    """What the bot sent in a chat after the user's message `after`."""
    return [m for m in server.transcript(chat_id) if m.from_bot and m.message_id > after]


def is_notice(message: MessageRecord) -> bool:
    """The notice a chat gets when its update was cut short by the crash."""
    return message.text == chat_common.INTERRUPTED_BY_RESTART


async def burst_with_kills(
    server: LocalTelegramServer,
    env: dict[str, str],
    tmp_path: Path,
    messages: dict[int, str],
    rng: random.Random,
    bot: BotProcess | None,
    logs: list[str],
) -> tuple[dict[int, int], BotProcess]:
    """Every chat sends its message at once; the bot is killed twice mid-burst, then restarted."""
    sent = {chat: server.send_text(chat, text).message_id for chat, text in messages.items()}

    def answered() -> int:
        return sum(1 for chat, after in sent.items() if bot_messages_after(server, chat, after))

    def answered_at_least(count: int) -> bool:
        return answered() >= count

    for _ in range(KILLS_PER_BURST):
        if bot is None:
            bot = await start_bot_process(env, tmp_path)
        # Kill when part of the burst is answered: some updates done, some in flight, some queued.
        threshold = min(answered() + rng.randint(1, CHATS // 3), CHATS - 1)
        await server.wait_for(
            functools.partial(answered_at_least, threshold), timeout=60, what="replies"
        )
        logs.append(await bot.kill())
        bot = None
    bot = await start_bot_process(env, tmp_path)
    await server.wait_for(lambda: answered() == CHATS, timeout=60, what="every chat answered")
    await server.wait_until_idle(timeout=30, quiet=0.5)
    return sent, bot


def check_answers(
    server: LocalTelegramServer, sent: dict[int, int], is_reply: Callable[[MessageRecord], bool]
) -> int:
    """Each message got its reply at most once, and its reply or the notice; count notices."""
    interrupted = 0
    for chat, after in sent.items():
        answers = bot_messages_after(server, chat, after)
        replies = [m for m in answers if not is_notice(m)]
        notices = [m for m in answers if is_notice(m)]
        assert all(is_reply(m) for m in replies), server.describe_chat(chat)
        assert len(replies) <= 1, f"handled twice:\n{server.describe_chat(chat)}"
        assert replies or notices, f"lost:\n{server.describe_chat(chat)}"
        interrupted += bool(notices)
    return interrupted


async def test_kill_9_mid_burst_loses_nothing_and_handles_nothing_twice(
    server: LocalTelegramServer, runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    # Issue 11 item 25: updates were acknowledged (the next getUpdates offset) before they
    # were handled, so a crash dropped every update fetched and not yet handled.
    rng = random.Random(25)
    env = bot_env(server, database_url)
    chats = list(range(FIRST_USER, FIRST_USER + CHATS))
    for chat in chats:
        server.add_user(chat, f"Người {chat}")
    tokens = {chat: await head_invite(runtime) for chat in chats}
    bot: BotProcess | None = None
    interrupted = 0
    logs: list[str] = []

    # A write: linking the account. Handled twice, it would answer "mã đã dùng".
    sent, bot = await burst_with_kills(
        server, env, tmp_path, {c: f"/start {tokens[c]}" for c in chats}, rng, bot, logs
    )
    interrupted += check_answers(server, sent, lambda m: "Đã liên kết" in (m.text or ""))
    async with runtime.session_factory() as session:
        linked = await session.scalar(
            select(func.count()).select_from(Member).where(Member.telegram_user_id.in_(chats))
        )
    assert linked == CHATS

    # A read: the same question from everyone, killed mid-burst again (twice).
    logs.append(await bot.kill())
    bot = None
    sent, bot = await burst_with_kills(
        server, env, tmp_path, dict.fromkeys(chats, "/help"), rng, bot, logs
    )
    interrupted += check_answers(server, sent, lambda m: bool(m.text))

    code, stderr = await bot.stop()
    assert code == 0, stderr
    logs.append(stderr)
    messages = [
        json.loads(line) for log in logs for line in log.splitlines() if line.startswith("{")
    ]
    assert not [m for m in messages if m["message"] == "unhandled error while handling an update"]
    recovered = [m for m in messages if m["message"] == "inbox recovered"]
    # The kills did land mid-burst: restarts found stored updates and handled them.
    assert sum(m["replayed"] for m in recovered) > 0, recovered
    # A chat is told only about an update that a restart found cut short.
    assert interrupted <= sum(m["interrupted"] for m in recovered)
