"""Word and send reminders through the bot; Telegram's answers become delivery outcomes."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from aiolimiter import AsyncLimiter
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from cchc_bot import date_format
from cchc_bot.services.reminders import (
    DeliveryOutcome,
    DeliveryResult,
    OverdueUnit,
    ReminderMessage,
)
from cchc_bot.texts import chat_common, chat_reminders
from cchc_bot.texts import tasks as task_words
from handlers.telegram.send_pacing import bulk_sends

logger = logging.getLogger(__name__)

REPORT_CALLBACK = "report:open"


# Telegram allows 4,096 characters; the rest is room for the "… and N more" line.
DIGEST_LIMIT = 3800
MESSAGE_LIMIT = 4000
"""Below Telegram's 4096 characters, with room for the HTML of the digest's task block."""


def digest_line(unit: OverdueUnit) -> str:
    """One overdue unit in the coordinators' digest: heads, how late, and a phone if known."""
    heads = ", ".join(unit.head_names) if unit.head_names else chat_reminders.DIGEST_NO_HEAD
    line = chat_reminders.DIGEST_LINE.format(
        unit=chat_common.html(unit.name), heads=chat_common.html(heads), late=unit.days_late
    )
    if unit.phone:
        line += chat_reminders.DIGEST_PHONE.format(phone=chat_common.html(unit.phone))
    return line


def digest_sections(units: Sequence[OverdueUnit]) -> list[tuple[str, list[OverdueUnit]]]:
    """The digest's groups, those to phone first: no account, not reachable, reminded, new."""
    groups: list[tuple[str, list[OverdueUnit]]] = [
        (chat_reminders.DIGEST_NO_ACCOUNT_TITLE, [u for u in units if not u.has_account]),
        (
            chat_reminders.DIGEST_UNREACHABLE_TITLE,
            [u for u in units if u.has_account and not u.reachable],
        ),
        (chat_reminders.DIGEST_REMINDED_TITLE, [u for u in units if u.reachable and u.reminded]),
        (
            chat_reminders.DIGEST_NOT_REMINDED_TITLE,
            [u for u in units if u.reachable and not u.reminded],
        ),
    ]
    return [(title, members) for title, members in groups if members]


def render_digest(title: str, units: Sequence[OverdueUnit]) -> str:
    """The digest: a title, then each group under its heading, cut to fit one message."""
    text = title
    shown = 0
    for heading, members in digest_sections(units):
        block = "\n\n" + heading
        for unit in members:
            line = "\n" + digest_line(unit)
            if (
                len(text) + len(block) + len(line) + len(chat_reminders.DIGEST_FOOTER)
                > DIGEST_LIMIT
            ):
                more = chat_reminders.DIGEST_MORE.format(count=len(units) - shown)
                return text + block + "\n" + more + chat_reminders.DIGEST_FOOTER
            block += line
            shown += 1
        text += block
    return text + chat_reminders.DIGEST_FOOTER


def render_task_reminder(message: ReminderMessage) -> str:
    """A task soon due, to its lead agency's head."""
    task = message.task
    assert task is not None
    return task_words.TASK_REMINDER.format(
        title=chat_common.html(task.title),
        unit=chat_common.html(message.unit_name or message.unit_code or ""),
        due=date_format.format_day(task.due),
        left=chat_reminders.days_left_text(task.days_left),
        product=chat_common.html(task.product),
    )


def overdue_tasks_text(message: ReminderMessage, used: int) -> str:
    """The digest's block of overdue tasks ("" when none is), cut to fit one message."""
    tasks = message.overdue_tasks
    if not tasks:
        return ""
    text = "\n\n" + task_words.DIGEST_OVERDUE.format(count=len(tasks))
    for shown, task in enumerate(tasks[: task_words.DIGEST_OVERDUE_SHOWN]):
        title = task.title
        if len(title) > task_words.DIGEST_TITLE_LENGTH:
            title = title[: task_words.DIGEST_TITLE_LENGTH - 1].rstrip() + "…"
        line = "\n" + task_words.DIGEST_OVERDUE_LINE.format(
            title=chat_common.html(title),
            lead=chat_common.html(task.lead),
            due=date_format.format_day(task.due),
        )
        more = "\n" + task_words.DIGEST_OVERDUE_MORE.format(count=len(tasks) - shown)
        if used + len(text) + len(line) + len(more) > MESSAGE_LIMIT:
            return text + more
        text += line
    if len(tasks) > task_words.DIGEST_OVERDUE_SHOWN:
        count = len(tasks) - task_words.DIGEST_OVERDUE_SHOWN
        text += "\n" + task_words.DIGEST_OVERDUE_MORE.format(count=count)
    return text


def render_reminder(message: ReminderMessage) -> str:
    """The Vietnamese text of a reminder, digest or manual nudge."""
    period = message.period
    deadline = date_format.format_datetime(period.deadline)
    if message.task is not None:
        return render_task_reminder(message)
    if message.overdue_units:
        title = chat_reminders.DIGEST_TITLE.format(
            label=period.label, deadline=deadline, count=len(message.overdue_units)
        )
        digest = render_digest(title, message.overdue_units)
        return digest + overdue_tasks_text(message, len(digest))
    values = {
        "label": period.label,
        "unit": chat_common.html(message.unit_name or message.unit_code or ""),
        "window": date_format.format_window(period.window_start, period.window_end),
        "deadline": deadline,
        "left": chat_reminders.days_left_text(message.days_left_or_late),
        "late": max(1, -message.days_left_or_late),
        "progress": chat_reminders.progress_text(message.answered, message.total),
    }
    if message.manual:
        template = chat_reminders.REMINDER_MANUAL
    elif message.overdue:
        template = chat_reminders.REMINDER_OVERDUE
    elif message.kind == "opened":
        template = chat_reminders.REMINDER_OPENED
    else:
        template = chat_reminders.REMINDER_BEFORE
    return chat_common.with_names(template, message.organisation, **values)


async def deliver(
    bot: Bot, message: ReminderMessage, limiter: AsyncLimiter | None = None
) -> DeliveryResult:
    """Send one reminder as a bulk send (paced by the bot's `PacedRateLimiter`, and by
    `limiter` when given); 403 means unreachable, other errors retry later."""
    keyboard = None
    if not message.overdue_units:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(chat_reminders.REPORT_BUTTON, callback_data=REPORT_CALLBACK)]]
        )
    if limiter is not None:
        await limiter.acquire()
    started = time.monotonic()
    try:
        with bulk_sends():
            sent = await bot.send_message(
                message.telegram_user_id,
                render_reminder(message),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
    except Forbidden as exc:
        return DeliveryResult(DeliveryOutcome.UNREACHABLE, error=str(exc))
    except TelegramError as exc:
        logger.warning("reminder not delivered: %s", type(exc).__name__)
        return DeliveryResult(DeliveryOutcome.FAILED, error=f"{type(exc).__name__}: {exc}")
    logger.info(
        "reminder sent",
        extra={
            "kind": message.kind,
            "period": message.period.code,
            "unit": message.unit_code,
            "ms": round((time.monotonic() - started) * 1000, 1),
        },
    )
    return DeliveryResult(DeliveryOutcome.SENT, message_id=sent.message_id)
