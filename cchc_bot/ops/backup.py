"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump and pg_restore."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shlex
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import URL, make_url

from db.migrate import alembic_config, head_revision
from db.session import is_sqlite

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
COUNTED_TABLES = {"units": "units", "members": "linked accounts", "submissions": "submissions"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class DatabaseSummary:
    """What a SQLite file holds: schema revision, a few row counts and its size."""

    path: Path
    revision: str
    counts: dict[str, int]
    size: int

    @property
    def needs_upgrade(self) -> bool:
        """Whether `cchc-bot init` must upgrade the schema after a restore."""
        return self.revision != head_revision()

    def describe(self) -> str:
        """One line for the operator."""
        counts = ", ".join(
            f"{self.counts[table]} {label}" for table, label in COUNTED_TABLES.items()
        )
        return f"revision {self.revision}, {counts}, {self.size / 1024:.0f} KiB"


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore: what was restored and where the replaced database went."""

    restored: DatabaseSummary
    previous: Path | None


def sqlite_file(url: str) -> Path:
    """The SQLite file of a database URL (BackupError for PostgreSQL or in-memory URLs)."""
    if not is_sqlite(url):
        raise BackupError("not a SQLite URL")
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("CCHC_DATABASE_URL is an in-memory SQLite database: nothing to back up")
    return Path(database).resolve()


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that waits for locks and is always closed."""
    target = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    connection = sqlite3.connect(target, uri=True, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def _summary(connection: sqlite3.Connection, path: Path) -> DatabaseSummary:
    """Check integrity and read the revision and counts of an open database."""
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise BackupError(f"{path} is damaged: {'; '.join(map(str, verdict[:3]))}")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a CCHC Bot database: {exc}") from exc
    if row is None:
        raise BackupError(f"{path} has no schema revision: it is not a CCHC Bot database")
    counts = {
        table: int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        for table in COUNTED_TABLES
    }
    return DatabaseSummary(path, str(row[0]), counts, path.stat().st_size)


def backup_sqlite(source: Path, out: Path) -> DatabaseSummary:
    """Copy a live SQLite database to `out` consistently (backup API), then verify the copy."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}: nothing to back up")
    out = out.resolve()
    if out == source or out.name in {f"{source.name}{side}" for side in SIDE_FILES}:
        raise BackupError("--out must not be the database itself or its -wal/-shm file")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with _connect(source) as live, _connect(partial) as copy:
            # One step: the whole copy is one read transaction, a snapshot even while the bot
            # writes (WAL lets the bot go on meanwhile).
            live.backup(copy)
            # A backup is one self-contained file, not a WAL database with side files.
            copy.execute("PRAGMA journal_mode=DELETE")
            summary = _summary(copy, partial)
        os.replace(partial, out)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return DatabaseSummary(out, summary.revision, summary.counts, out.stat().st_size)


def inspect_backup(path: Path) -> DatabaseSummary:
    """Validate a backup file: SQLite, intact, with a schema revision this version knows."""
    path = path.resolve()
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database (not a `cchc-bot backup` file)")
    with _connect(path, read_only=True) as connection:
        summary = _summary(connection, path)
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(summary.revision)
    except CommandError as exc:
        raise BackupError(
            f"{path} is at schema revision {summary.revision}, which this version does not "
            "know: restore it with the cchc-bot version that made it"
        ) from exc
    return summary


def ensure_not_in_use(database: Path) -> None:
    """Refuse while another process (a running bot) has the database open.

    The bot keeps SQLite in WAL mode; leaving WAL mode needs every other connection closed,
    so it doubles as an "is anyone using it" probe (and checkpoints a leftover -wal file).
    """
    with _connect(database) as connection:
        try:
            connection.execute("PRAGMA busy_timeout=0")
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.OperationalError as exc:
            raise BackupError(
                f"{database} is in use (is the bot running?): stop it first, "
                "e.g. `systemctl stop cchc-bot`"
            ) from exc
    if str(mode).lower() != "delete":
        raise BackupError(f"{database} is in use (is the bot running?): stop it first")


def aside_name(database: Path) -> Path:
    """Where the replaced database goes: `NAME.before-restore`, numbered if that is taken."""
    candidate = database.with_name(f"{database.name}.before-restore")
    number = 1
    while candidate.exists():
        number += 1
        candidate = database.with_name(f"{database.name}.before-restore-{number}")
    return candidate


def restore_sqlite(backup: Path, database: Path) -> RestoreResult:
    """Replace the database with a validated backup, keeping the old file beside it."""
    summary = inspect_backup(backup)
    database = database.resolve()
    if summary.path == database:
        raise BackupError("the backup file is the database itself")
    if not database.parent.is_dir():
        raise BackupError(f"the folder {database.parent} does not exist")
    if database.exists():
        ensure_not_in_use(database)
    incoming = database.with_name(database.name + ".restoring")
    incoming.unlink(missing_ok=True)
    try:
        with _connect(summary.path, read_only=True) as source, _connect(incoming) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            _summary(copy, incoming)
        previous = None
        if database.exists():
            previous = aside_name(database)
            os.replace(database, previous)
        for side in SIDE_FILES:
            database.with_name(database.name + side).unlink(missing_ok=True)
        os.replace(incoming, database)
    except sqlite3.Error as exc:
        raise BackupError(f"the restore failed: {exc}") from exc
    finally:
        incoming.unlink(missing_ok=True)
    return RestoreResult(dataclasses.replace(summary, path=database), previous)


def _pg_connection_args(url: URL) -> list[str]:
    """libpq options for a URL, without the password (pg tools read PGPASSWORD or ~/.pgpass)."""
    args: list[str] = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


def postgres_backup_commands(database_url: str, out: Path) -> list[str]:
    """How to back up a PostgreSQL database with pg_dump, as lines to print."""
    url = make_url(database_url)
    dump = ["pg_dump", "--format=custom", "--no-owner", *_pg_connection_args(url)]
    dump += ["--dbname", url.database or "postgres", "--file", str(out)]
    return [
        "The database is PostgreSQL: back it up with pg_dump (a consistent snapshot, "
        "safe while the bot runs).",
        "The password is not printed: export PGPASSWORD=... or put it in ~/.pgpass first.",
        "",
        f"  {shlex.join(dump)}",
        "",
        "Restore it with `cchc-bot restore FILE`, which prints the pg_restore command.",
    ]


def postgres_restore_commands(database_url: str, backup: Path) -> list[str]:
    """How to restore a pg_dump file into the PostgreSQL database, as lines to print."""
    url = make_url(database_url)
    restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_connection_args(url)]
    restore += ["--dbname", url.database or "postgres", str(backup)]
    return [
        "The database is PostgreSQL: restore a pg_dump file with pg_restore.",
        "Stop the bot first (systemctl stop cchc-bot); the password is read from PGPASSWORD "
        "or ~/.pgpass.",
        "",
        f"  {shlex.join(restore)}",
        "",
        "Then run `cchc-bot init` (upgrades an older schema) and start the bot again.",
    ]
