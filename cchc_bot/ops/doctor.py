"""`cchc-bot doctor`: every setup problem an operator meets, each with the fix to apply."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from cchc_bot import period_calendar
from cchc_bot.clock import Clock, system_clock
from cchc_bot.config.loading import Configuration, check_configuration, load_configuration
from cchc_bot.documents.pdf import soffice_binary, soffice_version
from cchc_bot.ops.settings import Settings
from cchc_bot.telegram_request import one_shot_bot
from db.migrate import alembic_config, current_revision, head_revision
from db.models import Member, Unit
from db.session import create_engine, is_sqlite

Status = Literal["ok", "fail", "skip"]
BotFactory = Callable[[str, Settings], Bot]
SettingsFactory = Callable[..., Settings]

NEXT_REMINDERS = 3
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it passed, and how to fix it."""

    name: str
    status: Status
    detail: str
    fix: str | None = None

    @property
    def failed(self) -> bool:
        """Whether this check makes `doctor` exit non-zero."""
        return self.status == "fail"

    def to_json(self) -> dict[str, Any]:
        """The check as a JSON object."""
        return asdict(self)


def ok(name: str, detail: str) -> Check:
    """A passed check."""
    return Check(name, "ok", detail)


def fail(name: str, detail: str, fix: str) -> Check:
    """A failed check with the concrete fix."""
    return Check(name, "fail", detail, fix)


def skip(name: str, needs: str) -> Check:
    """A check that cannot run because an earlier one failed."""
    return Check(name, "skip", f"not checked: needs {needs}")


def default_bot(token: str, settings: Settings) -> Bot:
    """A Bot for the configured Bot API, through the configured proxy."""
    return one_shot_bot(settings, token)


@dataclass
class LoadedSettings:
    """Settings as far as they could be read, and the variables that were invalid."""

    settings: Settings
    invalid: dict[str, tuple[object, str]]


def load_settings(factory: SettingsFactory = Settings) -> LoadedSettings:
    """Read the settings; an invalid variable falls back to its default and is reported."""
    try:
        return LoadedSettings(factory(), {})
    except ValidationError as exc:
        invalid = {
            str(error["loc"][0]): (error.get("input"), error["msg"])
            for error in exc.errors()
            if error["loc"]
        }
    defaults: dict[str, Any] = {
        name: Settings.model_fields[name].get_default(call_default_factory=True)
        for name in invalid
        if name in Settings.model_fields
    }
    if "timezone" in defaults:
        defaults["timezone"] = DEFAULT_TIMEZONE
    return LoadedSettings(factory(**defaults), invalid)


def check_settings(loaded: LoadedSettings) -> Check:
    """Every CCHC_* variable parses (the time zone has its own line)."""
    others = {name: problem for name, problem in loaded.invalid.items() if name != "timezone"}
    if not others:
        return ok("settings", "every CCHC_* variable is valid")
    names = ", ".join(f"CCHC_{name.upper()}: {message}" for name, (_, message) in others.items())
    return fail(
        "settings",
        names,
        "correct these variables in the environment or .env (see .env.example)",
    )


async def check_token(settings: Settings, bot_factory: BotFactory) -> Check:
    """The token is set and Telegram accepts it (getMe)."""
    token = settings.bot_token.get_secret_value().strip() if settings.bot_token else ""
    if not token:
        return fail(
            "token",
            "CCHC_BOT_TOKEN is not set",
            "put the token from @BotFather in CCHC_BOT_TOKEN (in .env or the service's "
            "environment file /etc/cchc-bot/env)",
        )
    host = make_url_host(settings.telegram_api_url)
    try:
        async with bot_factory(token, settings) as bot:  # initializing asks getMe
            me = bot.bot
    except InvalidToken:
        return fail(
            "token",
            "Telegram refused the token (401 Unauthorized)",
            "copy the token again from @BotFather (/mybots → API Token) into CCHC_BOT_TOKEN; "
            "a token revoked there stops working",
        )
    except NetworkError as exc:
        return fail(
            "token",
            f"cannot reach the Bot API at {host}: {exc}",
            "check this server's internet access, DNS, firewall or proxy "
            "(CCHC_PROXY_URL, else HTTPS_PROXY), and CCHC_TELEGRAM_API_URL",
        )
    except TelegramError as exc:
        return fail("token", f"Telegram answered getMe with: {exc}", "try again later")
    wanted = (settings.bot_username or "").lstrip("@")
    if wanted and me.username and wanted.lower() != me.username.lower():
        return fail(
            "token",
            f"the token belongs to @{me.username}, but CCHC_BOT_USERNAME is {wanted}",
            f"set CCHC_BOT_USERNAME={me.username} (invite links use it) or remove it",
        )
    return ok("token", f"@{me.username} (id {me.id})")


def make_url_host(url: str) -> str:
    """The scheme and host of a Bot API URL, without the token PTB appends."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def described_database(url: str) -> str:
    """The SQLite file's absolute path, or the URL without its password."""
    if is_sqlite(url):
        return f"the SQLite file {Path(make_url(url).database or '').resolve()}"
    return shown_url(url)


