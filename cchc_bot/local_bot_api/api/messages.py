"""Sending, forwarding, copying and deleting messages (files have their own module)."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model.chats import Chat
from cchc_bot.local_bot_api.model.messages import CONTENT_KEYS, MessageRecord

DELETE_WINDOW_SECONDS = 48 * 3600


class MessageMethods(ApiBase):
    """Messages the bot sends, and what it does with messages already sent."""

    def send_message(self, params: Params) -> dict[str, Any]:
        """sendMessage."""
        chat = self.writable_chat(params["chat_id"])
        formatted = self._text(params)
        content: dict[str, Any] = {"text": formatted.text}
        if formatted.entities:
            content["entities"] = formatted.entities
        return self._deliver(chat, content, params).to_api()

    def _deletable(self, chat: Chat, message_id: int) -> MessageRecord:
        record = self.state.message(chat.id, message_id)
        if record is None or record.deleted:
            raise bad_request("message to delete not found")
        if chat.type != "private" and not record.from_bot and chat.bot_status != "administrator":
            raise bad_request("message can't be deleted")
        if self.state.now() - record.date > DELETE_WINDOW_SECONDS:
            raise bad_request("message can't be deleted for everyone")
        return record

    def delete_message(self, params: Params) -> bool:
        """deleteMessage."""
        chat = self.writable_chat(params["chat_id"])
        self.state.delete_message(self._deletable(chat, int(params["message_id"])))
        return True

    def delete_messages(self, params: Params) -> bool:
        """deleteMessages: messages that cannot be deleted are skipped."""
        chat = self.writable_chat(params["chat_id"])
        for message_id in params["message_ids"]:
            record = self.state.message(chat.id, int(message_id))
            if record is not None and not record.deleted:
                self.state.delete_message(record)
        return True

    def send_location(self, params: Params) -> dict[str, Any]:
        """sendLocation."""
        chat = self.writable_chat(params["chat_id"])
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
            if key in params:
                location[key] = params[key]
        return self._deliver(chat, {"location": location}, params).to_api()

    def send_contact(self, params: Params) -> dict[str, Any]:
        """sendContact."""
        chat = self.writable_chat(params["chat_id"])
        contact = {
            key: params[key]
            for key in ("phone_number", "first_name", "last_name", "vcard")
            if key in params
        }
        return self._deliver(chat, {"contact": contact}, params).to_api()

    def send_venue(self, params: Params) -> dict[str, Any]:
        """sendVenue."""
        chat = self.writable_chat(params["chat_id"])
        venue = {
            "location": {"latitude": params["latitude"], "longitude": params["longitude"]},
            "title": params["title"],
            "address": params["address"],
        }
        return self._deliver(chat, {"venue": venue}, params).to_api()

    def send_dice(self, params: Params) -> dict[str, Any]:
        """sendDice."""
        chat = self.writable_chat(params["chat_id"])
        dice = {"emoji": params.get("emoji", "🎲"), "value": self.state.serial() % 6 + 1}
        return self._deliver(chat, {"dice": dice}, params).to_api()

    def _source(self, params: Params, what: str) -> MessageRecord:
        source_chat = self.chat(params["from_chat_id"])
        source = self.state.message(source_chat.id, int(params["message_id"]))
        if source is None or source.deleted:
            raise bad_request(f"message to {what} not found")
        return source

    def forward_message(self, params: Params) -> dict[str, Any]:
        """forwardMessage: the copy names its origin."""
        source = self._source(params, "forward")
        chat = self.writable_chat(params["chat_id"])
        content = _content_of(source)
        sender = source.data.get("from") or self.state.bot.to_api()
        content["forward_origin"] = {"type": "user", "date": source.date, "sender_user": sender}
        return self._deliver(chat, content, params).to_api()

    def copy_message(self, params: Params) -> dict[str, int]:
        """copyMessage: a copy without a link to the original; answers a MessageId."""
        source = self._source(params, "copy")
        chat = self.writable_chat(params["chat_id"])
        content = _content_of(source)
        if "caption" in params:
            caption = self._caption(params)
            content["caption"] = caption.text if caption else None
            content["caption_entities"] = (caption.entities or None) if caption else None
        return {"message_id": self._deliver(chat, content, params).message_id}


def _content_of(record: MessageRecord) -> dict[str, Any]:
    data = record.to_api()
    keys = (*CONTENT_KEYS, "entities", "caption", "caption_entities")
    return {key: data[key] for key in keys if key in data}
