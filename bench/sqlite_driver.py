"""SQLite driver shapes on one answer-like transaction: aiosqlite vs one worker thread per unit.

Each transaction is `BEGIN IMMEDIATE`, two reads, an upsert, two updates and a commit
(`synchronous=FULL`, WAL), 16 at a time, as the bot's answer path. Shapes, alternated:
`aiosqlite` (the product's engine, `db.session.create_engine`: every statement is several
hand-offs to aiosqlite's thread), `sa-thread` (SQLAlchemy Core on the standard `sqlite3` driver,
the whole transaction run in one executor thread: one hand-off per transaction) and `sqlite3`
(the same without SQLAlchemy). Prints transactions per second and process CPU per transaction.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event, text

from db.session import create_engine

CONCURRENCY = 16
STATEMENTS = (
    ("SELECT id, v FROM t WHERE id = :i", True),
    ("SELECT id, v FROM a WHERE t_id = :i", True),
    (
        "INSERT INTO a (t_id, k, v) VALUES (:i, :k, 'x') "
        "ON CONFLICT (t_id, k) DO UPDATE SET v = excluded.v",
        False,
    ),
    ("UPDATE t SET v = v + 1 WHERE id = :i", False),
    ("UPDATE t SET w = 1 WHERE id = :i AND w = 0", False),
)


def set_up(path: str) -> None:
    """A WAL database with the two tables the transaction touches."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INT, w INT)")
    connection.execute(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, t_id INT, k INT, v TEXT, UNIQUE (t_id, k))"
    )
    connection.executemany("INSERT INTO t VALUES (?, 0, 0)", [(i,) for i in range(100)])
    connection.commit()
    connection.close()


async def via_aiosqlite(path: str, count: int) -> None:
    """The product's engine: SQLAlchemy's aiosqlite dialect, one pooled connection in turn."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    turns = asyncio.Semaphore(CONCURRENCY)

    async def one(n: int) -> None:
        async with turns, engine.begin() as connection:
            for sql, fetch in STATEMENTS:
                result = await connection.execute(text(sql), {"i": n % 100, "k": n % 20})
                if fetch:
                    result.all()

    await asyncio.gather(*(one(n) for n in range(count)))
    await engine.dispose()


async def in_one_thread(unit: Callable[[int], None], count: int) -> None:
    """Run each transaction whole in a single writer thread (one hand-off per transaction)."""
    executor = concurrent.futures.ThreadPoolExecutor(1)
    loop = asyncio.get_running_loop()
    turns = asyncio.Semaphore(CONCURRENCY)

    async def one(n: int) -> None:
        async with turns:
            await loop.run_in_executor(executor, unit, n)

    await asyncio.gather(*(one(n) for n in range(count)))
    executor.shutdown()


async def via_sqlalchemy_thread(path: str, count: int) -> None:
    """SQLAlchemy Core on the standard driver, each transaction in the writer thread."""
    engine = create_sync_engine(f"sqlite:///{path}", pool_size=1, max_overflow=0)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA synchronous=FULL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    statements = [(text(sql), fetch) for sql, fetch in STATEMENTS]

    def unit(n: int) -> None:
        with engine.begin() as connection:
            for statement, fetch in statements:
                result = connection.execute(statement, {"i": n % 100, "k": n % 20})
                if fetch:
                    result.all()

    await in_one_thread(unit, count)
    engine.dispose()


async def via_sqlite3_thread(path: str, count: int) -> None:
    """The standard driver alone, each transaction in the writer thread."""
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA synchronous=FULL")
    positional = [(sql.replace(":i", "?").replace(":k", "?"), f) for sql, f in STATEMENTS]

    def unit(n: int) -> None:
        connection.execute("BEGIN IMMEDIATE")
        for sql, fetch in positional:
            values = (n % 100, n % 20) if sql.count("?") == 2 else (n % 100,)
            cursor = connection.execute(sql, values)
            if fetch:
                cursor.fetchall()
        connection.execute("COMMIT")

    await in_one_thread(unit, count)
    connection.close()


SHAPES: dict[str, Callable[[str, int], Coroutine[Any, Any, None]]] = {
    "aiosqlite": via_aiosqlite,
    "sa-thread": via_sqlalchemy_thread,
    "sqlite3": via_sqlite3_thread,
}


def main() -> None:
    """Run every shape `--rounds` times, alternated, each on a fresh database file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    for _ in range(options.rounds):
        for name, shape in SHAPES.items():
            path = os.path.join(tempfile.mkdtemp(), "bench.db")
            set_up(path)
            cpu, started = time.process_time(), time.perf_counter()
            asyncio.run(shape(path, options.transactions))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - started
            per_second = options.transactions / wall
            per_transaction = 1000 * cpu / options.transactions
            print(f"{name:<10} {per_second:8.0f} tx/s {per_transaction:7.3f} ms CPU/tx")


if __name__ == "__main__":
    main()
