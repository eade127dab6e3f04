"""Typed PTB context: handlers reach the runtime through `context.runtime`, not globals."""

from __future__ import annotations

from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from cchc_bot.config.organisation import Organisation
from cchc_bot.heavy_jobs import HeavyJobs
from cchc_bot.runtime import Runtime

# Telegram accepts about 30 messages per second from a bot in total; bulk sends (reminders,
# nudges) keep under it, while replies to people typing are not slowed by them.
BULK_MESSAGES_PER_SECOND = 30


class BotData:
    """Application-wide data: the runtime, the bulk-send limiter, the heavy-job cap."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        self.bulk_limiter = AsyncLimiter(BULK_MESSAGES_PER_SECOND, 1)
        self.heavy_jobs = HeavyJobs()


class CchcContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """Callback context with a typed `runtime` property."""

    @property
    def runtime(self) -> Runtime:
        """The runtime; set before the application starts."""
        runtime = self.bot_data.runtime
        if runtime is None:
            raise RuntimeError("the runtime was not attached to the application")
        return runtime

    @property
    def organisation(self) -> Organisation:
        """Who runs the reporting (units.yaml `organisation:`): the names texts say."""
        return self.runtime.config.units.organisation


CONTEXT_TYPES = ContextTypes(context=CchcContext, bot_data=BotData)

CchcApplication = Application[
    ExtBot[Any], CchcContext, dict[Any, Any], dict[Any, Any], BotData, Any
]
