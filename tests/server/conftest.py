"""Fixtures: a running local Bot API server, raw HTTP access to it, and real PTB bots on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from cchc_bot.local_bot_api import LocalTelegramServer
from cchc_bot.sandbox.local_bot import BotRunner

from .raw_http import RawBotApi

TEST_TOKEN = "123456789:AAH-cchc-local-test-token"


@pytest.fixture
async def telegram_server() -> AsyncIterator[LocalTelegramServer]:
    """A started local Bot API server, stopped after the test."""
    async with LocalTelegramServer(token=TEST_TOKEN, bot_username="cchc_test_bot") as server:
        yield server
    assert not server.internal_errors, server.internal_errors


@pytest.fixture
async def ptb_app_factory(telegram_server: LocalTelegramServer) -> AsyncIterator[BotRunner]:
    """`await ptb_app_factory(build_application)` runs a real PTB bot on the server.

    Every application started is stopped at teardown; an exception raised in a handler
    fails the test unless the test empties `handler_errors`.
    """
    async with BotRunner(telegram_server, poll_timeout=5.0) as runner:
        yield runner
    assert not runner.handler_errors, runner.handler_errors


@pytest.fixture
async def raw_api(telegram_server: LocalTelegramServer) -> AsyncIterator[RawBotApi]:
    """Plain HTTP calls to the server, to assert on Telegram's envelope."""
    async with httpx.AsyncClient(timeout=10.0) as client:
        yield RawBotApi(telegram_server, client)
