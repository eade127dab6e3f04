"""The local Telegram-compatible Bot API server: aiohttp on loopback, in the caller's event loop."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from cchc_bot.local_bot_api.api import BotApi
from cchc_bot.local_bot_api.clock import Clock, system_clock
from cchc_bot.local_bot_api.controlled import CallRecord, ControlledServer
from cchc_bot.local_bot_api.errors import (
    BotApiError,
    internal_server_error,
    not_found,
    too_many_requests,
    unauthorized,
)
from cchc_bot.local_bot_api.faults import FaultKind, FaultPlan
from cchc_bot.local_bot_api.http import control
from cchc_bot.local_bot_api.http.flight import Flight, pause
from cchc_bot.local_bot_api.http.webhook import WebhookDelivery, WebhookSender
from cchc_bot.local_bot_api.http.wire import (
    BAD_GATEWAY_PAGE,
    chat_key,
    json_response,
    loggable,
    read_parameters,
)
from cchc_bot.local_bot_api.model import media
from cchc_bot.local_bot_api.model.chats import User
from cchc_bot.local_bot_api.model.spec import ApiSpec, MethodSpec, UploadedFile
from cchc_bot.local_bot_api.model.state import TelegramState
from cchc_bot.local_bot_api.ratelimit import MESSAGE_METHODS, RateLimiter, RateLimits

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:AAHlocal-telegram-server_test-token"
_TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]+")
HANG_SECONDS = 3600.0


class LocalTelegramServer(ControlledServer):
    """A Bot API server on 127.0.0.1 that answers as Telegram does, errors included.

    Point python-telegram-bot at `base_url` and `file_base_url`; play users through the
    `Simulation` methods; read transcripts, counters and the request log; inject faults.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "cchc_test_bot",
        bot_name: str = "CCHC Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock = system_clock,
        strict_html: bool = True,
        privacy_mode: bool = True,
        rate_limits: RateLimits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        webhook_retry_delay: float = 0.05,
        webhook_max_retry_delay: float = 2.0,
        webhook_timeout: float = 10.0,
        spec: ApiSpec | None = None,
    ) -> None:
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise ValueError("a bot token looks like 123456789:AAH...: digits, a colon, letters")
        bot = User(
            id=int(match.group(1)),
            first_name=bot_name,
            username=bot_username,
            is_bot=True,
            language_code=None,
        )
        super().__init__(TelegramState(bot=bot, clock=clock, privacy_mode=privacy_mode))
        self.token = token
        self.spec = spec or ApiSpec.bundled()
        self.faults = FaultPlan()
        self.rate_limiter = RateLimiter(rate_limits, monotonic=monotonic)
        self.bot_api = BotApi(
            self.state, self.spec, strict_html=strict_html, on_webhook_change=self._webhook_changed
        )
        self.webhook_sender = WebhookSender(
            self.state,
            closing=self._closing,
            retry_delay=webhook_retry_delay,
            max_retry_delay=webhook_max_retry_delay,
            timeout=webhook_timeout,
        )
        self.call_counts: Counter[str] = Counter()
        self.unsimulated_calls = self.bot_api.unsimulated
        """Methods answered with a stand-in success rather than simulated (see README)."""
        self.request_log: list[CallRecord] = []
        self.downloads: list[str] = []
        self.too_many_requests = 0
        self.internal_errors: list[BaseException] = []
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    # --- addresses and lifecycle -----------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL of the server."""
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """PTB's `base_url` (the token is appended by PTB)."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """PTB's `base_file_url` (the token is appended by PTB)."""
        return f"{self.url}/file/bot"

    @property
    def control_url(self) -> str:
        """Root of the JSON control API."""
        return f"{self.url}/control"

    async def start(self) -> None:
        """Listen on the host (port 0: a free port) inside the running event loop."""
        if self._runner is not None:
            raise RuntimeError("the server is already running")
        app = web.Application(client_max_size=media.MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        control.add_routes(app, self)
        runner = web.AppRunner(
            app,
            handle_signals=False,
            shutdown_timeout=1.0,
            handler_cancellation=True,
            access_log=None,
        )
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])
        self.webhook_sender.open()
        self.bot_api.closing = False

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery and close the listener."""
        self.bot_api.closing = True
        self.state.signal.bump()
        await self.webhook_sender.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every attempt to POST an update to the webhook, in order."""
        return self.webhook_sender.deliveries

    def _webhook_changed(self) -> None:
        self.webhook_sender.webhook_changed()

    # --- Bot API over HTTP -----------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return json_response(unauthorized().envelope(), 401)
        method = self.spec.method(request.match_info["method"])
        if method is None:
            return json_response(not_found().envelope(), 404)
        try:
            raw, uploads = await read_parameters(request)
        except BotApiError as error:
            return json_response(error.envelope(), error.error_code)
        chat = chat_key(raw.get("chat_id"))
        self.call_counts[method.name] += 1
        record = CallRecord(
            seq=len(self.request_log) + 1,
            method=method.name,
            params=loggable(raw, uploads),
            chat_id=chat,
        )
        self.request_log.append(record)
        flight = Flight(self.state) if method.name != "getUpdates" else None
        try:
            status, body = await self._answer(method, raw, uploads, record, flight)
        finally:
            if flight is not None:
                flight.land()
        record.status, record.response = status, body
        if isinstance(body, str):
            return web.Response(status=status, text=body, content_type="text/html")
        return json_response(body, status)

    async def _answer(
        self,
        method: MethodSpec,
        raw: dict[str, Any],
        uploads: dict[str, UploadedFile],
        record: CallRecord,
        flight: Flight | None,
    ) -> tuple[int, dict[str, Any] | str]:
        fault = self.faults.take(method.name, record.chat_id)
        if fault is None:
            return await self._execute(method, raw, uploads, record)
        record.fault = fault.kind
        if fault.kind is FaultKind.RETRY_AFTER:
            self.too_many_requests += 1
            return 429, too_many_requests(fault.retry_after).envelope()
        if fault.kind is FaultKind.SERVER_ERROR:
            return 500, internal_server_error().envelope()
        if fault.kind is FaultKind.BAD_GATEWAY:
            return 502, BAD_GATEWAY_PAGE
        if fault.kind is FaultKind.DELAY:
            await self._pause(fault.delay)
            return await self._execute(method, raw, uploads, record)
        if fault.execute:
            await self._execute(method, raw, uploads, record)
        if flight is not None:
            flight.land()  # the client has given up on it: it no longer keeps the bot busy
        await self._pause(fault.delay or HANG_SECONDS)
        return 504, {"ok": False, "error_code": 504, "description": "Gateway Timeout"}

    async def _execute(
        self,
        method: MethodSpec,
        raw: dict[str, Any],
        uploads: dict[str, UploadedFile],
        record: CallRecord,
    ) -> tuple[int, dict[str, Any]]:
        try:
            params = self.spec.validate(method, raw, uploads)
            record.params = loggable(params, {})
            self._check_rate(method.name, params)
            result = await self.bot_api.call(method, params)
        except BotApiError as error:
            return error.error_code, error.envelope()
        except Exception as error:  # a bug here must not look like Telegram's doing
            logger.exception("local Bot API server failed on %s", method.name)
            self.internal_errors.append(error)
            return 500, {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: local server bug: {error!r}",
            }
        body: dict[str, Any] = {"ok": True, "result": result.value}
        if result.description:
            body["description"] = result.description
        return 200, body

    def _check_rate(self, method: str, params: dict[str, Any]) -> None:
        if method not in MESSAGE_METHODS or "chat_id" not in params:
            return
        chat = self.state.chat_for(params["chat_id"])
        retry_after = self.rate_limiter.acquire(
            chat.id if chat else None,
            group=chat is not None and chat.type in ("group", "supergroup"),
        )
        if retry_after is not None:
            self.too_many_requests += 1
            raise too_many_requests(retry_after)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return json_response(unauthorized().envelope(), 401)
        path = request.match_info["path"]
        stored = self.state.files_by_path.get(path)
        if stored is None:
            return json_response(not_found().envelope(), 404)
        self.downloads.append(path)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        await pause(self.state, seconds, closing=self._closing)

    def _closing(self) -> bool:
        return self.bot_api.closing
