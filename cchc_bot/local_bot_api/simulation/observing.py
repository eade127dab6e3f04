"""Reading the simulated world back: transcripts, menus, button answers, and waiting."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from cchc_bot.local_bot_api.errors import ScenarioError
from cchc_bot.local_bot_api.model.menus import resolve_menu
from cchc_bot.local_bot_api.model.messages import MessageRecord, TranscriptEvent
from cchc_bot.local_bot_api.model.updates import CallbackQueryRecord
from cchc_bot.local_bot_api.simulation.people import People

DEFAULT_TIMEOUT = 5.0
DEFAULT_QUIET = 0.05


class Observation(People):
    """What tests and the sandbox read and await: transcripts, counters, idleness."""

    def transcript(self, chat_id: int) -> list[MessageRecord]:
        """Every message of a chat, user's and bot's, in order (deleted ones flagged)."""
        return self.state.transcript(chat_id)

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[MessageRecord]:
        """The bot's messages in a chat, in order."""
        return [
            record
            for record in self.state.transcript(chat_id)
            if record.from_bot and (include_deleted or not record.deleted)
        ]

    def last_bot_message(self, chat_id: int) -> MessageRecord:
        """The bot's latest (not deleted) message in a chat."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise ScenarioError(f"the bot has sent nothing to chat {chat_id}")
        return messages[-1]

    def commands_for(
        self, user_id: int, chat_id: int | None = None, language_code: str | None = None
    ) -> list[dict[str, Any]]:
        """The command menu this user sees in that chat (their private chat by default)."""
        return resolve_menu(self.state, user_id, chat_id, language_code)

    def callback_query(self, query_id: str) -> CallbackQueryRecord:
        """A button press and how the bot answered it."""
        return self.state.callback_queries[query_id]

    def unanswered_callback_queries(self) -> list[CallbackQueryRecord]:
        """Button presses the bot has not answered."""
        return [query for query in self.state.callback_queries.values() if not query.answered]

    def describe_chat(self, chat_id: int) -> str:
        """The transcript as text, for assertion messages."""
        lines = [record.describe() for record in self.state.transcript(chat_id)]
        return "\n".join(lines) or "(no messages)"

    def add_listener(self, listener: Callable[[TranscriptEvent], None]) -> None:
        """Call `listener` for every new, edited or deleted message (e.g. a terminal view)."""
        self.state.listeners.append(listener)

    # --- waiting ---------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the documented helper signature
        what: str = "",
    ) -> None:
        """Wait until `predicate()` holds; TimeoutError names `what` was awaited."""
        try:
            await self.state.signal.wait_for(predicate, timeout)
        except TimeoutError:
            raise TimeoutError(f"waited {timeout} s for {what or 'a condition'}") from None

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int = 1,
        *,
        after: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the documented helper signature
    ) -> list[MessageRecord]:
        """Wait for `count` bot messages in a chat after message `after` and return them all.

        `after` defaults to the last message a user sent in that chat, so "send, then wait for
        the reply" reads naturally.
        """
        if after is None:
            users_messages = [r for r in self.state.transcript(chat_id) if not r.from_bot]
            after = users_messages[-1].message_id if users_messages else 0
        since = after

        def arrived() -> list[MessageRecord]:
            return [
                record
                for record in self.state.transcript(chat_id)
                if record.from_bot and record.message_id > since
            ]

        try:
            await self.state.signal.wait_for(lambda: len(arrived()) >= count, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"waited {timeout} s for {count} bot message(s) in chat {chat_id} after "
                f"#{since}, got {len(arrived())}:\n{self.describe_chat(chat_id)}"
            ) from None
        return arrived()

    def is_idle(self) -> bool:
        """No update waiting for the bot and no bot request being answered."""
        return not self.state.updates and self.state.requests_in_flight == 0

    async def wait_until_idle(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109 - the documented helper signature
        quiet: float = DEFAULT_QUIET,
    ) -> None:
        """Wait until every update was confirmed and the bot made no call for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        signal = self.state.signal
        while True:
            try:
                await signal.wait_for(self.is_idle, max(deadline - loop.time(), 0.0))
            except TimeoutError:
                raise self._not_idle(timeout) from None
            version = signal.version
            window = min(quiet, max(deadline - loop.time(), 0.0))
            try:
                await signal.wait_for(functools.partial(signal.changed_since, version), window)
            except TimeoutError:
                if window >= quiet:
                    return
                raise self._not_idle(timeout) from None

    def _not_idle(self, timeout: float) -> TimeoutError:
        return TimeoutError(
            f"not idle after {timeout} s: {len(self.state.updates)} update(s) pending, "
            f"{self.state.requests_in_flight} request(s) in flight"
        )
