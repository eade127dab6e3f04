"""Plain HTTP calls to the Bot API, to see Telegram's envelope exactly as it is sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from cchc_bot.local_bot_api import LocalTelegramServer

Encoding = Literal["json", "form", "query", "multipart"]


@dataclass(frozen=True)
class RawAnswer:
    """An HTTP answer of the Bot API, envelope included."""

    status: int
    body: dict[str, Any]

    @property
    def description(self) -> str:
        """The error description (empty on success)."""
        return str(self.body.get("description", ""))

    @property
    def result(self) -> Any:
        """The result of a successful call."""
        assert self.body.get("ok") is True, self.body
        return self.body["result"]


class RawBotApi:
    """Calls the server's Bot API over plain HTTP."""

    def __init__(self, server: LocalTelegramServer, client: httpx.AsyncClient) -> None:
        self.server = server
        self.client = client

    async def __call__(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        encoding: Encoding = "json",
        files: dict[str, tuple[str, bytes, str]] | None = None,
        token: str | None = None,
    ) -> RawAnswer:
        """One call, encoded as JSON, a form, multipart (with `files`) or a query string."""
        url = f"{self.server.base_url}{token or self.server.token}/{method}"
        params = params or {}
        if encoding == "json":
            response = await self.client.post(url, json=params)
        elif encoding == "query":
            response = await self.client.get(url, params=as_form(params))
        else:
            response = await self.client.post(url, data=as_form(params), files=files)
        try:
            body = response.json()
        except json.JSONDecodeError:
            body = {"raw": response.text}
        return RawAnswer(response.status_code, body)


def as_form(params: dict[str, Any]) -> dict[str, str]:
    """Form encoding as PTB does it: strings as they are, everything else as JSON."""
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()
    }
