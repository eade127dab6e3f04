"""The web desk under load: the status page of 2,000 units, and field saves by 50 form users.

Everything runs in this process on a fresh SQLite file (or CCHC_BENCH_DATABASE_URL): the
bundled configuration with synthetic communes added up to `--units`, the desk served on a
local port, and aiohttp clients holding real sessions. Each form user saves a field (through
the page script's JSON post) every `--think` seconds on average, as a person typing does.
Each figure is printed beside a baseline measured in the same run on the same server: a
static file and the sign-in page.

    .venv/bin/python -m bench.web [--units 2000] [--users 50] [--saves 20] [--think 2]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web

from cchc_bot.access import Actor, Role
from cchc_bot.clock import MovableClock
from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import Runtime, open_runtime
from cchc_bot.services.accounts import TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.web_access import WebAccessService
from db.migrate import upgrade_schema
from handlers.web.app import build_web_app
from handlers.web.sessions import SESSION_COOKIE, csrf_for_session

HANOI = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2024, 3, 5, 9, 0, tzinfo=HANOI)  # Quý I/2024 is open, due 11/3
PAGE_TARGET_S = 1.0
SAVE_TARGET_MS = 100.0
FIRST_USER_ID = 820_000_001


def config_with_units(folder: Path, count: int) -> int:
    """The bundled configuration with synthetic communes added up to `count` units."""
    shutil.copytree(bundled_config_dir(), folder)
    path = folder / "units.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    units = data["units"]
    for number in range(len(units), count):
        units.append(
            {"code": f"xa_thu_{number:04d}", "name": f"Xã Thử Nghiệm {number:04d}", "kind": "xa"}
        )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(units)


def percentile(values: list[float], share: float) -> float:
    """The value under which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


async def timed(call: Callable[[], Awaitable[int]], repeat: int) -> list[float]:
    """Seconds per call, after one warm-up call."""
    await call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        status = await call()
        times.append(time.perf_counter() - began)
        assert status == 200, status
    return times


async def session_for(runtime: Runtime, clock: MovableClock, actor: Actor) -> str:
    """A signed-in session's token, opened the way a `/web` link opens one."""
    access = WebAccessService(runtime.session_factory, clock)
    link = await access.create_link(actor)
    signed = await access.redeem_link(link.token)
    assert signed.session_token is not None
    return signed.session_token


