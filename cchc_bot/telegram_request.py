"""How every command reaches the Bot API: PTB's request objects, through the operator's proxy."""

from __future__ import annotations

from typing import Literal

from telegram import Bot
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from cchc_bot.settings import Settings

Purpose = Literal["api", "updates"]
Transport = Literal["httpx", "aiohttp"]

# Bot API calls in flight at once: 16 concurrent updates, each with at most a reply or two
# and a callback answer, plus bulk sends; PTB's default (256) only makes the pool bigger.
API_POOL_SIZE = 256
UPDATES_POOL_SIZE = 1  # getUpdates is one long poll at a time


def telegram_request(
    settings: Settings,
    purpose: Purpose = "api",
    *,
    transport: Transport = "httpx",
    pool_size: int | None = None,
) -> BaseRequest:
    """The request object for Bot API calls, or for getUpdates, through `CCHC_PROXY_URL`.

    Without `CCHC_PROXY_URL` the standard variables (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`)
    apply, as httpx reads them.
    """
    size = pool_size or (API_POOL_SIZE if purpose == "api" else UPDATES_POOL_SIZE)
    if transport == "aiohttp":
        from cchc_bot.bot_transport import AiohttpRequest

        return AiohttpRequest(connection_pool_size=size, proxy=settings.proxy_url)
    return HTTPXRequest(connection_pool_size=size, proxy=settings.proxy_url)


def one_shot_bot(settings: Settings, token: str) -> Bot:
    """A plain Bot for a command's few calls (getMe, a menu reset) through the proxy."""
    return Bot(
        token,
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=telegram_request(settings),
        get_updates_request=telegram_request(settings, "updates"),
    )


def sending_bot(settings: Settings, token: str, rate_limiter: BaseRateLimiter[int]) -> ExtBot[int]:
    """An ExtBot with a rate limiter, for bulk sends outside the Application (`remind`)."""
    return ExtBot(
        token,
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        request=telegram_request(settings),
        get_updates_request=telegram_request(settings, "updates"),
        rate_limiter=rate_limiter,
    )
