"""What every Bot API method family shares: the simulated state, chat access and delivery."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cchc_bot.local_bot_api.errors import bad_request, forbidden
from cchc_bot.local_bot_api.model.chats import Chat
from cchc_bot.local_bot_api.model.messages import MessageRecord
from cchc_bot.local_bot_api.model.spec import ApiSpec
from cchc_bot.local_bot_api.model.state import TelegramState
from cchc_bot.local_bot_api.model.text import FormattedText, caption_text, message_text

Params = dict[str, Any]


@dataclass(frozen=True)
class ApiResult:
    """A successful result, with the `description` a few methods add (setWebhook)."""

    value: Any
    description: str | None = None


class ApiBase:
    """The state the methods act on, and the checks and delivery they have in common."""

    def __init__(
        self,
        state: TelegramState,
        spec: ApiSpec,
        *,
        strict_html: bool = True,
        on_webhook_change: Callable[[], None] | None = None,
    ) -> None:
        self.state = state
        self.spec = spec
        self.strict_html = strict_html
        self.closing = False
        self._on_webhook_change = on_webhook_change or (lambda: None)
        self._poll_generation = 0
        self.unsimulated: Counter[str] = Counter()
        """Calls of methods answered with a well-formed stand-in success, by method name."""

    def chat(self, chat_id: int | str) -> Chat:
        """A chat the bot can see, or `chat not found`."""
        chat = self.state.chat_for(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def writable_chat(self, chat_id: int | str) -> Chat:
        """A chat the bot may write to, or the 403 Telegram gives for it."""
        chat = self.chat(chat_id)
        if chat.type == "private":
            user = self.state.users[chat.id]
            if user.deactivated:
                raise forbidden("user is deactivated")
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
            return chat
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        if chat.type == "channel" and chat.bot_status != "administrator":
            raise bad_request("need administrator rights in the channel chat")
        return chat

    def _deliver(self, chat: Chat, content: dict[str, Any], params: Params) -> MessageRecord:
        reply_to = None
        reply = params.get("reply_parameters")
        if reply:
            target_chat = self.chat(reply["chat_id"]) if "chat_id" in reply else chat
            reply_to = self.state.message(target_chat.id, int(reply["message_id"]))
            if reply_to is not None and reply_to.deleted:
                reply_to = None
            if reply_to is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        if params.get("protect_content"):
            content = {**content, "has_protected_content": True}
        markup = params.get("reply_markup")
        self.check_markup(chat, markup)
        if markup is not None and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup is not None and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        return self.state.add_message(
            chat, sender=self.state.bot, content=content, reply_markup=markup, reply_to=reply_to
        )

    def check_markup(self, chat: Chat, markup: dict[str, Any] | None) -> None:
        """Web App buttons exist only in private chats with the bot."""
        if chat.type == "private" or markup is None:
            return
        rows = [*markup.get("inline_keyboard", []), *markup.get("keyboard", [])]
        if any(isinstance(button, dict) and "web_app" in button for row in rows for button in row):
            raise bad_request("BUTTON_TYPE_INVALID")

    def _text(self, params: Params, key: str = "text") -> FormattedText:
        return message_text(
            params.get(key, ""),
            params.get("parse_mode"),
            params.get("entities"),
            strict_entities=self.strict_html,
        )

    def _caption(self, params: Params) -> FormattedText | None:
        return caption_text(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            strict_entities=self.strict_html,
        )
