"""Telegram's HTTP wire format: reading a call's parameters and writing JSON envelopes."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from cchc_bot.local_bot_api.errors import BotApiError, bad_request
from cchc_bot.local_bot_api.model.spec import UploadedFile

BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


async def read_parameters(
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


def chat_key(value: Any) -> int | str | None:
    """The `chat_id` a call names, as the request log and fault rules compare it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value:
        try:
            return int(value)
        except ValueError:
            return value
    return None


def loggable(params: dict[str, Any], uploads: dict[str, UploadedFile]) -> dict[str, Any]:
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


def json_response(body: dict[str, Any], status: int) -> web.Response:
    """A JSON answer that keeps Vietnamese letters as they are."""
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
    )
