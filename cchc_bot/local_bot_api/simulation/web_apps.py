"""Mini Apps in the simulation: the menu button a user sees, and opening a Web App from it."""

from __future__ import annotations

from typing import Any

from cchc_bot.local_bot_api.errors import ScenarioError
from cchc_bot.local_bot_api.model.menus import resolve_menu_button
from cchc_bot.local_bot_api.model.updates import WebAppQueryRecord
from cchc_bot.local_bot_api.simulation.people import People


class WebApps(People):
    """What a user's Telegram does with Web App buttons (the Mini App itself is the caller's)."""

    def menu_button_for(self, user_id: int) -> dict[str, Any]:
        """The menu button the user sees in the private chat with the bot."""
        return resolve_menu_button(self.state, self.user(user_id).id)

    def open_web_app(
        self, user_id: int, *, message_id: int | None = None, text: str | None = None
    ) -> WebAppQueryRecord:
        """The user opens a Mini App: from the menu button, or from an inline button by label.

        Answers the query the Mini App may answer once with answerWebAppQuery; what the
        page does is up to the caller (this server serves no pages).
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
        query = WebAppQueryRecord(
            id=f"AAQ{self.state.serial():012d}", user_id=user.id, url=str(button["web_app"]["url"])
        )
        self.state.web_app_queries[query.id] = query
        self.state.signal.bump()
        return query
