"""How every command reaches the Bot API: PTB's own HTTPXRequest, through the operator's proxy.

`bench/conversation.py` measured PTB's HTTPXRequest against the aiohttp transport this
module replaces, at 16 concurrent updates: aiohttp saved no bot CPU per answer (it used
10-17 % more), so the stock part stays (README, Performance). Every Bot, ExtBot and
Application of every command gets its request objects here, so a proxy applies to all.
"""

from __future__ import annotations

from typing import Literal

from telegram import Bot
from telegram.ext import BaseRateLimiter, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from cchc_bot.ops.settings import Settings

Purpose = Literal["api", "updates"]

API_POOL_SIZE = 256  # PTB's default for an Application's Bot API calls
UPDATES_POOL_SIZE = 1  # getUpdates is one long poll at a time


def telegram_request(
    settings: Settings, purpose: Purpose = "api", *, pool_size: int | None = None
) -> BaseRequest:
    """The request object for Bot API calls, or for getUpdates, through `CCHC_PROXY_URL`.

    Without `CCHC_PROXY_URL` the standard variables (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`)
    apply, as httpx reads them.
    """
    size = pool_size or (API_POOL_SIZE if purpose == "api" else UPDATES_POOL_SIZE)
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
