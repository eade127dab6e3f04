"""answerWebAppQuery: a Mini App the user opened sends one message on the user's behalf."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.api.callbacks import QUERY_INVALID
from cchc_bot.local_bot_api.errors import bad_request

_FILE_KINDS = {
    "photo_file_id": "photo",
    "document_file_id": "document",
    "audio_file_id": "audio",
    "video_file_id": "video",
    "voice_file_id": "voice",
    "sticker_file_id": "sticker",
    "gif_file_id": "animation",
    "mpeg4_file_id": "animation",
}
_PLACE_KEYS = ("latitude", "longitude", "horizontal_accuracy", "live_period", "heading")


class WebAppMethods(ApiBase):
    """Answers to the Mini Apps users opened (`Simulation.open_web_app`)."""

    def answer_web_app_query(self, params: Params) -> dict[str, Any]:
        """answerWebAppQuery: once per opened Mini App; the message goes to the user's chat."""
        query = self.state.web_app_queries.get(str(params["web_app_query_id"]))
        if query is None or query.answered:
            raise bad_request(QUERY_INVALID)
        result: dict[str, Any] = params["result"]
        content = {**self._result_content(result), "via_bot": self.state.bot.to_api()}
        user = self.state.users[query.user_id]
        chat = self.state.private_chat(user)
        markup = result.get("reply_markup")
        record = self.state.add_message(chat, sender=user, content=content, reply_markup=markup)
        query.answered = True
        query.message_id = record.message_id
        self.state.enqueue("message", record.to_api())
        if markup is None:
            return {}
        return {"inline_message_id": f"web_app_{query.id}_{record.message_id}"}

    def _result_content(self, result: dict[str, Any]) -> dict[str, Any]:
        """What an InlineQueryResult puts into the chat."""
        message = result.get("input_message_content")
        if message is not None:
            return self._input_content(message)
        for key, kind in _FILE_KINDS.items():
            if key in result:
                content: dict[str, Any] = {kind: self._stored(kind, str(result[key]))}
                caption = self._caption(result)
                if caption is not None:
                    content["caption"] = caption.text
                    if caption.entities:
                        content["caption_entities"] = caption.entities
                return content
        if any(key.endswith("_url") for key in result):
            raise bad_request("failed to get HTTP URL content")
        return self._input_content(result)

    def _input_content(self, message: dict[str, Any]) -> dict[str, Any]:
        if "message_text" in message:
            formatted = self._text(message, "message_text")
            text: dict[str, Any] = {"text": formatted.text}
            if formatted.entities:
                text["entities"] = formatted.entities
            return text
        if "phone_number" in message:
            keys = ("phone_number", "first_name", "last_name", "vcard")
            return {"contact": {key: message[key] for key in keys if key in message}}
        if "latitude" in message:
            location = {key: message[key] for key in _PLACE_KEYS if key in message}
            if "address" in message:
                venue = {"location": location, "title": message["title"]}
                return {"venue": {**venue, "address": message["address"]}}
            return {"location": location}
        raise bad_request("RESULT_TYPE_INVALID")

    def _stored(self, kind: str, file_id: str) -> Any:
        if kind == "photo":
            if file_id not in self.state.photo_sets:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return [size.to_api() for size in self.state.photo_sets[file_id]]
        stored = self.state.files.get(file_id)
        if stored is None or stored.kind != kind:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored.to_api()
