"""The local Telegram-compatible Bot API server: aiohttp on loopback, in the caller's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from cchc_bot.clock import Clock, system_clock
from cchc_bot.telegram_server import control, media
from cchc_bot.telegram_server.bot_api import BotApi
from cchc_bot.telegram_server.controlled import CallRecord, ControlledServer
from cchc_bot.telegram_server.errors import (
    BotApiError,
    bad_request,
    internal_server_error,
    not_found,
    too_many_requests,
    unauthorized,
)
from cchc_bot.telegram_server.faults import FaultKind, FaultPlan
from cchc_bot.telegram_server.ratelimit import MESSAGE_METHODS, RateLimiter, RateLimits
from cchc_bot.telegram_server.spec import ApiSpec, MethodSpec, UploadedFile
from cchc_bot.telegram_server.state import PendingUpdate, TelegramState, User, WebhookConfig

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:AAHlocal-telegram-server_test-token"
_TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]+")
HANG_SECONDS = 3600.0
_BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to the webhook."""

    update_id: int
    status: int | None
    error: str | None


class _Flight:
    """Counts a bot request as in flight until it lands (once)."""

    def __init__(self, state: TelegramState) -> None:
        self._state = state
        self._landed = False
        state.requests_in_flight += 1
        state.signal.bump()

    def land(self) -> None:
        if not self._landed:
            self._landed = True
            self._state.requests_in_flight -= 1
            self._state.signal.bump()


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
        self.call_counts: Counter[str] = Counter()
        self.request_log: list[CallRecord] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.downloads: list[str] = []
        self.too_many_requests = 0
        self.internal_errors: list[BaseException] = []
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_retry_delay = webhook_max_retry_delay
        self.webhook_timeout = webhook_timeout
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None

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
        self._session = aiohttp.ClientSession()
        self.bot_api.closing = False

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery and close the listener."""
        self.bot_api.closing = True
        self.state.signal.bump()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

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

    # --- faults, limits, counters ----------------------------------------------------------

    # --- Bot API over HTTP -----------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _json_response(unauthorized().envelope(), 401)
        method = self.spec.method(request.match_info["method"])
        if method is None:
            return _json_response(not_found().envelope(), 404)
        try:
            raw, uploads = await _read_parameters(request)
        except BotApiError as error:
            return _json_response(error.envelope(), error.error_code)
        chat_key = _chat_key(raw.get("chat_id"))
        self.call_counts[method.name] += 1
        record = CallRecord(
            seq=len(self.request_log) + 1,
            method=method.name,
            params=_loggable(raw, uploads),
            chat_id=chat_key,
        )
        self.request_log.append(record)
        flight = _Flight(self.state) if method.name != "getUpdates" else None
        try:
            status, body = await self._answer(method, raw, uploads, record, flight)
        finally:
            if flight is not None:
                flight.land()
        record.status, record.response = status, body
        if isinstance(body, str):
            return web.Response(status=status, text=body, content_type="text/html")
        return _json_response(body, status)

    async def _answer(
        self,
        method: MethodSpec,
        raw: dict[str, Any],
        uploads: dict[str, UploadedFile],
        record: CallRecord,
        flight: _Flight | None,
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
            return 502, _BAD_GATEWAY_PAGE
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
            record.params = _loggable(params, {})
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
            return _json_response(unauthorized().envelope(), 401)
        path = request.match_info["path"]
        stored = self.state.files_by_path.get(path)
        if stored is None:
            return _json_response(not_found().envelope(), 404)
        self.downloads.append(path)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake up when the server stops."""
        with contextlib.suppress(TimeoutError):
            await self.state.signal.wait_for(lambda: self.bot_api.closing, seconds)

    # --- webhook delivery ------------------------------------------------------------------

    def _webhook_changed(self) -> None:
        if self.state.webhook is not None and (
            self._webhook_task is None or self._webhook_task.done()
        ):
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_updates())

    async def _deliver_updates(self) -> None:
        """POST pending updates to the webhook one by one, in order, retrying failures."""
        state = self.state
        retry_delay = self.webhook_retry_delay
        while not self.bot_api.closing:
            hook = state.webhook
            if hook is None:
                return
            if not state.updates:
                await state.signal.wait_for(functools.partial(self._webhook_wakes, hook), None)
                continue
            update = state.updates[0]
            flight = _Flight(state)
            try:
                status, error = await self._post_update(hook, update)
            finally:
                flight.land()
            self.webhook_deliveries.append(WebhookDelivery(update.update_id, status, error))
            if state.webhook is not hook:
                continue
            if error is None:
                state.remove_update(update.update_id)
                retry_delay = self.webhook_retry_delay
                continue
            hook.last_error_date = state.now()
            hook.last_error_message = error
            await self._pause(retry_delay)
            retry_delay = min(retry_delay * 2, self.webhook_max_retry_delay)

    def _webhook_wakes(self, hook: WebhookConfig) -> bool:
        """Whether the delivery loop has something to do for `hook`."""
        state = self.state
        return bool(state.updates) or state.webhook is not hook or self.bot_api.closing

    async def _post_update(
        self, hook: WebhookConfig, update: PendingUpdate
    ) -> tuple[int | None, str | None]:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with self._session.post(
                hook.url,
                data=json.dumps(update.to_api(), ensure_ascii=False).encode("utf-8"),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return response.status, None
                return (
                    response.status,
                    f"Wrong response from the webhook: {response.status} {response.reason}",
                )
        except TimeoutError:
            return None, "Read timeout expired"
        except aiohttp.ClientError as error:
            return None, f"Connection failed: {error}"


async def _read_parameters(
    request: web.Request,
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Query string plus a JSON, urlencoded or multipart body, as Telegram accepts them."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return raw, uploads
    try:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.read())
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected as request body")
            raw.update(body)
        elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = UploadedFile(
                        value.filename, value.content_type, value.file.read()
                    )
                elif isinstance(value, bytes | bytearray):
                    raw[key] = bytes(value).decode("utf-8")
                else:
                    raw[key] = value
    except web.HTTPRequestEntityTooLarge:
        raise BotApiError(413, "Request Entity Too Large") from None
    return raw, uploads


def _chat_key(value: Any) -> int | str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value:
        try:
            return int(value)
        except ValueError:
            return value
    return None


def _loggable(params: dict[str, Any], uploads: dict[str, UploadedFile]) -> dict[str, Any]:
    """Parameters for the request log, files described instead of copied."""
    logged = {**params, **uploads}
    for name, value in logged.items():
        if isinstance(value, UploadedFile):
            logged[name] = {
                "filename": value.filename,
                "content_type": value.content_type,
                "size": len(value.content),
            }
    return logged


def _json_response(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
    )
