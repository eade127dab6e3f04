"""SQLite inline on the event loop: transactions queue in order, other processes are waited for."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import inline_sqlite
from db.inline_sqlite import InlineConnection, WriteGate, inline_creator
from db.session import create_engine


@pytest.fixture
async def counter_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An inline engine on a fresh file with one counter row."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        await connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield engine
    await engine.dispose()


async def test_in_memory_databases_keep_aiosqlite() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert isinstance(raw.driver_connection, aiosqlite.Connection)
    finally:
        await engine.dispose()


async def test_a_connection_is_the_inline_kind_and_runs_on_the_loop_thread(
    counter_engine: AsyncEngine,
) -> None:
    async with counter_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, InlineConnection)
        thread_ids: set[int] = set()

        def thread_id() -> int:
            thread_ids.add(threading.get_ident())
            return 1

        raw.driver_connection._conn.create_function("thread_id", 0, thread_id)
        await connection.execute(text("SELECT thread_id()"))
    assert thread_ids == {threading.get_ident()}


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


async def test_two_engines_on_one_file_take_turns_in_arrival_order(
    counter_engine: AsyncEngine,
) -> None:
    path = counter_engine.url.database
    assert path is not None
    other = create_engine(f"sqlite+aiosqlite:///{path}")
    order: list[int] = []

    async def write(engine: AsyncEngine, index: int) -> None:
        async with engine.begin() as connection:
            value = (await connection.execute(text("SELECT n FROM counter"))).scalar_one()
            await asyncio.sleep(0.005)  # hold the transaction across a real wait
            await connection.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
            order.append(index)

    try:
        tasks = []
        for index in range(10):
            engine = counter_engine if index % 2 else other
            tasks.append(asyncio.create_task(write(engine, index)))
            await asyncio.sleep(0)
        started = time.monotonic()
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
    finally:
        await other.dispose()
    assert order == list(range(10))  # not a busy-wait scramble between the two engines
    assert elapsed < 1.0
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
    gate = WriteGate(timeout=0.2)
    connection = await inline_creator(str(path), gate)()
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await connection.cursor().execute("BEGIN IMMEDIATE")
    assert 0.1 < time.monotonic() - started < 5
    assert not connection.in_transaction
    await connection.close()


async def test_waiting_for_the_gate_gives_up_after_the_timeout(tmp_path: Path) -> None:
    gate = WriteGate(timeout=0.1)
    first = await inline_creator(str(tmp_path / "g.db"), gate)()
    second = await inline_creator(str(tmp_path / "g.db"), gate)()
    await first.cursor().execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await second.cursor().execute("BEGIN IMMEDIATE")
    await first.rollback()
    await second.cursor().execute("BEGIN IMMEDIATE")  # free again
    await second.commit()
    await first.close()
    await second.close()


async def test_a_connection_dropped_mid_transaction_frees_the_gate(tmp_path: Path) -> None:
    gate = WriteGate(timeout=1)
    dropped = await inline_creator(str(tmp_path / "d.db"), gate)()
    await dropped.cursor().execute("BEGIN IMMEDIATE")
    del dropped  # no close, no rollback: garbage collected
    other = await inline_creator(str(tmp_path / "d.db"), gate)()
    async with asyncio.timeout(5):
        await other.cursor().execute("BEGIN IMMEDIATE")
    await other.commit()
    await other.close()


async def test_cursor_offers_what_sqlalchemy_uses(tmp_path: Path) -> None:
    connection = await inline_creator(str(tmp_path / "c.db"), WriteGate(timeout=1))()
    cursor = connection.cursor()
    async with cursor:
        await cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        await cursor.executemany("INSERT INTO t (name) VALUES (?)", [("a",), ("b",), ("c",)])
        assert cursor.rowcount == 3
        await cursor.execute("INSERT INTO t (name) VALUES (?)", ("d",))
        assert cursor.lastrowid == 4
        await cursor.execute("SELECT name FROM t ORDER BY id")
        assert cursor.description[0][0] == "name"
        assert await cursor.fetchone() == ("a",)
        assert await cursor.fetchmany(2) == [("b",), ("c",)]
        assert [row async for row in cursor] == [("d",)]
    assert not connection.in_transaction  # autocommit statements released the gate
    await connection.close()
    assert connection._connection is None


def test_busy_errors_are_told_apart_from_other_errors() -> None:
    assert inline_sqlite.is_busy(sqlite3.OperationalError("database is locked"))
    assert inline_sqlite.is_busy(sqlite3.OperationalError("database table is busy"))
    assert not inline_sqlite.is_busy(sqlite3.OperationalError("no such table: t"))
