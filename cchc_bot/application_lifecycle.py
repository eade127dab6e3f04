"""An Application's start and stop as PTB's `run_polling`/`run_webhook` do them, minus blocking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


@asynccontextmanager
async def initialized(application: AnyApplication) -> AsyncIterator[None]:
    """`initialize` and `post_init`; on exit `shutdown` and `post_shutdown`, whatever happened."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    try:
        yield
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


@asynccontextmanager
async def started(application: AnyApplication) -> AsyncIterator[None]:
    """`start`; on exit stop the updater (if polling), the application, then `post_stop`."""
    await application.start()
    try:
        yield
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
