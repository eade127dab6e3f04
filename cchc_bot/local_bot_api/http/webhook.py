"""Webhook delivery: pending updates are POSTed one by one, in order, failures retried."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from cchc_bot.local_bot_api.http.flight import Flight, pause
from cchc_bot.local_bot_api.model.state import TelegramState
from cchc_bot.local_bot_api.model.updates import PendingUpdate, WebhookConfig


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to the webhook."""

    update_id: int
    status: int | None
    error: str | None


class WebhookSender:
    """Delivers updates to the webhook the bot set, while one is set and the server runs."""

    def __init__(
        self,
        state: TelegramState,
        *,
        closing: Callable[[], bool],
        retry_delay: float,
        max_retry_delay: float,
        timeout: float,
    ) -> None:
        self.state = state
        self.deliveries: list[WebhookDelivery] = []
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout
        self._closing = closing
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    def open(self) -> None:
        """Get ready to deliver (inside the running event loop)."""
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        """Stop delivering and close the HTTP client."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def webhook_changed(self) -> None:
        """The bot set or deleted its webhook: start delivering if one is set."""
        if self.state.webhook is not None and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._deliver_updates())

    async def _deliver_updates(self) -> None:
        state = self.state
        retry_delay = self.retry_delay
        while not self._closing():
            hook = state.webhook
            if hook is None:
                return
            if not state.updates:
                await state.signal.wait_for(functools.partial(self._wakes, hook), None)
                continue
            update = state.updates[0]
            flight = Flight(state)
            try:
                status, error = await self._post_update(hook, update)
            finally:
                flight.land()
            self.deliveries.append(WebhookDelivery(update.update_id, status, error))
            if state.webhook is not hook:
                continue
            if error is None:
                state.remove_update(update.update_id)
                retry_delay = self.retry_delay
                continue
            hook.last_error_date = state.now()
            hook.last_error_message = error
            await pause(state, retry_delay, closing=self._closing)
            retry_delay = min(retry_delay * 2, self.max_retry_delay)

    def _wakes(self, hook: WebhookConfig) -> bool:
        """Whether the delivery loop has something to do for `hook`."""
        state = self.state
        return bool(state.updates) or state.webhook is not hook or self._closing()

    async def _post_update(
        self, hook: WebhookConfig, update: PendingUpdate
    ) -> tuple[int | None, str | None]:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with self._session.post(
                hook.url,
                data=json.dumps(update.to_api(), ensure_ascii=False).encode("utf-8"),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return response.status, None
                return (
                    response.status,
                    f"Wrong response from the webhook: {response.status} {response.reason}",
                )
        except TimeoutError:
            return None, "Read timeout expired"
        except aiohttp.ClientError as error:
            return None, f"Connection failed: {error}"
