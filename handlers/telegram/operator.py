"""The Telegram side of the operator commands (`remind`, `revoke`), installed by bot.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import AIORateLimiter

from cchc_bot.cli.telegram_side import TelegramSide
from cchc_bot.ops.settings import Settings
from cchc_bot.services.reminders import Deliver, DeliveryResult, ReminderMessage
from cchc_bot.telegram_request import one_shot_bot, sending_bot
from handlers.telegram import menus, web_link
from handlers.telegram.reminder_delivery import deliver
from handlers.telegram.send_pacing import PacedRateLimiter


@asynccontextmanager
async def reminder_sender(settings: Settings, token: str) -> AsyncIterator[Deliver]:
    """A paced bot for one `remind` run, as a `Deliver` of reminder messages."""
    limiter = PacedRateLimiter(AIORateLimiter(overall_max_rate=0, max_retries=5))
    async with sending_bot(settings, token, limiter) as bot:

        async def send(message: ReminderMessage) -> DeliveryResult:
            return await deliver(bot, message)

        yield send


async def reset_member_menu(settings: Settings, telegram_user_id: int) -> None:
    """Put a revoked account's command menu and menu button back to the unlinked ones."""
    async with one_shot_bot(settings, settings.require_token()) as bot:
        await menus.set_member_menu(bot, telegram_user_id, None)
        await web_link.set_menu_button(bot, telegram_user_id, settings.web_url, linked=False)


OPERATOR_SIDE = TelegramSide(reminder_sender, reset_member_menu)
"""What bot.py installs for the operator commands."""
