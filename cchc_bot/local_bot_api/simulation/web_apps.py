"""Mini Apps in the simulation: the menu button a user sees, and opening a Web App from it."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

from cchc_bot.local_bot_api.errors import ScenarioError
from cchc_bot.local_bot_api.model.menus import resolve_menu_button
from cchc_bot.local_bot_api.model.updates import WebAppQueryRecord
from cchc_bot.local_bot_api.simulation.people import People


class WebApps(People):
    """What a user's Telegram does with Web App buttons (the Mini App itself is the caller's)."""

    token: str

    def menu_button_for(self, user_id: int) -> dict[str, Any]:
        """The menu button the user sees in the private chat with the bot."""
        return resolve_menu_button(self.state, self.user(user_id).id)

    def open_web_app(
        self, user_id: int, *, message_id: int | None = None, text: str | None = None
    ) -> WebAppQueryRecord:
        """The user opens a Mini App: from the menu button, or from an inline button by label.

        Answers the query the Mini App may answer once with answerWebAppQuery, and the
        `initData` Telegram hands the page, signed with the bot token as Telegram signs it
        (without the Ed25519 `signature` only Telegram's own key can make). What the page
        does is up to the caller: this server serves no pages.
        """
        user = self.user(user_id)
        if message_id is None:
            button = resolve_menu_button(self.state, user.id)
            if button["type"] != "web_app":
                raise ScenarioError(f"user {user_id}'s menu button opens no Web App: {button}")
        else:
            record = self.state.message(user.id, message_id)
            if record is None or record.deleted:
                raise ScenarioError(f"message {message_id} in chat {user.id} does not exist")
            found = record.find_button(text=text) if text is not None else None
            if found is None or "web_app" not in found:
                raise ScenarioError(
                    f"message {message_id} offers no Web App button {text!r}: "
                    f"{record.button_texts or 'no inline buttons'}"
                )
            button = found
        query_id = f"AAQ{self.state.serial():012d}"
        fields = {
            "query_id": query_id,
            "user": json.dumps(
                {**user.to_api(), "allows_write_to_pm": True},
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            "auth_date": str(self.state.now()),
        }
        if message_id is not None:
            fields["chat_type"] = "private"
            fields["chat_instance"] = str(user.id * 7 + 1_000_000_000_000)
        query = WebAppQueryRecord(
            id=query_id,
            user_id=user.id,
            url=str(button["web_app"]["url"]),
            init_data=_signed(fields, self.token),
        )
        self.state.web_app_queries[query.id] = query
        self.state.signal.bump()
        return query


def _signed(fields: dict[str, str], token: str) -> str:
    """initData: the fields and their `hash`, HMAC-SHA-256 under HMAC("WebAppData", token)."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})
