"""The command line's shared parts: the typer app, its context, errors, database access."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from cchc_bot.clock import Clock, system_clock
from cchc_bot.config.loading import (
    Configuration,
    ConfigurationError,
    load_configuration,
)
from cchc_bot.ops.logs import TokenRedactingFilter
from cchc_bot.ops.settings import MissingTokenError, Settings
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.texts import cli as cli_words
from db.migrate import current_revision, head_revision
from db.session import SessionFactory, create_engine, create_session_factory

P = ParamSpec("P")
T = TypeVar("T")

app = typer.Typer(
    name="cchc-bot",
    help="CCHC Bot: the periodic CCHC (administrative reform) reporting cycle on Telegram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
error_console = Console(stderr=True, highlight=False)


class CliError(Exception):
    """A user error: printed as one line, exit code 1, no traceback."""


@dataclass
class CliContext:
    """What every command shares: settings (built lazily) and the clock."""

    clock: Clock = system_clock
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """Build the settings on first use, so a bad variable is reported clearly."""
        if self._settings is None:
            try:
                self._settings = Settings()
            except ValidationError as exc:
                problems = "; ".join(
                    f"CCHC_{'.'.join(str(part) for part in err['loc']).upper()}: {err['msg']}"
                    for err in exc.errors()
                )
                raise CliError(f"invalid settings: {problems}") from exc
        return self._settings

    def today(self) -> dt.date:
        """Today's date in the configured zone."""
        return self.clock().astimezone(self.settings.tz).date()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line reason to stderr and exit non-zero."""
    error_console.print(cli_words.ERROR_PREFIX + message, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def user_errors(function: Callable[P, T]) -> Callable[P, T]:
    """Turn the errors a user can cause into one-line messages instead of tracebacks."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return function(*args, **kwargs)
        except ConfigurationError as exc:
            for issue in exc.issues:
                error_console.print(str(issue), markup=False, soft_wrap=True)
            fail(f"the configuration has {len(exc.issues)} problem(s); run `cchc-bot check-config`")
        except (CliError, MissingTokenError, UnknownPeriodError) as exc:
            fail(str(exc))
        except SQLAlchemyError as exc:
            fail(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}")

    return wrapper


@contextlib.contextmanager
def startup_faults(secrets: list[str]) -> Iterator[None]:
    """Turn an unexpected error that stops the bot into one line naming it, secrets scrubbed.

    The traceback goes to the log at DEBUG only (scrubbed too): a start-up fault is usually a
    setting (a mistyped URL, an unreachable server), and its traceback would print the Bot API
    URL, which carries the token.
    """
    try:
        yield
    except (CliError, typer.Exit, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        redactor = TokenRedactingFilter(secrets)
        logging.getLogger("cchc_bot").debug("the bot stopped on an error", exc_info=exc)
        detail = redactor.redact(" ".join(str(exc).split()))[:300]
        raise CliError(f"the bot stopped: {type(exc).__name__}: {detail}") from None


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a synchronous command."""
    return asyncio.run(coroutine)


def context_of(ctx: typer.Context) -> CliContext:
    """The shared command context."""
    obj = ctx.obj
    if not isinstance(obj, CliContext):
        obj = CliContext()
        ctx.obj = obj
    return obj


def load_config(cli: CliContext, directory: Path | None = None) -> Configuration:
    """Load the configuration folder (settings' by default)."""
    return load_configuration(directory or cli.settings.config_dir)


async def require_current_schema(engine: AsyncEngine) -> None:
    """Refuse to work on a database that `cchc-bot init` has not brought up to date."""
    current = await current_revision(engine)
    if current != head_revision():
        raise CliError(
            f"the database schema is at {current or 'nothing'}, not {head_revision()}: "
            "run `cchc-bot init` first"
        )


async def with_database(
    settings: Settings,
    work: Callable[[SessionFactory], Awaitable[T]],
    *,
    require_schema: bool = True,
) -> T:
    """Open the database, check the schema is current, run `work`, and dispose the engine."""
    engine = create_engine(settings.database_url)
    try:
        if require_schema:
            await require_current_schema(engine)
        return await work(create_session_factory(engine))
    finally:
        await engine.dispose()


def say(line: str) -> None:
    """Print one line of plain text (no Rich markup), wrapped by the terminal, not by Rich."""
    console.print(line, markup=False, soft_wrap=True)


def say_all(lines: Iterable[str]) -> None:
    """Print lines of plain text, one `say` each."""
    for line in lines:
        say(line)


def new_table(columns: Iterable[str], title: str | None = None) -> Table:
    """A Rich table with these column headers (printed with `console.print`)."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    return table


def print_json(data: Any) -> None:
    """Print machine-readable output."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.callback()
def root(ctx: typer.Context) -> None:
    """CCHC Bot: the CCHC reporting cycle of huyện Trần Đề on Telegram."""
    context_of(ctx)
