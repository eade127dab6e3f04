"""With a webhook set, updates are POSTed to it (secret header, retries) and getUpdates is 409."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from cchc_bot.local_bot_api import LocalTelegramServer

from .raw_http import RawBotApi


@dataclass
class WebhookReceiver:
    """A bot's webhook endpoint: records what arrives, answers the statuses it is given."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        """Record the POST and answer the next scripted status (200 when none is left)."""
        body = json.loads(await request.read())
        self.received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """A webhook endpoint on a free loopback port."""
    endpoint = WebhookReceiver()
    app = web.Application()
    app.router.add_post("/hook", endpoint.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    endpoint.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield endpoint
    await runner.cleanup()


async def test_updates_are_posted_with_the_secret_header_and_retried(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi, receiver: WebhookReceiver
) -> None:
    user = telegram_server.add_user()
    answer = await raw_api("setWebhook", {"url": receiver.url, "secret_token": "bi-mat_123"})
    assert answer.body == {"ok": True, "result": True, "description": "Webhook was set"}
    receiver.statuses = [500]

    telegram_server.send_text(user.id, "/start")
    await telegram_server.wait_until_idle()

    assert len(receiver.received) == 2  # the 500 made the server try again
    for secret, update in receiver.received:
        assert secret == "bi-mat_123"
        assert update["message"]["text"] == "/start"
        assert update["update_id"] == 1
    assert [d.status for d in telegram_server.webhook_deliveries] == [500, 200]
    info = (await raw_api("getWebhookInfo")).result
    assert info["url"] == receiver.url
    assert info["pending_update_count"] == 0
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )


async def test_get_updates_conflicts_while_a_webhook_is_set(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi, receiver: WebhookReceiver
) -> None:
    await raw_api("setWebhook", {"url": receiver.url})

    answer = await raw_api("getUpdates")

    assert (answer.status, answer.body) == (
        409,
        {
            "ok": False,
            "error_code": 409,
            "description": "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        },
    )


async def test_delete_webhook_can_drop_pending_updates_and_polling_resumes(
    telegram_server: LocalTelegramServer, raw_api: RawBotApi
) -> None:
    user = telegram_server.add_user()
    await raw_api("setWebhook", {"url": "http://127.0.0.1:9/unreachable"})
    telegram_server.send_text(user.id, "lost")
    await telegram_server.wait_for(
        lambda: bool(telegram_server.webhook_deliveries), what="a delivery attempt"
    )
    info = (await raw_api("getWebhookInfo")).result
    assert info["pending_update_count"] == 1
    assert info["last_error_message"].startswith("Connection failed")

    deleted = await raw_api("deleteWebhook", {"drop_pending_updates": True})
    assert deleted.body["description"] == "Webhook was deleted"
    telegram_server.send_text(user.id, "kept")
    updates = (await raw_api("getUpdates")).result
    assert [u["message"]["text"] for u in updates] == ["kept"]


async def test_webhook_needs_an_http_url_and_a_clean_secret(raw_api: RawBotApi) -> None:
    ftp = await raw_api("setWebhook", {"url": "ftp://example.org"})
    assert ftp.description == "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    secret = await raw_api("setWebhook", {"url": "https://example.org", "secret_token": "có dấu"})
    assert secret.description == "Bad Request: secret token contains unallowed characters"
