"""Typed PTB context: handlers reach the runtime through `context.runtime`, not globals."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from cchc_bot.runtime import Runtime


class BotData:
    """Application-wide data: the runtime the composition root built."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None


class CchcContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """Callback context with a typed `runtime` property."""

    @property
    def runtime(self) -> Runtime:
        """The runtime; set before the application starts."""
        runtime = self.bot_data.runtime
        if runtime is None:
            raise RuntimeError("the runtime was not attached to the application")
        return runtime


CONTEXT_TYPES = ContextTypes(context=CchcContext, bot_data=BotData)

CchcApplication = Application[
    ExtBot[Any], CchcContext, dict[Any, Any], dict[Any, Any], BotData, Any
]
