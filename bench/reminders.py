"""Reminder throughput: 1,000 units × 2 members due at once, under Telegram's flood limits.

The real reminder service (claim → send → record on a real SQLite file, or PostgreSQL with
`--database-url`) sends through an `ExtBot` with the bot's `PacedRateLimiter`, as
`cchc-bot remind` does, to the local Telegram server with its sliding-window flood limits on
(30 messages in any second overall, 1 in any second per chat). `--senders 2` runs two
senders side by side on the same database (the bot's tick and a cron `cchc-bot remind`: each
its own engine, bot and in-process pacer; they share only the database and its bulk-send
timetable, so they interleave and together keep to 29 a second).
Prints the time to deliver everything against the physical minimum (messages ÷ 30 s), the
429 answers, duplicates and losses, counted at the server. Target: ≥ 95 % with no 429.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select
from telegram.ext import AIORateLimiter, ExtBot

from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import UNITS_FILE, load_configuration
from cchc_bot.local_bot_api import LocalTelegramServer, RateLimits
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.reminders import (
    DeliveryResult,
    ReminderMessage,
    ReminderService,
    RunReport,
)
from db.migrate import upgrade_schema
from db.models import Member, Unit
from db.session import SessionFactory, create_engine, create_session_factory
from handlers.telegram.reminder_delivery import deliver
from handlers.telegram.send_pacing import PacedRateLimiter

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TOKEN = "7000000002:AAH-cchc-bot-bench-token-0123456789abcd"
# 08:05 on Monday 4 March 2024: the "5 working days before the deadline" reminder of Quý I
# is due for every unit (the week-old "opened" one is past the grace window: skipped).
DUE_AT = dt.datetime(2024, 3, 4, 8, 5, tzinfo=TZ)
FIRST_USER_ID = 500_000_000
EFFICIENCY_TARGET = 95.0
KINDS = ("xa", "phong", "dvsn", "co_quan_tinh")


@dataclass(frozen=True)
class Outcome:
    """What the server saw and what the service reported."""

    messages: int
    seconds: float
    too_many_requests: int
    duplicates: int
    losses: int
    report: RunReport

    @property
    def physical_minimum(self) -> float:
        """Seconds Telegram's 30 messages a second allow at best."""
        return self.messages / RateLimits().per_second

    @property
    def efficiency(self) -> float:
        """The physical minimum as a share of the time taken, in percent."""
        return 100.0 * self.physical_minimum / self.seconds if self.seconds else 0.0

    @property
    def passed(self) -> bool:
        """At least 95 % of the limit, no 429, nothing twice, nothing missing."""
        return (
            self.efficiency >= EFFICIENCY_TARGET
            and self.too_many_requests == 0
            and self.duplicates == 0
            and self.losses == 0
        )


def write_config(directory: Path, units: int) -> None:
    """The bundled questionnaire and schedule with `units` generated units."""
    bundled = bundled_config_dir()
    for name in ("questionnaire.yaml", "schedule.yaml"):
        shutil.copyfile(bundled / name, directory / name)
    document = {
        "district": "Tỉnh thử tải",
        "units": [
            {
                "code": f"u{number:05d}",
                "name": f"Đơn vị số {number}",
                "kind": KINDS[number % len(KINDS)],
                "has_tthc": number % 3 == 0,
            }
            for number in range(1, units + 1)
        ],
    }
    (directory / UNITS_FILE).write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


async def link_members(session_factory: SessionFactory, per_unit: int) -> list[int]:
    """A head and staff per unit, inserted in bulk through the ORM; their Telegram ids."""
    roles = ("head", *("staff",) * (per_unit - 1))
    user_ids: list[int] = []
    async with session_factory.begin() as session:
        units = (await session.scalars(select(Unit).order_by(Unit.code))).all()
        for unit in units:
            for role in roles:
                user_id = FIRST_USER_ID + len(user_ids)
                user_ids.append(user_id)
                session.add(
                    Member(
                        telegram_user_id=user_id,
                        name=f"Cán bộ {user_id}",
                        role=role,
                        unit_id=unit.id,
                        linked_at=DUE_AT - dt.timedelta(days=30),
                        reachable=True,
                    )
                )
    return user_ids


