"""answerCallbackQuery: each button press is answered once, within Telegram's limits."""

from __future__ import annotations

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.errors import bad_request
from cchc_bot.local_bot_api.model.html import utf16_length
from cchc_bot.local_bot_api.model.text import MAX_CALLBACK_ANSWER_LENGTH

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class CallbackMethods(ApiBase):
    """Answers to the button presses users made."""

    def answer_callback_query(self, params: Params) -> bool:
        """answerCallbackQuery: once per query."""
        query = self.state.callback_queries.get(str(params["callback_query_id"]))
        if query is None or query.answered:
            raise bad_request(QUERY_INVALID)
        text = params.get("text")
        if text is not None and utf16_length(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = {
            key: params[key] for key in ("text", "show_alert", "url", "cache_time") if key in params
        }
        self.state.signal.bump()
        return True
