"""Run real python-telegram-bot Applications by long polling against a local server."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from pydantic import SecretStr
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from cchc_bot.application_lifecycle import initialized, started
from cchc_bot.ops.settings import Settings

if TYPE_CHECKING:
    from cchc_bot.local_bot_api.http.server import LocalTelegramServer

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
ApplicationT = TypeVar("ApplicationT", bound=AnyApplication)
ApplicationBuild = Callable[[Settings], AnyApplication | Awaitable[AnyApplication]]


@asynccontextmanager
async def running_application(
    application: ApplicationT,
    *,
    poll_timeout: float = 10.0,
    allowed_updates: Sequence[str] | None = None,
    drop_pending_updates: bool = False,
) -> AsyncIterator[ApplicationT]:
    """Initialize, poll and start the application; stop and shut it down on exit.

    This is what `Application.run_polling` does (post_init, post_stop and post_shutdown
    included), minus the signal handling and the blocking, so it can run inside an event
    loop the caller owns.
    """
    if application.updater is None:
        raise ValueError("the application has no Updater: build it without updater(None)")
    async with initialized(application):
        await application.updater.start_polling(
            poll_interval=0.0,
            timeout=dt.timedelta(seconds=poll_timeout),
            allowed_updates=allowed_updates,
            drop_pending_updates=drop_pending_updates,
        )
        async with started(application):
            yield application


def server_settings(server: LocalTelegramServer, base: Settings | None = None) -> Settings:
    """Settings (a copy of `base`, if given) whose token and URLs point at the local server."""
    update = {
        "bot_token": SecretStr(server.token),
        "telegram_api_url": server.base_url,
        "telegram_file_url": server.file_base_url,
        "bot_username": server.bot.username,
        "proxy_url": None,  # the local server is on this machine: never via the office proxy
    }
    if base is None:
        base = Settings(_env_file=None)
    return base.model_copy(update=update)


def plain_application(settings: Settings) -> AnyApplication:
    """An Application without handlers, pointed at the configured Bot API."""
    return (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .build()
    )


class BotRunner:
    """Builds real Applications against a local server and runs them until closed.

    `build` is the project's `build_application(settings)` (sync or async) or any
    function like it. Exceptions raised in handlers are collected in `handler_errors`.
    """

    def __init__(self, server: LocalTelegramServer, *, poll_timeout: float = 5.0) -> None:
        self.server = server
        self.poll_timeout = poll_timeout
        self.handler_errors: list[BaseException] = []
        self._stack = AsyncExitStack()

    async def __call__(
        self,
        build: ApplicationBuild = plain_application,
        *,
        settings: Settings | None = None,
        configure: Callable[[AnyApplication], None] | None = None,
        allowed_updates: Sequence[str] | None = None,
    ) -> AnyApplication:
        """Build an application for the server, start polling and return it."""
        built = build(server_settings(self.server, settings))
        application = await built if inspect.isawaitable(built) else built
        if configure is not None:
            configure(application)
        application.add_error_handler(self._record_error)
        return await self._stack.enter_async_context(
            running_application(
                application, poll_timeout=self.poll_timeout, allowed_updates=allowed_updates
            )
        )

    async def _record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.handler_errors.append(context.error)

    async def close(self) -> None:
        """Stop every application this runner started, newest first."""
        await self._stack.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
