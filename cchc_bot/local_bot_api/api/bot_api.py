"""The Bot API methods with Telegram's semantics, acting on the simulated state."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cchc_bot.local_bot_api.api.base import ApiResult, Params
from cchc_bot.local_bot_api.api.callbacks import CallbackMethods
from cchc_bot.local_bot_api.api.chats import ChatMethods
from cchc_bot.local_bot_api.api.commands import CommandMethods
from cchc_bot.local_bot_api.api.edits import EditMethods
from cchc_bot.local_bot_api.api.files import FILE_METHODS, FileMethods
from cchc_bot.local_bot_api.api.messages import MessageMethods
from cchc_bot.local_bot_api.api.updates import UpdateMethods
from cchc_bot.local_bot_api.api.web_apps import WebAppMethods
from cchc_bot.local_bot_api.api.webhook import WebhookMethods
from cchc_bot.local_bot_api.model.spec import ApiSpec, MethodSpec
from cchc_bot.local_bot_api.model.state import TelegramState


class BotApi(
    UpdateMethods,
    WebhookMethods,
    CommandMethods,
    MessageMethods,
    EditMethods,
    CallbackMethods,
    FileMethods,
    ChatMethods,
    WebAppMethods,
):
    """Executes validated Bot API calls against the simulated world."""

    def __init__(
        self,
        state: TelegramState,
        spec: ApiSpec,
        *,
        strict_html: bool = True,
        on_webhook_change: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(state, spec, strict_html=strict_html, on_webhook_change=on_webhook_change)
        self._handlers: dict[str, Callable[[Params], Any]] = {
            "getMe": self.get_me,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "answerWebAppQuery": self.answer_web_app_query,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "sendLocation": self.send_location,
            "sendContact": self.send_contact,
            "sendVenue": self.send_venue,
            "sendDice": self.send_dice,
            "forwardMessage": self.forward_message,
            "copyMessage": self.copy_message,
            "getFile": self.get_file,
            "sendChatAction": self.send_chat_action,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
        }
        for method in FILE_METHODS:
            self._handlers[method] = self.file_sender(method)

    async def call(self, method: MethodSpec, params: Params) -> ApiResult:
        """Run one validated call; raises `BotApiError` as Telegram would answer."""
        if method.name == "getUpdates":
            return ApiResult(await self.get_updates(params))
        handler = self._handlers.get(method.name)
        result = self._plausible(method, params) if handler is None else handler(params)
        return result if isinstance(result, ApiResult) else ApiResult(result)

    def _plausible(self, method: MethodSpec, params: Params) -> Any:
        """Any other method: validated already; answers a well-formed success, counted."""
        self.unsimulated[method.name] += 1
        returns = method.returns[0] if method.returns else "Boolean"
        if returns == "Boolean":
            return True
        if returns == "Message" and method.name.startswith("send") and "chat_id" in params:
            chat = self.writable_chat(params["chat_id"])
            key = re.sub(r"(?<!^)([A-Z])", r"_\1", method.name.removeprefix("send")).lower()
            message_type = self.spec.types["Message"]
            content: dict[str, Any] = {}
            if key in message_type.fields:
                content[key] = self.spec.synthesize(message_type.fields[key].types[0])
            return self._deliver(chat, content, params).to_api()
        return self.spec.synthesize(returns)
