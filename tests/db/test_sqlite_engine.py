"""The SQLite engine: stock aiosqlite, transactions in arrival order, other processes waited for."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
import time
import traceback
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.session import Synchronous, create_engine


@pytest.fixture
async def counter_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh file with one counter row."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'counter.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        await connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield engine
    await engine.dispose()


async def _pragma(engine: AsyncEngine, name: str) -> object:
    async with engine.connect() as connection:
        return (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()


async def test_a_file_database_is_reached_through_stock_aiosqlite_off_the_loop_thread(
    counter_engine: AsyncEngine,
) -> None:
    thread_ids: set[int] = set()

    def thread_id() -> int:
        thread_ids.add(threading.get_ident())
        return 1

    async with counter_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, aiosqlite.Connection)
        await raw.driver_connection.create_function("thread_id", 0, thread_id)
        await connection.execute(text("SELECT thread_id()"))
    assert thread_ids
    assert threading.get_ident() not in thread_ids


@pytest.mark.parametrize(("setting", "expected"), [("full", 2), ("normal", 1)])
async def test_synchronous_is_full_unless_normal_is_asked_for(
    tmp_path: Path, setting: Synchronous, expected: int
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 's.db'}", synchronous=setting)
    try:
        assert await _pragma(engine, "synchronous") == expected
        assert await _pragma(engine, "journal_mode") == "wal"
        assert await _pragma(engine, "foreign_keys") == 1
    finally:
        await engine.dispose()


async def test_the_default_is_synchronous_full(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    try:
        assert await _pragma(engine, "synchronous") == 2  # FULL
    finally:
        await engine.dispose()


async def test_in_memory_databases_work_too() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.begin() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_concurrent_read_modify_write_transactions_never_interleave(
    counter_engine: AsyncEngine,
) -> None:
    async def increment() -> None:
        async with counter_engine.begin() as connection:
            value = (await connection.execute(text("SELECT n FROM counter"))).scalar_one()
            await asyncio.sleep(0)  # let every other task try to get in meanwhile
            await connection.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})

    await asyncio.gather(*(increment() for _ in range(50)))
    async with counter_engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 50


async def test_transactions_are_granted_in_arrival_order(counter_engine: AsyncEngine) -> None:
    order: list[int] = []

    async def write(index: int) -> None:
        async with counter_engine.begin() as connection:
            await connection.execute(text("UPDATE counter SET n = :n"), {"n": index})
            order.append(index)
            await asyncio.sleep(0.001)

    tasks = []
    for index in range(10):
        tasks.append(asyncio.create_task(write(index)))
        await asyncio.sleep(0)  # each task reaches BEGIN before the next is created
    await asyncio.gather(*tasks)
    assert order == list(range(10))


async def _grant_order_under_steady_arrivals(engine: AsyncEngine) -> tuple[list[int], list[int]]:
    """Start 300 transactions a few loop turns apart; return arrival and grant orders."""
    arrivals: list[int] = []
    grants: list[int] = []

    async def write(index: int) -> None:
        arrivals.append(index)  # the same loop step asks the pool for the connection
        async with engine.begin() as connection:
            grants.append(index)
            await connection.execute(text("UPDATE counter SET n = :n"), {"n": index})

    steps = random.Random(12)
    tasks = []
    for index in range(300):
        tasks.append(asyncio.create_task(write(index)))
        for _ in range(steps.randint(0, 6)):
            await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    return arrivals, grants


async def test_a_newcomer_never_takes_the_connection_promised_to_a_waiter(
    counter_engine: AsyncEngine,
) -> None:
    arrivals, grants = await _grant_order_under_steady_arrivals(counter_engine)
    assert arrivals == list(range(300))
    assert grants == arrivals


async def test_two_engines_on_one_file_both_get_through_without_losing_an_update(
    counter_engine: AsyncEngine,
) -> None:
    path = counter_engine.url.database
    assert path is not None
    other = create_engine(f"sqlite+aiosqlite:///{path}")

    async def write(engine: AsyncEngine) -> None:
        async with engine.begin() as connection:
            value = (await connection.execute(text("SELECT n FROM counter"))).scalar_one()
            await asyncio.sleep(0.005)  # hold the transaction across a real wait
            await connection.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})

    try:
        started = time.monotonic()
        await asyncio.gather(*(write(counter_engine if i % 2 else other) for i in range(10)))
        elapsed = time.monotonic() - started
    finally:
        await other.dispose()
    assert elapsed < 5.0
    async with counter_engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 10


async def test_a_failed_transaction_lets_the_next_one_in(counter_engine: AsyncEngine) -> None:
    with pytest.raises(OperationalError):
        async with counter_engine.begin() as connection:
            await connection.execute(text("UPDATE no_such_table SET n = 1"))
    async with asyncio.timeout(5), counter_engine.begin() as connection:
        await connection.execute(text("UPDATE counter SET n = 7"))
    async with counter_engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 7


async def test_a_cancelled_transaction_lets_the_next_one_in(counter_engine: AsyncEngine) -> None:
    entered = asyncio.Event()

    async def stuck() -> None:
        async with counter_engine.begin() as connection:
            await connection.execute(text("UPDATE counter SET n = 1"))
            entered.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(stuck())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with asyncio.timeout(5), counter_engine.begin() as connection:
        await connection.execute(text("UPDATE counter SET n = 2"))
    async with counter_engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 2


async def test_waiting_for_the_connection_gives_up_after_the_lock_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'g.db'}", lock_timeout=0.2)
    entered, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("SELECT 1"))
            entered.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    try:
        await entered.wait()
        started = time.monotonic()
        with pytest.raises(PoolTimeoutError):
            async with engine.begin() as connection:
                await connection.execute(text("SELECT 1"))
        assert 0.1 < time.monotonic() - started < 5
        release.set()
        await holder
        async with asyncio.timeout(5), engine.begin() as connection:  # free again
            await connection.execute(text("SELECT 1"))
    finally:
        release.set()
        await holder
        await engine.dispose()


@pytest.fixture
def foreign_writer(tmp_path: Path) -> Iterator[tuple[Path, threading.Event]]:
    """Another "process" (a plain sqlite3 connection in a thread) holding the write lock."""
    path = tmp_path / "shared.db"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.commit()
    setup.close()
    release = threading.Event()
    holding = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        holding.set()
        release.wait(10)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    yield path, release
    release.set()
    thread.join()


async def test_another_process_holding_the_database_is_waited_for_without_blocking_the_loop(
    foreign_writer: tuple[Path, threading.Event],
) -> None:
    path, release = foreign_writer
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> int:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (2)"))
            count: int = (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one()
            return count

    ticking = asyncio.create_task(ticker())
    try:
        writing = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not writing.done()
        assert ticks >= 10  # the loop kept running while the write waited
        release.set()
        async with asyncio.timeout(5):
            assert await writing == 2
    finally:
        ticking.cancel()
        await engine.dispose()


async def test_waiting_for_another_process_gives_up_as_sqlite_would(
    foreign_writer: tuple[Path, threading.Event],
) -> None:
    path, _release = foreign_writer
    engine = create_engine(f"sqlite+aiosqlite:///{path}", lock_timeout=0.2)
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="locked"):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES (2)"))
        assert 0.1 < time.monotonic() - started < 5
    finally:
        await engine.dispose()


async def test_the_default_lock_timeout_is_thirty_seconds(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 't.db'}")
    try:
        assert await _pragma(engine, "busy_timeout") == 30_000
        assert engine.pool.timeout() == 30.0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


SECRET = "secret-value-4711"


async def test_a_failing_statement_does_not_show_its_bound_parameters(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with pytest.raises(SQLAlchemyError) as raised:
            async with engine.connect() as connection:
                await connection.execute(
                    text("SELECT n FROM no_such_table WHERE name = :name"), {"name": SECRET}
                )
    finally:
        await engine.dispose()
    shown = "".join(traceback.format_exception(raised.value))
    assert "no_such_table" in shown
    assert "parameters hidden" in shown
    assert SECRET not in shown