async def one_sender(
    database_url: str, config_dir: Path, clock: MovableClock, server: LocalTelegramServer
) -> RunReport:
    """One process's `remind` run: its own engine, bot and pacer, as `cchc-bot remind` builds."""
    config = load_configuration(config_dir)
    engine = create_engine(database_url)
    try:
        service = ReminderService(create_session_factory(engine), config, clock, TZ)
        limiter = PacedRateLimiter(AIORateLimiter(overall_max_rate=0, max_retries=5))
        async with ExtBot(
            TOKEN,
            base_url=server.base_url,
            base_file_url=server.file_base_url,
            rate_limiter=limiter,
        ) as bot:

            async def send(message: ReminderMessage) -> DeliveryResult:
                return await deliver(bot, message)

            return await service.run(send, at=DUE_AT)
    finally:
        await engine.dispose()


def merge(reports: Sequence[RunReport]) -> RunReport:
    """The senders' reports as one."""
    merged = RunReport(at=reports[0].at)
    for report in reports:
        merged.sent += report.sent
        merged.failed += report.failed
        merged.unreachable += report.unreachable
        merged.skipped += report.skipped
    return merged


async def measure(database_url: str, config_dir: Path, per_unit: int, senders: int) -> Outcome:
    """Set up the district, then time `senders` concurrent `remind` runs against the server."""
    clock = MovableClock(DUE_AT, frozen=True)
    config = load_configuration(config_dir)
    engine = create_engine(database_url)
    try:
        await upgrade_schema(engine)
        session_factory = create_session_factory(engine)
        await sync_configuration(session_factory, config, clock, DUE_AT.date())
        user_ids = await link_members(session_factory, per_unit)
    finally:
        await engine.dispose()
    async with LocalTelegramServer(token=TOKEN, clock=clock) as server:
        for user_id in user_ids:
            server.add_user(user_id, f"Cán bộ {user_id}")
        server.set_rate_limits(True, RateLimits())
        started = time.perf_counter()
        reports = await asyncio.gather(
            *(one_sender(database_url, config_dir, clock, server) for _ in range(senders))
        )
        seconds = time.perf_counter() - started
        delivered = Counter(str(call.chat_id) for call in server.calls("sendMessage", ok=True))
        too_many = server.too_many_requests
    report = merge(reports)
    expected = {str(user_id) for user_id in user_ids}
    return Outcome(
        messages=sum(delivered.values()),
        seconds=seconds,
        too_many_requests=too_many,
        duplicates=sum(count - 1 for count in delivered.values() if count > 1),
        losses=sum(1 for user_id in expected if delivered[user_id] == 0)
        + sum(1 for chat in delivered if chat not in expected),
        report=report,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--members-per-unit", type=int, default=2)
    parser.add_argument(
        "--database-url", help="an empty database (default: a fresh SQLite file in a temp dir)"
    )
    parser.add_argument(
        "--senders", type=int, default=1, help="concurrent `remind` runs sharing the database"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        write_config(directory, args.units)
        url = args.database_url or f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        outcome = asyncio.run(measure(url, directory, args.members_per_unit, args.senders))
    report = outcome.report
    print(
        f"CCHC reminder benchmark: {args.units:,} units × {args.members_per_unit} members "
        f"due at {DUE_AT.isoformat()}, {args.senders} sender(s), "
        f"sliding-window flood limits on ({RateLimits().per_second}/s)"
    )
    print(f"messages delivered      {outcome.messages:>9,}")
    print(f"seconds                 {outcome.seconds:>9.2f}")
    print(f"physical minimum (s)    {outcome.physical_minimum:>9.2f}")
    print(f"efficiency              {outcome.efficiency:>8.1f}%  (target ≥ {EFFICIENCY_TARGET}%)")
    print(f"429 answers             {outcome.too_many_requests:>9,}")
    print(f"duplicates              {outcome.duplicates:>9,}")
    print(f"losses                  {outcome.losses:>9,}")
    print(
        f"service report          sent {len(report.sent):,}, failed {len(report.failed):,}, "
        f"unreachable {len(report.unreachable):,}, skipped {len(report.skipped):,}"
    )
    print("PASS" if outcome.passed else "FAIL")
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())