def shown_url(url: str) -> str:
    """A database URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as "unparsable", never echoed with secrets
        return "<unparsable URL>"


@dataclass
class DatabaseState:
    """What the database checks found: the checks and whether the schema can be read."""

    checks: list[Check]
    usable: bool


async def check_database(settings: Settings) -> DatabaseState:
    """The database answers, and its schema is the one this version needs."""
    url = settings.database_url
    try:
        parsed = make_url(url)
    except Exception:
        return DatabaseState(
            [
                fail(
                    "database",
                    "CCHC_DATABASE_URL is not a database URL",
                    "use sqlite+aiosqlite:///cchc.db or postgresql+asyncpg://USER:PASS@HOST/DB",
                ),
                skip("schema", "a working database"),
            ],
            False,
        )
    if is_sqlite(url):
        problem = sqlite_file_problem(parsed.database)
        if problem is not None:
            return DatabaseState([problem, skip("schema", "a working database")], False)
    engine = create_engine(url)
    try:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            return DatabaseState(
                [
                    fail(
                        "database",
                        f"cannot connect to {shown_url(url)}: {reason}",
                        "start the database server or correct host, port, user, password "
                        "and database name in CCHC_DATABASE_URL",
                    ),
                    skip("schema", "a working database"),
                ],
                False,
            )
        database = ok("database", f"connected to {described_database(url)}")
        return DatabaseState([database, await check_schema(engine)], True)
    finally:
        await engine.dispose()


def sqlite_file_problem(database: str | None) -> Check | None:
    """A SQLite file that is missing or not writable (connecting would create an empty one)."""
    if not database or database == ":memory:":
        return fail(
            "database",
            "CCHC_DATABASE_URL points at an in-memory SQLite database: nothing would be kept",
            "use a file: CCHC_DATABASE_URL=sqlite+aiosqlite:////var/lib/cchc-bot/cchc.db",
        )
    path = Path(database).resolve()
    if not path.is_file():
        return fail(
            "database",
            f"no SQLite database at {path}",
            "run `cchc-bot init` to create it, or point CCHC_DATABASE_URL at the existing "
            "file (sqlite+aiosqlite:////absolute/path/cchc.db)",
        )
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        return fail(
            "database",
            f"{path} or its folder is not writable by this user",
            f"give the bot's user write access to {path.parent} (SQLite writes -wal and "
            "-shm files beside the database)",
        )
    return None


async def check_schema(engine: AsyncEngine) -> Check:
    """The schema is at this version's head, and `init` has synced the units."""
    head = head_revision()
    current = await current_revision(engine)
    if current is None:
        return fail(
            "schema", "the database has no schema yet", "run `cchc-bot init` (creates the tables)"
        )
    if current != head:
        script = ScriptDirectory.from_config(alembic_config())
        try:
            script.get_revision(current)
        except CommandError:
            return fail(
                "schema",
                f"the database is at revision {current}, which this version does not know "
                "(a newer cchc-bot migrated it)",
                "install the cchc-bot version that migrated it, or restore a backup "
                "(`cchc-bot restore`)",
            )
        return fail(
            "schema",
            f"the database is at revision {current}, this version needs {head}",
            "run `cchc-bot backup --out before-upgrade.db`, then `cchc-bot init`",
        )
    async with engine.connect() as connection:
        units = await connection.scalar(select(func.count()).select_from(Unit))
        members = await connection.scalar(
            select(func.count()).select_from(Member).where(Member.revoked_at.is_(None))
        )
    if not units:
        return fail(
            "schema", f"at {head}, but no units are synced", "run `cchc-bot init` (syncs the YAML)"
        )
    return ok("schema", f"at {head}; {units} units, {members} linked accounts")


def check_config(settings: Settings) -> tuple[Check, Configuration | None]:
    """The three YAML files of CCHC_CONFIG_DIR are valid."""
    folder = settings.config_dir
    issues = check_configuration(folder)
    if issues:
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        return (
            fail(
                "configuration",
                f"{folder}: {issues[0]}{more}",
                f"run `cchc-bot check-config {folder}` for every problem, fix the files, "
                "then run `cchc-bot init`",
            ),
            None,
        )
    config = load_configuration(folder)
    return (
        ok(
            "configuration",
            f"{folder}: {len(config.units.units)} units, questionnaire version "
            f"{config.questionnaire.version}",
        ),
        config,
    )


def check_timezone(loaded: LoadedSettings, now: dt.datetime) -> Check:
    """CCHC_TIMEZONE names a zone this machine knows."""
    problem = loaded.invalid.get("timezone")
    if problem is not None:
        value, _ = problem
        return fail(
            "timezone",
            f"CCHC_TIMEZONE={value!s} is not a time zone this machine knows",
            f"set CCHC_TIMEZONE to an IANA name such as {DEFAULT_TIMEZONE}; if that fails "
            "too, install the tzdata package (apt-get install tzdata or pip install tzdata)",
        )
    settings = loaded.settings
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(settings.timezone))
    except zoneinfo.ZoneInfoNotFoundError:
        return fail(
            "timezone",
            f"{settings.timezone} is unknown here",
            "install the tzdata package (apt-get install tzdata or pip install tzdata)",
        )
    return ok("timezone", f"{settings.timezone}: now {local:%Y-%m-%d %H:%M} ({local:%z})")


