"""A local Telegram-compatible Bot API server for tests and the offline sandbox."""

from cchc_bot.local_bot_api.controlled import CallRecord
from cchc_bot.local_bot_api.errors import BotApiError, ScenarioError
from cchc_bot.local_bot_api.faults import FaultKind, FaultRule
from cchc_bot.local_bot_api.http.server import DEFAULT_TOKEN, LocalTelegramServer
from cchc_bot.local_bot_api.http.webhook import WebhookDelivery
from cchc_bot.local_bot_api.model.chats import Chat, User
from cchc_bot.local_bot_api.model.messages import MessageRecord, TranscriptEvent
from cchc_bot.local_bot_api.model.spec import ApiSpec
from cchc_bot.local_bot_api.model.updates import CallbackQueryRecord, WebAppQueryRecord
from cchc_bot.local_bot_api.ratelimit import RateLimits

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
    "WebAppQueryRecord",
    "WebhookDelivery",
]
