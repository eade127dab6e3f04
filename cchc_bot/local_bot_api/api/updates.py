"""getUpdates: confirming by offset and long polling, with Telegram's 409 conflicts."""

from __future__ import annotations

import contextlib
from typing import Any

from cchc_bot.local_bot_api.api.base import ApiBase, Params
from cchc_bot.local_bot_api.errors import conflict

MAX_POLL_TIMEOUT = 100


class UpdateMethods(ApiBase):
    """How the bot fetches its updates when no webhook is set."""

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        """getUpdates: confirm by offset, then long-poll up to `timeout` seconds."""
        state = self.state
        if state.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        self._poll_generation += 1
        generation = self._poll_generation
        state.signal.bump()  # an older long poll wakes up and answers 409
        if "allowed_updates" in params:
            state.set_allowed_updates(params["allowed_updates"])
        if "offset" in params:
            state.confirm(params["offset"])
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(max(int(params.get("timeout", 0)), 0), MAX_POLL_TIMEOUT)

        def answer_now() -> bool:
            return bool(
                state.updates
                or generation != self._poll_generation
                or state.webhook is not None
                or self.closing
            )

        if timeout > 0 and not answer_now():
            with contextlib.suppress(TimeoutError):
                await state.signal.wait_for(answer_now, timeout)
        if generation != self._poll_generation:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        if state.webhook is not None:
            return []
        return [update.to_api() for update in state.updates[:limit]]
