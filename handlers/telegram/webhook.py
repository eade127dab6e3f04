"""Webhook mode: an aiohttp endpoint that checks Telegram's secret header and feeds PTB's queue.

This is PTB's "custom webhook" pattern (the Application's own queue, our web server): aiohttp
is already a dependency, so webhook mode needs no extra package, and every refusal (wrong or
missing secret, bad JSON) is ours to test.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import logging
import secrets
import signal
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from cchc_bot.application_lifecycle import initialized, started

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
MAX_BODY_BYTES = 1024 * 1024
# Answers 200 while the bot runs, 503 once it stops: for a load balancer, systemd or a monitor.
HEALTH_PATH = "/healthz"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class WebhookError(Exception):
    """Webhook mode cannot start: an unusable URL or an address that cannot be bound."""


@dataclass(frozen=True)
class WebhookSettings:
    """Where Telegram posts (public URL) and where this process listens (behind a proxy)."""

    public_url: str
    listen: str
    port: int
    secret: str

    @property
    def path(self) -> str:
        """The path this process answers on: the same as the public URL's, for a plain proxy."""
        return urlsplit(self.public_url).path


def new_secret() -> str:
    """A random secret token for one start (Telegram allows A-Z, a-z, 0-9, _ and -)."""
    return secrets.token_urlsafe(32)


def secret_path(token: str) -> str:
    """A path segment nobody can guess without the token, stable across restarts."""
    digest = hashlib.sha256(f"cchc-bot webhook {token}".encode()).hexdigest()
    return f"telegram-{digest[:40]}"


def public_webhook_url(base_url: str, token: str) -> str:
    """The URL Telegram posts to: `--webhook-url` plus the unguessable path segment."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise WebhookError(
            f"--webhook-url {base_url!r} is not a URL like https://cchc.example.gov.vn/bot"
        )
    if parts.query or parts.fragment:
        raise WebhookError("--webhook-url must not have a query string or a fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/{secret_path(token)}"


class WebhookEndpoint:
    """The aiohttp handler: refuse without the right secret, else queue the update for PTB."""

    def __init__(self, application: AnyApplication, secret: str) -> None:
        self._application = application
        self._secret = secret.encode()

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one POST from Telegram; 403 for a wrong or missing secret token."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            logger.warning(
                "webhook request refused: wrong or missing secret token",
                extra={"remote": request.remote},
            )
            return web.Response(status=403, text="Forbidden")
        if (request.content_length or 0) > MAX_BODY_BYTES:
            logger.warning("webhook request refused: body too large")
            return web.Response(status=413, text="Payload Too Large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:  # a chunked body that grew past the limit
            logger.warning("webhook request refused: body too large")
            return web.Response(status=413, text="Payload Too Large")
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("an update is a JSON object")
            update = Update.de_json(data, self._application.bot)
        except Exception:  # malformed input from the network is answered, never raised
            logger.warning("webhook request refused: not a Telegram update")
            return web.Response(status=400, text="Bad Request")
        # The Application's queue is the inbox (cchc_bot/inbox_queue.py): `put` returns once
        # the update is stored, so a 200 is never an acknowledgement of something only in
        # memory, and a replayed update_id is dropped there. A failed store answers 500 and
        # Telegram delivers the update again.
        await self._application.update_queue.put(update)
        return web.Response(status=200)


async def _health(application: AnyApplication, _request: web.Request) -> web.Response:
    """200 "ok" while the application runs (no secret, nothing about the bot in the answer)."""
    if application.running:
        return web.Response(text="ok")
    return web.Response(status=503, text="stopping")


@dataclass(frozen=True)
class RunningWebhook:
    """A started webhook server: the address it is bound to."""

    host: str
    port: int


@asynccontextmanager
async def serving_webhook(
    application: AnyApplication,
    config: WebhookSettings,
    *,
    allowed_updates: Sequence[str] = ALLOWED_UPDATES,
) -> AsyncIterator[RunningWebhook]:
    """Start the application and the endpoint, then tell Telegram; undo it all on exit.

    The order mirrors PTB's `run_webhook` (post_init, post_stop and post_shutdown included),
    without blocking or signal handling, so tests and `serve_until_stopped` share it.
    """
    async with initialized(application), started(application):
        web_app = web.Application(client_max_size=MAX_BODY_BYTES)
        web_app.router.add_post(config.path, WebhookEndpoint(application, config.secret).handle)
        web_app.router.add_get(HEALTH_PATH, functools.partial(_health, application))
        runner = web.AppRunner(web_app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, config.listen, config.port)
            try:
                await site.start()
            except OSError as exc:
                raise WebhookError(
                    f"cannot listen on {config.listen}:{config.port}: {exc.strerror or exc}"
                ) from exc
            host, port = runner.addresses[0][:2]
            await application.bot.set_webhook(
                url=config.public_url,
                secret_token=config.secret,
                allowed_updates=list(allowed_updates),
            )
            logger.info(
                "webhook set",
                extra={
                    "listen": f"{host}:{port}",
                    "public_host": urlsplit(config.public_url).netloc,
                },
            )
            yield RunningWebhook(str(host), int(port))
        finally:
            await runner.cleanup()


async def serve_until_stopped(application: AnyApplication, config: WebhookSettings) -> None:
    """Serve the webhook until SIGINT or SIGTERM (systemd's and Docker's stop signal)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with serving_webhook(application, config):
        await stop.wait()
        logger.info("stopping CCHC Bot (webhook)")