def check_reminders(config: Configuration, tz: zoneinfo.ZoneInfo, now: dt.datetime) -> Check:
    """The next reminders the bot will send, by the calendar (at least one must be ahead)."""
    schedule = config.schedule
    year = now.astimezone(tz).year
    first = max(year - 1, schedule.years.first)
    last = year + 2 if schedule.years.last is None else min(year + 2, schedule.years.last)
    upcoming = sorted(
        (moment, period.label)
        for period in period_calendar.periods_in_years(schedule, tz, first, last)
        for moment in period.reminders
        if moment > now
    )
    if not upcoming:
        return fail(
            "reminders",
            f"no reminder is scheduled after {now.astimezone(tz):%d/%m/%Y}",
            "extend `years:` in schedule.yaml (last: null means no end) and check `reminders:`,"
            " then run `cchc-bot init`",
        )
    shown = ", ".join(
        f"{moment.astimezone(tz):%d/%m/%Y %H:%M} ({label})"
        for moment, label in upcoming[:NEXT_REMINDERS]
    )
    return ok("reminders", f"next: {shown}")


def check_files(settings: Settings) -> Check:
    """The file storage folder can be written (or created) by this user."""
    folder = settings.files_dir.resolve()
    user = _user_name()
    if folder.exists() and not folder.is_dir():
        return fail(
            "files",
            f"CCHC_FILES_DIR {folder} is a file, not a folder",
            "point CCHC_FILES_DIR at a folder (e.g. /var/lib/cchc-bot/files)",
        )
    probe_in = folder if folder.exists() else _nearest_existing(folder)
    if not probe_in.is_dir():
        return fail(
            "files",
            f"CCHC_FILES_DIR {folder} cannot be created: {probe_in} is not a folder",
            "point CCHC_FILES_DIR at a folder (e.g. /var/lib/cchc-bot/files)",
        )
    try:
        with tempfile.TemporaryFile(dir=probe_in, prefix=".cchc-doctor-"):
            pass
    except OSError as exc:
        return fail(
            "files",
            f"{probe_in} is not writable by {user}: {exc.strerror or exc}",
            f"create {folder} and give it to the bot's user, e.g. "
            f"`install -d -o cchc -g cchc {folder}`",
        )
    if folder.exists():
        return ok("files", f"{folder} is writable (checked as {user})")
    return ok("files", f"{folder} will be created on first use; {probe_in} is writable")


def check_pdf() -> Check:
    """Whether LibreOffice is there for a PDF beside each DOCX (optional: never fails)."""
    binary = soffice_binary()
    version = soffice_version(binary) if binary else None
    if version is None:
        why = f"{binary} does not run" if binary else "soffice not found on PATH"
        hint = "install LibreOffice (apt install libreoffice-writer) for a PDF beside each DOCX"
        return ok("pdf", f"{why}: reports are sent as DOCX only; {hint}")
    return ok("pdf", f"{version.splitlines()[0]} ({binary}): a PDF is sent beside each DOCX")


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def _user_name() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):  # no pwd on Windows, or a uid without a name in a container
        return f"uid {os.geteuid()}" if hasattr(os, "geteuid") else "this user"


async def run_checks(
    *,
    settings_factory: SettingsFactory = Settings,
    bot_factory: BotFactory = default_bot,
    clock: Clock = system_clock,
) -> list[Check]:
    """Run every check in the order an operator fixes things."""
    loaded = load_settings(settings_factory)
    settings = loaded.settings
    now = clock()
    checks = [check_settings(loaded), await check_token(settings, bot_factory)]
    checks.extend((await check_database(settings)).checks)
    config_check, config = check_config(settings)
    timezone_check = check_timezone(loaded, now)
    checks += [config_check, timezone_check]
    if config is None:
        checks.append(skip("reminders", "a valid configuration"))
    elif timezone_check.failed:
        checks.append(skip("reminders", "a valid time zone"))
    else:
        checks.append(check_reminders(config, settings.tz, now))
    checks += [check_files(settings), check_pdf()]
    return checks


def render(checks: Iterable[Check]) -> list[str]:
    """The report as lines: status, name, detail, and the fix under a failed line."""
    lines: list[str] = []
    checks = list(checks)
    for check in checks:
        lines.append(f"{check.status.upper():<5} {check.name:<14} {check.detail}")
        if check.fix:
            lines.append(f"{'':<5} {'':<14} → fix: {check.fix}")
    failed = sum(check.failed for check in checks)
    passed = sum(check.status == "ok" for check in checks)
    lines.append(f"{passed} OK, {failed} failed" if failed else f"all {passed} checks OK")
    return lines
