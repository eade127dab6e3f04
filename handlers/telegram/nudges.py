"""/remind (/nhacnho): name every unit a nudge would reach or skip, then send it once confirmed."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from cchc_bot import lookup
from cchc_bot.access import Actor, Role
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.services.reminders import DeliveryResult, ReminderMessage
from cchc_bot.texts import chat_accounts, chat_common, chat_coordinator
from handlers.telegram import arguments, report_views
from handlers.telegram.auth import for_roles
from handlers.telegram.callback_data import RemindCancel, RemindConfirm, encode
from handlers.telegram.context import CchcContext
from handlers.telegram.reminder_delivery import deliver


def unit_lines(codes: tuple[str, ...], context: CchcContext, *, phone: bool = False) -> list[str]:
    """One line per unit, by Vietnamese name order, with the contact phone when asked and known."""
    configured = context.runtime.config.units.by_code()
    named = sorted(
        ((configured[code].name if code in configured else code, code) for code in codes),
        key=lambda pair: lookup.sort_key(pair[0]),
    )
    lines = []
    for name, code in named:
        number = configured[code].phone if phone and code in configured else None
        extra = (
            chat_coordinator.REMIND_PHONE.format(phone=chat_common.html(number)) if number else ""
        )
        lines.append(
            chat_coordinator.REMIND_UNIT_LINE.format(name=chat_common.html(name), phone=extra)
        )
    return lines


@for_roles(Role.COORDINATOR)
async def remind_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Show whom a nudge would reach (every unit by name) and ask to confirm."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    args = context.args or []
    text = " ".join(args).strip()
    unit_code: str | None = None
    code: str | None = None
    if text:
        code = arguments.read_period(runtime, text)
        if code is None:
            unit = await arguments.unit_or_refuse(message, runtime, text)
            if unit is None:
                return
            unit_code = unit.code
    try:
        period = runtime.status.period(code)
    except UnknownPeriodError:
        await arguments.unknown_period(message, text)
        return
    plan = await runtime.reminders.plan_nudge(actor, period, unit_code)
    lines = []
    if plan.units:
        lines.append(
            chat_coordinator.REMIND_PLAN.format(
                label=period.label, people=plan.people, units=len(plan.units)
            )
        )
        lines += unit_lines(plan.units, context)
    else:
        lines.append(chat_coordinator.REMIND_NOBODY.format(label=period.label))
    if plan.recently_nudged:
        hours = f"{runtime.config.schedule.reminders.manual_nudge_hours:g}"
        lines.append(
            chat_coordinator.REMIND_RECENT.format(count=len(plan.recently_nudged), hours=hours)
        )
        lines += unit_lines(plan.recently_nudged, context)
    if plan.without_members:
        lines.append(chat_coordinator.REMIND_NO_MEMBERS.format(count=len(plan.without_members)))
        lines += unit_lines(plan.without_members, context, phone=True)
    markup = None
    if plan.units:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        chat_coordinator.REMIND_CONFIRM,
                        callback_data=encode(RemindConfirm(period.code, unit_code)),
                    ),
                    InlineKeyboardButton(
                        chat_coordinator.REMIND_CANCEL, callback_data=encode(RemindCancel())
                    ),
                ]
            ]
        )
    await send_parts(message, lines, markup)


async def send_parts(
    message: Message, lines: list[str], markup: InlineKeyboardMarkup | None
) -> None:
    """Every line, in as many messages as needed; the buttons go on the last."""
    parts = report_views.split_messages(lines)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_text(
            part, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )


async def remind_button(
    update: Update, context: CchcContext, actor: Actor, payload: RemindConfirm | RemindCancel
) -> None:
    """Send the confirmed nudge and say how many went out."""
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    if isinstance(payload, RemindConfirm):
        try:
            period = runtime.status.period(payload.period)
        except UnknownPeriodError:
            await query.answer(chat_accounts.STALE_BUTTON)
            return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    assert isinstance(query.message, Message)
    if isinstance(payload, RemindCancel):
        await query.message.reply_text(chat_coordinator.REMIND_CANCELLED)
        return

    async def send(message: ReminderMessage) -> DeliveryResult:
        return await deliver(context.bot, message, context.bot_data.bulk_limiter)

    report = await runtime.reminders.nudge(actor, period, send, payload.unit)
    await query.message.reply_text(
        chat_coordinator.REMIND_DONE.format(
            sent=len(report.sent), failed=len(report.failed), unreachable=len(report.unreachable)
        )
    )
