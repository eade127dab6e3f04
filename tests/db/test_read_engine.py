"""On a SQLite file, status and exports read through a read-only engine beside the writer."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from cchc_bot.ops.settings import Settings, bundled_config_dir
from cchc_bot.runtime import open_runtime
from db.models import Unit


def _unit(code: str) -> Unit:
    now = dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC)
    return Unit(code=code, name=code, kind="xa", active=True, created_at=now, updated_at=now)


async def test_a_long_read_does_not_hold_the_writer_and_refuses_writes(
    tmp_path: Path, sqlite_template: Path
) -> None:
    database = tmp_path / "cchc.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{database}",
        config_dir=bundled_config_dir(),
        files_dir=tmp_path / "files",
    )
    runtime = open_runtime(settings)
    try:
        assert runtime.read_engine is not None
        reads = runtime.status._sessions
        assert reads is not runtime.session_factory
        async with reads() as reading:
            before = await reading.scalar(select(func.count()).select_from(Unit))
            # While the read transaction stays open, a writer commits at once.
            async with asyncio.timeout(5), runtime.session_factory.begin() as writing:
                writing.add(_unit("xa_moi"))
            # The read keeps its snapshot; a new read sees the commit.
            assert await reading.scalar(select(func.count()).select_from(Unit)) == before
        async with reads() as reading:
            after = await reading.scalar(select(func.count()).select_from(Unit))
        assert after == (before or 0) + 1
        with pytest.raises(OperationalError, match="readonly"):
            async with reads.begin() as reading:
                reading.add(_unit("xa_khac"))
    finally:
        await runtime.close()
