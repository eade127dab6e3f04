"""Logging setup: text or JSON lines, with the bot token scrubbed from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any, TextIO

# A Telegram bot token: digits, a colon, then 30+ URL-safe characters.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "<bot-token>"


class TokenRedactingFilter(logging.Filter):
    """Replace bot tokens (the configured one and anything shaped like one) in log records."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self._secrets = [secret for secret in (secrets or []) if secret]

    def redact(self, text: str) -> str:
        """Return the text with every secret and token-shaped string replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, scrub it, and drop the arguments."""
        message = record.getMessage()
        record.msg = self.redact(message)
        record.args = None
        for key, value in extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


# Network failures carry no bug to debug, only a fault to name: their tracebacks (deep in the
# HTTP client, ending in a URL that holds the token) shrink to one line unless at DEBUG.
_NETWORK_ERRORS = {"NetworkError", "TimedOut", "InvalidToken"}


class OneLineNetworkErrors(logging.Filter):
    """Replace the traceback of a Telegram network error by its one-line description."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Fold `exc_info` of a telegram.error network failure into the message."""
        exc = record.exc_info[1] if record.exc_info else None
        if (
            exc is not None
            and type(exc).__module__.startswith("telegram")
            and type(exc).__name__ in _NETWORK_ERRORS
            and logging.getLogger().getEffectiveLevel() > logging.DEBUG
        ):
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


_STANDARD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The `extra=` fields a caller passed with a record (timings, ids, kinds)."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_FIELDS and not key.startswith("_")
    }


class TextFormatter(logging.Formatter):
    """A human-readable line ending with the record's `extra=` fields as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        """Append the extra fields to the formatted message."""
        line = super().formatMessage(record)
        extras = " ".join(f"{key}={value}" for key, value in extra_fields(record).items())
        return f"{line} {extras}" if extras else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with any `extra=` fields the caller passed."""

    def format(self, record: logging.LogRecord) -> str:
        """Format a record as a JSON line."""
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(extra_fields(record))
        if record.exc_text or record.exc_info:
            data["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(data, ensure_ascii=False, default=str)


# Loggers whose records carry request bodies, SQL parameters or updates (message texts):
# capped so that even CCHC_LOG_LEVEL=DEBUG never writes what people typed.
CONTENT_BEARING_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    "apscheduler": logging.WARNING,
}


def configure_logging(
    level: str = "INFO",
    fmt: str = "text",
    secrets: list[str] | None = None,
    stream: TextIO | None = None,
) -> None:
    """Configure the root logger (stderr by default); quiet loggers that carry content."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(OneLineNetworkErrors())
    handler.addFilter(TokenRedactingFilter(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, floor in CONTENT_BEARING_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
