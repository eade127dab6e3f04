"""The aiohttp transport behind the bot's Application: requests, uploads, timeouts, failures."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import BodyPartReader, web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from cchc_bot.bot_transport import AiohttpRequest


async def _echo(request: web.Request) -> web.Response:
    fields: dict[str, object] = {}
    if request.content_type.startswith("multipart/"):
        async for part in await request.multipart():
            assert isinstance(part, BodyPartReader)
            data = await part.read()
            name = part.name or ""
            if part.filename:
                fields[name] = {"file": part.filename, "bytes": len(data)}
            else:
                fields[name] = data.decode()
    else:
        fields = dict(await request.post())
    body = {"method": request.method, "agent": request.headers.get("User-Agent"), **fields}
    return web.json_response(body, status=int(request.query.get("status", "200")))


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.Response(text="late")


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    """A tiny HTTP server on loopback."""
    app = web.Application()
    app.router.add_route("*", "/echo", _echo)
    app.router.add_get("/slow", _slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def transport() -> AsyncIterator[AiohttpRequest]:
    """An initialized transport, shut down afterwards."""
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    yield request
    await request.shutdown()


async def test_parameters_are_posted_as_a_form(base_url: str, transport: AiohttpRequest) -> None:
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "Xin chào"),
        ]
    )
    status, payload = await transport.do_request(f"{base_url}/echo", "POST", data)
    body = json.loads(payload)
    assert status == 200
    assert body["chat_id"] == "42"
    assert body["text"] == "Xin chào"
    assert body["agent"] == AiohttpRequest.USER_AGENT


async def test_files_are_uploaded_as_multipart(base_url: str, transport: AiohttpRequest) -> None:
    upload = InputFile(b"PK\x03\x04" + b"x" * 5000, filename="tong-hop.xlsx", attach=True)
    data = RequestData(
        [RequestParameter.from_input("chat_id", 7), RequestParameter.from_input("document", upload)]
    )
    status, payload = await transport.do_request(f"{base_url}/echo", "POST", data)
    body = json.loads(payload)
    assert status == 200
    assert body["chat_id"] == "7"
    assert body[upload.attach_name] == {"file": "tong-hop.xlsx", "bytes": 5004}
    assert body["document"] == upload.attach_uri


async def test_status_codes_and_bodies_pass_through(
    base_url: str, transport: AiohttpRequest
) -> None:
    status, payload = await transport.do_request(f"{base_url}/echo?status=429", "GET")
    assert status == 429
    assert json.loads(payload)["method"] == "GET"


async def test_a_slow_answer_is_a_timeout(base_url: str, transport: AiohttpRequest) -> None:
    with pytest.raises(TimedOut):
        await transport.do_request(f"{base_url}/slow", "GET")
    status, _ = await transport.do_request(f"{base_url}/slow", "GET", read_timeout=5)
    assert status == 200


async def test_an_unreachable_server_is_a_network_error(transport: AiohttpRequest) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connection refused
        with pytest.raises(NetworkError, match="aiohttp"):
            await transport.do_request(f"http://127.0.0.1:{port}/", "GET")


async def test_shutdown_then_initialize_reopens(base_url: str) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{base_url}/echo", "GET")
    async with request:
        assert (await request.do_request(f"{base_url}/echo", "GET"))[0] == 200
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{base_url}/echo", "GET")
    await request.initialize()
    assert (await request.do_request(f"{base_url}/echo", "GET"))[0] == 200
    await request.shutdown()
    assert request.read_timeout == 5.0
