"""Logging setup: text or JSON lines, with the bot token scrubbed from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

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
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with any `extra=` fields the caller passed."""

    _standard = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        """Format a record as a JSON line."""
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._standard and not key.startswith("_"):
                data[key] = value
        if record.exc_text or record.exc_info:
            data["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(
    level: str = "INFO", fmt: str = "text", secrets: list[str] | None = None
) -> None:
    """Configure the root logger; quiet the HTTP client, whose request lines carry the token."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(TokenRedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
