"""Editing the bot's messages: text, caption and inline keyboard, with "not modified" errors."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model.messages import MessageRecord

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


class EditMethods(ApiBase):
    """editMessageText, editMessageCaption and editMessageReplyMarkup."""

    def _editable(self, params: Params) -> MessageRecord:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self.writable_chat(params["chat_id"])
        record = self.state.message(chat.id, int(params["message_id"]))
        if record is None or record.deleted:
            raise bad_request("message to edit not found")
        if not record.from_bot:
            raise bad_request("message can't be edited")
        return record

    def _apply_edit(
        self, record: MessageRecord, changes: dict[str, Any], params: Params
    ) -> dict[str, Any]:
        markup = params.get("reply_markup")
        self.check_markup(self.chat(record.chat_id), markup)
        unchanged = all(record.data.get(key) == value for key, value in changes.items())
        if unchanged and record.data.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        self.state.edit_message(record, changes, markup)
        return record.to_api()

    def edit_message_text(self, params: Params) -> dict[str, Any]:
        """editMessageText: without reply_markup the inline keyboard goes away, as on Telegram."""
        record = self._editable(params)
        if record.text is None:
            raise bad_request("there is no text in the message to edit")
        formatted = self._text(params)
        changes = {"text": formatted.text, "entities": formatted.entities or None}
        return self._apply_edit(record, changes, params)

    def edit_message_caption(self, params: Params) -> dict[str, Any]:
        """editMessageCaption."""
        record = self._editable(params)
        if record.text is not None:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        changes = {
            "caption": caption.text if caption else None,
            "caption_entities": (caption.entities or None) if caption else None,
        }
        return self._apply_edit(record, changes, params)

    def edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        """editMessageReplyMarkup."""
        return self._apply_edit(self._editable(params), {}, params)
