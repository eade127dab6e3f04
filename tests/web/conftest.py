"""The web desk on a real SQLite file with the bundled units, and an HTTP client for it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from cchc_bot.access import Actor, Role
from cchc_bot.clock import MovableClock
from cchc_bot.ops.settings import Settings
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.services.accounts import TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.web_access import WebAccessService
from handlers.web.app import build_web_app
from tests.seeding import store_submitted

TOKEN = "7000000001:AAH-cchc-web-tests-token-0123456789abc"
PEOPLE = {
    "head_a": (701, Role.HEAD, "xa_tai_van", "Trưởng Tài Văn"),
    "staff_a": (702, Role.STAFF, "xa_tai_van", "Văn thư <script>alert(1)</script> & co"),
    "head_b": (703, Role.HEAD, "xa_vien_an", "Trưởng Viên An"),
    "coordinator": (704, Role.COORDINATOR, None, "Chuyên viên Phòng Nội vụ"),
    "revoked": (705, Role.HEAD, "xa_tai_van", "Người đã nghỉ"),
}
ANSWERS = {
    "cddh_01": {"numerator": "17", "denominator": "20"},
    "cddh_02": {"value": "12"},
    "cddh_03": {"value": "3", "explanation": "Kiểm tra <đột xuất> & định kỳ"},
}
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


class Desk:
    """The runtime, the web app's HTTP client and the linked people of the bundled units."""

    def __init__(
        self,
        runtime: Runtime,
        client: TestClient[web.Request, web.Application],
        clock: MovableClock,
    ) -> None:
        self.runtime = runtime
        self.client = client
        self.clock = clock
        self.access = WebAccessService(runtime.session_factory, clock)
        self.actors: dict[str, Actor] = {}

    async def link_token(self, who: str) -> str:
        """A fresh `/web` link token for one of the people, as the chat would send it."""
        issued = await self.access.create_link(self.actors[who])
        return issued.token

    async def open_login(self, token: str) -> str:
        """Open the link's page; return the form's CSRF token."""
        response = await self.client.get("/login", params={"token": token})
        assert response.status == 200
        found = CSRF.search(await response.text())
        assert found is not None
        return found.group(1)

    async def sign_in(self, who: str) -> None:
        """Sign in through a link, as a person clicking it would."""
        token = await self.link_token(who)
        csrf = await self.open_login(token)
        response = await self.client.post(
            "/login", data={"csrf": csrf, "token": token}, allow_redirects=False
        )
        assert response.status == 303, await response.text()

    async def page_csrf(self) -> str:
        """The CSRF token the signed-in pages carry."""
        found = CSRF.search(await (await self.client.get("/")).text())
        assert found is not None
        return found.group(1)


async def store_submission(runtime: Runtime, unit_code: str, period_code: str) -> None:
    """A submitted report with a few answers, as the chat would have frozen it."""
    now = dt.datetime(2024, 3, 4, 8, 30, tzinfo=dt.UTC)
    await store_submitted(runtime.session_factory, unit_code, period_code, ANSWERS, now)


@pytest.fixture
def web_clock() -> MovableClock:
    """09:00 on 5 March 2024, Hanoi time: Quý I/2024 is open, due 11/3."""
    return MovableClock(
        dt.datetime(2024, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), frozen=True
    )


@pytest.fixture
async def desk_runtime(
    tmp_path: Path, sqlite_template: Path, web_clock: MovableClock
) -> AsyncIterator[Runtime]:
    """A runtime on a fresh SQLite copy with the bundled units and every kind of account."""
    database = tmp_path / "cchc.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{database}",
        web_url="http://127.0.0.1",
        files_dir=tmp_path / "files",
    )
    runtime = open_runtime(settings, web_clock)
    await sync_configuration(
        runtime.session_factory, runtime.config, web_clock, dt.date(2024, 3, 5)
    )
    yield runtime
    await runtime.close()


@pytest.fixture
async def desk(desk_runtime: Runtime, web_clock: MovableClock) -> AsyncIterator[Desk]:
    """The web desk served on a local port, with the people linked and Tài Văn submitted."""
    client = TestClient(TestServer(build_web_app(desk_runtime, TOKEN)))
    await client.start_server()
    desk = Desk(desk_runtime, client, web_clock)
    for key, (user_id, role, unit, name) in PEOPLE.items():
        invite = await desk_runtime.accounts.create_invite(role, unit)
        await desk_runtime.accounts.link(TelegramIdentity(user_id, name), invite.token)
        actor = await desk_runtime.accounts.resolve_actor(user_id)
        assert actor is not None
        desk.actors[key] = actor
    await store_submission(desk_runtime, "xa_tai_van", "2024-Q1")
    yield desk
    await client.close()
