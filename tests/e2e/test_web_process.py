"""The web desk as processes: beside `cchc-bot run` when CCHC_WEB_URL is set, and `cchc-bot web`."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cchc_bot.access import Role
from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.runtime import Runtime
from cchc_bot.services.accounts import TelegramIdentity
from cchc_bot.services.web_access import WebAccessService

from .bot_process import (
    REPO,
    TOKEN,
    bot_env,
    free_port,
    head_invite,
    prepared_runtime,
    start_bot_process,
)

LINK = re.compile(r"http://127\.0\.0\.1:\d+/login\?token=[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@pytest.fixture
async def server() -> AsyncIterator[LocalTelegramServer]:
    """A local Telegram server on the real clock."""
    async with LocalTelegramServer(token=TOKEN, bot_username="cchc_process_bot") as server:
        yield server
        assert not server.internal_errors, server.internal_errors


@pytest.fixture
async def runtime(database_url: str, tmp_path: Path) -> AsyncIterator[Runtime]:
    """The test's own runtime on the database the processes use."""
    runtime = await prepared_runtime(database_url, tmp_path)
    yield runtime
    await runtime.close()


async def wait_for_port(port: int, timeout: float = 30) -> None:  # noqa: ASYNC109
    """Wait until something listens on the loopback port."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def sign_in_and_read(link: str, base: str, path: str) -> int:
    """Follow a sign-in link as a browser would; the status of `path` afterwards."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(link) as page:
            found = CSRF.search(await page.text())
        assert found is not None
        token = link.split("token=", 1)[1]
        async with http.post(
            f"{base}/login", data={"csrf": found.group(1), "token": token}, allow_redirects=False
        ) as signed:
            assert signed.status == 303
        async with http.get(f"{base}{path}") as response:
            return response.status


async def test_run_serves_the_web_desk_and_web_links_open_it(
    server: LocalTelegramServer, runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(server, database_url, CCHC_WEB_URL=base, CCHC_WEB_PORT=str(port))
    server.add_user(6101, "Chủ tịch Tài Văn")
    server.send_text(6101, f"/start {await head_invite(runtime)}")
    bot = await start_bot_process(env, tmp_path)
    try:
        await server.wait_for_bot_messages(6101, timeout=30)
        await wait_for_port(port)
        server.send_text(6101, "/web")
        replies = await server.wait_for_bot_messages(6101, timeout=15)
        found = LINK.search(replies[-1].text or "")
        assert found is not None, replies[-1].text
        assert await sign_in_and_read(found.group(0), base, "/unit/xa_tai_van") == 200
    finally:
        code, stderr = await bot.stop()
    assert code == 0, stderr
    assert TOKEN not in stderr


async def test_the_web_command_serves_the_desk_on_its_own(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    invite = await runtime.accounts.create_invite(Role.COORDINATOR, None)
    await runtime.accounts.link(TelegramIdentity(6102, "Phòng Nội vụ"), invite.token)
    actor = await runtime.accounts.resolve_actor(6102)
    issued = await WebAccessService(runtime.session_factory, runtime.clock).create_link(actor)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CCHC_")},
        "CCHC_DATABASE_URL": database_url,
        "CCHC_WEB_URL": base,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bot.py"),
        "web",
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await wait_for_port(port)
        link = f"{base}/login?token={issued.token}"
        assert await sign_in_and_read(link, base, "/") == 200
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode(errors="replace")
