"""Updates waiting for the bot, the webhook it set, and the presses and Mini Apps it answers."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

# Update kinds Telegram sends when `allowed_updates` is empty or was never set.
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@dataclass(frozen=True)
class PendingUpdate:
    """An update waiting to be fetched by getUpdates and confirmed, or delivered to a webhook."""

    update_id: int
    kind: str
    payload: dict[str, Any]

    def to_api(self) -> dict[str, Any]:
        """The Bot API Update object."""
        return {"update_id": self.update_id, self.kind: copy.deepcopy(self.payload)}


@dataclass
class CallbackQueryRecord:
    """A button press the bot has to answer with answerCallbackQuery."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class WebAppQueryRecord:
    """A Mini App a user opened; the bot may answer it once with answerWebAppQuery."""

    id: str
    user_id: int
    url: str
    init_data: str = ""
    answered: bool = False
    message_id: int | None = None


@dataclass
class WebhookConfig:
    """The webhook the bot set, and how delivering to it went."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
