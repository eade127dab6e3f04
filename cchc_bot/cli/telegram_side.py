"""What operator commands need from Telegram, installed by bot.py: cchc_bot imports no handlers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from cchc_bot.cli.base import CliError
from cchc_bot.ops.settings import Settings
from cchc_bot.services.reminders import Deliver


@dataclass(frozen=True)
class TelegramSide:
    """The Telegram adapters the `remind` and `revoke` commands call."""

    reminder_sender: Callable[[Settings, str], AbstractAsyncContextManager[Deliver]]
    """A paced bot for the token, as a `Deliver` of reminder messages, for one run."""
    reset_member_menu: Callable[[Settings, int], Coroutine[Any, Any, None]]
    """Put a revoked account's command menu and menu button back to the unlinked ones."""


_installed: list[TelegramSide] = []


def install(side: TelegramSide) -> None:
    """Give the commands their Telegram adapters (bot.py, the composition root, does this)."""
    _installed[:] = [side]


def telegram_side() -> TelegramSide:
    """The installed adapters; a clear error when the commands run without bot.py."""
    if not _installed:
        raise CliError("this command talks to Telegram: run it as `cchc-bot` (bot.py)")
    return _installed[0]
