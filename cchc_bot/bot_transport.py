"""How the bot's PTB Application reaches the Bot API: aiohttp instead of PTB's default httpx.

With many replies in flight, httpx's connection pool re-scans every pooled connection (and
probes each idle socket) on every request and response (encode/httpcore#1035, unmerged in
httpcore 1.0.x): at 64 concurrent updates that bookkeeping cost more CPU than the bot's own
work per answer. aiohttp's pool hands out connections in constant time and parses HTTP in C.
This class only adapts PTB's `BaseRequest` interface; retries, flood control and error
decoding stay PTB's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput  # the type BaseRequest.do_request is declared with

# "Not given" marker PTB passes for timeouts (BaseRequest.DEFAULT_NONE's class is private).
DefaultValue = type(BaseRequest.DEFAULT_NONE)

# PTB's own defaults for an Application (ApplicationBuilder / HTTPXRequest).
DEFAULT_POOL_SIZE = 256
DEFAULT_TIMEOUT = 5.0
DEFAULT_POOL_TIMEOUT = 1.0
DEFAULT_MEDIA_WRITE_TIMEOUT = 20.0


def _or_default(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout as given, or the request's default when PTB passed its "not given" marker."""
    if isinstance(value, DefaultValue):
        return default
    return cast("float | None", value)


class AiohttpRequest(BaseRequest):
    """PTB's request interface over one aiohttp session with a keep-alive connection pool."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxy",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        *,
        connection_pool_size: int = DEFAULT_POOL_SIZE,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        write_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT,
        media_write_timeout: float | None = DEFAULT_MEDIA_WRITE_TIMEOUT,
        proxy: str | None = None,
    ) -> None:
        self._proxy = proxy
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to getUpdates' long-polling timeout)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                trust_env=True,  # HTTPS_PROXY and friends, unless a proxy is given
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(
        self,
        read_timeout: ODVInput[float],
        write_timeout: ODVInput[float],
        connect_timeout: ODVInput[float],
        pool_timeout: ODVInput[float],
        *,
        uploading: bool,
    ) -> aiohttp.ClientTimeout:
        read = _or_default(read_timeout, self._read_timeout)
        connect = _or_default(connect_timeout, self._connect_timeout)
        pool = _or_default(pool_timeout, self._pool_timeout)
        write = _or_default(
            write_timeout, self._media_write_timeout if uploading else self._write_timeout
        )
        # aiohttp has no write timeout of its own: sending the request body counts against
        # the read bound, so the larger of the two applies while a file is uploaded.
        if uploading and write is not None and read is not None:
            read = max(read, write)
        return aiohttp.ClientTimeout(
            total=None,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; return the status code and the body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        parameters = request_data.json_parameters if request_data else None
        body: aiohttp.FormData | dict[str, str] | None = parameters
        if files:
            form = aiohttp.FormData()
            for name, value in (parameters or {}).items():
                form.add_field(name, value)
            for name, (file_name, content, mime_type) in files.items():
                form.add_field(name, content, filename=file_name, content_type=mime_type)
            body = form
        timeout = self._timeout(
            read_timeout, write_timeout, connect_timeout, pool_timeout, uploading=bool(files)
        )
        try:
            async with self._session.request(
                method, url, data=body, timeout=timeout, proxy=self._proxy
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
