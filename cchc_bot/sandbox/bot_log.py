"""The bot's log during a sandbox session: into a file, token scrubbed, errors counted."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from cchc_bot.ops.logs import CONTENT_BEARING_LOGGERS, configure_logging


class ErrorCounter(logging.Handler):
    """Counts error records, so a script can fail when the bot logged one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record."""
        self.count += 1


@dataclass
class BotLog:
    """The bot's logging (as `run` configures it) sent to a file for the session's length."""

    path: Path
    level: str
    fmt: str
    secret: str
    errors: ErrorCounter = field(default_factory=ErrorCounter)
    _saved: tuple[list[logging.Handler], int, dict[str, int]] | None = None
    _file: TextIO | None = None

    def install(self) -> None:
        """Log to the file, token scrubbed, and count errors; the chat stays clean."""
        root = logging.getLogger()
        levels = {name: logging.getLogger(name).level for name in CONTENT_BEARING_LOGGERS}
        self._saved = (list(root.handlers), root.level, levels)
        self._file = self.path.open("a", encoding="utf-8")
        configure_logging(self.level, self.fmt, secrets=[self.secret], stream=self._file)
        root.addHandler(self.errors)

    def restore(self) -> None:
        """Put the previous logging back."""
        if self._saved is None:
            return
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        handlers, level, levels = self._saved
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        for name, previous in levels.items():
            logging.getLogger(name).setLevel(previous)
        if self._file is not None:
            self._file.close()
        self._saved = self._file = None
