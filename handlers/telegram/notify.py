"""Tell several people something: each recipient is tried, a blocked one is marked unreachable."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from cchc_bot.services.accounts import AccountService
from handlers.telegram.context import CchcContext

logger = logging.getLogger(__name__)


@dataclass
class NotifyReport:
    """Who was told, who has blocked the bot (now marked unreachable), whom sending failed."""

    reached: list[int] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


async def notify_all(
    context: CchcContext,
    recipients: Iterable[int],
    text: str,
    *,
    html: bool = False,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> NotifyReport:
    """Send `text` to every recipient; one failure never stops the others or the sender's reply.

    A 403 (the person blocked the bot or deleted the account) marks that recipient, not the
    person whose action caused the notice, unreachable; other Telegram errors are logged.
    """
    return await notify_with(
        context.bot,
        context.runtime.accounts,
        recipients,
        text,
        html=html,
        reply_markup=reply_markup,
    )


async def notify_with(
    bot: Bot,
    accounts: AccountService,
    recipients: Iterable[int],
    text: str,
    *,
    html: bool = False,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> NotifyReport:
    """`notify_all` outside a Telegram update (the web desk): a bot and the account service."""
    report = NotifyReport()
    for telegram_user_id in recipients:
        try:
            await bot.send_message(
                telegram_user_id,
                text,
                parse_mode=ParseMode.HTML if html else None,
                reply_markup=reply_markup,
            )
        except Forbidden:
            report.blocked.append(telegram_user_id)
            await accounts.set_reachable(telegram_user_id, False)
            logger.info("notice refused (403): recipient marked unreachable")
        except TelegramError as exc:
            report.failed.append(telegram_user_id)
            logger.warning("notice not delivered: %s", type(exc).__name__)
        else:
            report.reached.append(telegram_user_id)
    return report