async def link_person(runtime: Runtime, user_id: int, role: Role, unit: str | None) -> Actor:
    """Invite and link an account, as the chat would."""
    invite = await runtime.accounts.create_invite(role, unit)
    await runtime.accounts.link(TelegramIdentity(user_id, f"Người {user_id}"), invite.token)
    actor = await runtime.accounts.resolve_actor(user_id)
    assert actor is not None
    return actor


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    """Set up, measure, and return the figures."""
    units = config_with_units(workdir / "config", args.units)
    url = os.environ.get("CCHC_BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{workdir / 'b.db'}"
    settings = Settings(
        _env_file=None,
        database_url=url,
        config_dir=workdir / "config",
        files_dir=workdir / "files",
        web_url="http://127.0.0.1",
    )
    clock = MovableClock(START, frozen=True)
    runtime = open_runtime(settings, clock)
    try:
        await upgrade_schema(runtime.engine)
        await sync_configuration(runtime.session_factory, runtime.config, clock, START.date())
        coordinator = await link_person(runtime, FIRST_USER_ID - 1, Role.COORDINATOR, None)
        codes = [unit.code for unit in runtime.config.units.units if unit.kind == "xa"]
        heads = [
            await link_person(runtime, FIRST_USER_ID + index, Role.HEAD, codes[index])
            for index in range(args.users)
        ]
        runner = web.AppRunner(build_web_app(runtime, None), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        try:
            return await measure(args, runtime, clock, base, coordinator, heads, units)
        finally:
            await runner.cleanup()
    finally:
        await runtime.close()


async def measure(
    args: argparse.Namespace,
    runtime: Runtime,
    clock: MovableClock,
    base: str,
    coordinator: Actor,
    heads: list[Actor],
    units: int,
) -> dict[str, object]:
    """The status page, the baselines, then the concurrent field saves."""
    token = await session_for(runtime, clock, coordinator)
    cookies = {SESSION_COOKIE: token}
    async with aiohttp.ClientSession(base, cookies=cookies) as http:

        async def get(path: str) -> int:
            async with http.get(path) as response:
                await response.read()
                return response.status

        page = await timed(lambda: get("/"), args.repeat)
        static = await timed(lambda: get("/static/desk.css"), args.repeat)
        login = await timed(lambda: get("/login"), args.repeat)
    drafts = []
    for actor in heads:
        started = await runtime.reports.start(actor)
        assert started.screen is not None
        drafts.append((actor, started.screen.submission_id))
    latencies: list[float] = []

    async def form_user(actor: Actor, submission_id: int, rng: random.Random) -> None:
        session_token = await session_for(runtime, clock, actor)
        csrf = csrf_for_session(session_token)
        async with aiohttp.ClientSession(base, cookies={SESSION_COOKIE: session_token}) as http:
            for number in range(args.saves):
                # A person types the next figure: 0.5 to 1.5 times the think time.
                await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
                data = {
                    "csrf": csrf,
                    "section": "1",
                    "only": "cddh_02",
                    "v.cddh_02": str(number + 1),
                }
                began = time.perf_counter()
                async with http.post(
                    f"/form/{submission_id}/save",
                    data=data,
                    headers={"Accept": "application/json"},
                ) as response:
                    body = await response.json()
                latencies.append(time.perf_counter() - began)
                assert response.status == 200, body
                assert body["ok"], body

    began = time.perf_counter()
    await asyncio.gather(
        *(
            form_user(actor, ident, random.Random(index))
            for index, (actor, ident) in enumerate(drafts)
        )
    )
    wall = time.perf_counter() - began
    return {
        "units": units,
        "status_page_median_s": statistics.median(page),
        "status_page_max_s": max(page),
        "baseline_static_median_ms": statistics.median(static) * 1000,
        "baseline_login_page_median_ms": statistics.median(login) * 1000,
        "users": args.users,
        "think_s": args.think,
        "saves": len(latencies),
        "save_p50_ms": percentile(latencies, 0.50) * 1000,
        "save_p95_ms": percentile(latencies, 0.95) * 1000,
        "saves_per_s": len(latencies) / wall,
        "database": runtime.settings.database_url.split(":", 1)[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures (with --json, as one JSON object)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--saves", type=int, default=20, help="field saves per user")
    parser.add_argument("--repeat", type=int, default=10, help="status page renders")
    parser.add_argument(
        "--think", type=float, default=2.0, help="seconds a person takes per field (mean)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cchc-bench-web-") as folder:
        figures = asyncio.run(run(args, Path(folder)))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        page_ok = figures["status_page_median_s"] <= PAGE_TARGET_S  # type: ignore[operator]
        save_ok = figures["save_p95_ms"] <= SAVE_TARGET_MS  # type: ignore[operator]
        print(f"status page, {figures['units']} units ({figures['database']}):")
        print(
            f"  median {figures['status_page_median_s']:.3f} s, max "
            f"{figures['status_page_max_s']:.3f} s (target <= {PAGE_TARGET_S} s: "
            f"{'ok' if page_ok else 'MISSED'})"
        )
        print(
            f"  baseline: static file {figures['baseline_static_median_ms']:.1f} ms, "
            f"sign-in page {figures['baseline_login_page_median_ms']:.1f} ms"
        )
        print(
            f"field saves, {figures['users']} concurrent form users "
            f"(one field every ~{figures['think_s']} s each), {figures['saves']} saves:"
        )
        print(
            f"  p50 {figures['save_p50_ms']:.1f} ms, p95 {figures['save_p95_ms']:.1f} ms "
            f"(target <= {SAVE_TARGET_MS} ms: {'ok' if save_ok else 'MISSED'}), "
            f"{figures['saves_per_s']:.0f} saves/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
