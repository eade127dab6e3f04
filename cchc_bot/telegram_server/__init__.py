"""A local Telegram-compatible Bot API server for tests and the offline sandbox."""

from cchc_bot.telegram_server.controlled import CallRecord
from cchc_bot.telegram_server.errors import BotApiError, ScenarioError
from cchc_bot.telegram_server.faults import FaultKind, FaultRule
from cchc_bot.telegram_server.ratelimit import RateLimits
from cchc_bot.telegram_server.server import (
    DEFAULT_TOKEN,
    LocalTelegramServer,
    WebhookDelivery,
)
from cchc_bot.telegram_server.spec import ApiSpec
from cchc_bot.telegram_server.state import (
    CallbackQueryRecord,
    Chat,
    MessageRecord,
    TranscriptEvent,
    User,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiSpec",
    "BotApiError",
    "CallRecord",
    "CallbackQueryRecord",
    "Chat",
    "FaultKind",
    "FaultRule",
    "LocalTelegramServer",
    "MessageRecord",
    "RateLimits",
    "ScenarioError",
    "TranscriptEvent",
    "User",
    "WebhookDelivery",
]
