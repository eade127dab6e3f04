"""/return and the ↩️ button: return a report; the unit is told why, the coordinator whom."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from cchc_bot import lookup
from cchc_bot.access import Actor, Role
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.services.coordination import ReturnOutcome, ReturnResult
from cchc_bot.texts import chat_accounts, chat_common, chat_coordinator
from handlers.telegram import arguments
from handlers.telegram.auth import for_roles
from handlers.telegram.callback_data import ReturnCancel, ReturnStart, encode
from handlers.telegram.context import CchcContext
from handlers.telegram.notify import notify_all


async def carry_out_return(
    message: Message,
    context: CchcContext,
    actor: Actor,
    unit_code: str,
    period_code: str,
    reason: str,
) -> None:
    """Return a report, tell the unit why, and tell the coordinator it is done."""
    try:
        result = await context.runtime.coordination.return_report(
            actor, unit_code, period_code, reason
        )
    except UnknownPeriodError:
        await arguments.unknown_period(message, period_code)
        return
    await reply_return(message, context, result)


def _names(result: ReturnResult, ids: list[int]) -> str:
    by_id = {recipient.telegram_user_id: recipient.name for recipient in result.recipients}
    return ", ".join(chat_common.html(by_id.get(user_id, str(user_id))) for user_id in ids)


async def reply_return(message: Message, context: CchcContext, result: ReturnResult) -> None:
    """Render a return's outcome: notify every member, then say who was reached."""
    unit = chat_common.html(result.unit_name or result.unit_code)
    if result.outcome is not ReturnOutcome.RETURNED:
        await message.reply_text(
            chat_coordinator.RETURN_FAILED[result.outcome.value].format(
                code=chat_common.html(result.unit_code), unit=unit, label=result.period.label
            )
        )
        return
    report = await notify_all(
        context,
        result.notify_telegram_ids,
        chat_common.with_names(
            chat_coordinator.RETURN_TO_UNIT,
            context.organisation,
            label=result.period.label,
            unit=unit,
            reason=chat_common.html(result.reason or ""),
        ),
        html=True,
    )
    lines = [chat_coordinator.RETURN_DONE.format(label=result.period.label, unit=unit)]
    if report.reached:
        lines.append(chat_coordinator.RETURN_REACHED.format(names=_names(result, report.reached)))
    if report.blocked:
        lines.append(chat_coordinator.RETURN_BLOCKED.format(names=_names(result, report.blocked)))
    if report.failed:
        lines.append(chat_coordinator.RETURN_NOT_SENT.format(names=_names(result, report.failed)))
    if not report.reached:
        phone = chat_coordinator.RETURN_PHONE.format(phone=result.phone) if result.phone else ""
        lines.append(chat_coordinator.RETURN_NOBODY.format(phone=phone))
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


@for_roles(Role.COORDINATOR)
async def return_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """/return UNIT PERIOD REASON: a unit's name, prefix or code; "Q1", "quý 1" or "2024-Q1"."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    args = context.args or []
    split = lookup.split_unit_and_period(args, lambda text: arguments.read_period(runtime, text))
    if split is None or not split[2].strip():
        await message.reply_text(chat_coordinator.RETURN_USAGE, parse_mode=ParseMode.HTML)
        return
    query, period_code, reason = split
    unit = await arguments.unit_or_refuse(message, runtime, query)
    if unit is None:
        return
    await carry_out_return(message, context, actor, unit.code, period_code, reason)


async def return_button(
    update: Update, context: CchcContext, actor: Actor, payload: ReturnStart
) -> None:
    """↩️ Trả lại: ask for the reason; the coordinator's next text (or reply) is taken as it."""
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    try:
        status = await runtime.status.status_for(actor, payload.period)
    except UnknownPeriodError:
        await query.answer(chat_accounts.STALE_BUTTON)
        return
    unit = next((u for u in status.units if u.code == payload.unit), None)
    if unit is None:
        await query.answer(chat_accounts.STALE_BUTTON)
        return
    if unit.state != "submitted":
        refusal = ReturnOutcome.ALREADY_RETURNED if unit.state == "returned" else None
        template = chat_coordinator.RETURN_FAILED[(refusal or ReturnOutcome.NOT_SUBMITTED).value]
        await query.answer(
            template.format(code=unit.code, unit=unit.name, label=status.period.label),
            show_alert=True,
        )
        return
    await query.answer()
    assert isinstance(query.message, Message)
    prompt = await query.message.reply_text(
        chat_coordinator.RETURN_PROMPT.format(
            label=status.period.label, unit=chat_common.html(unit.name)
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        chat_coordinator.RETURN_PROMPT_CANCEL, callback_data=encode(ReturnCancel())
                    )
                ]
            ]
        ),
    )
    await runtime.coordination.ask_return_reason(
        actor, unit.code, status.period.code, prompt.chat_id, prompt.message_id
    )


async def return_cancel_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """✖️ Thôi under the prompt: forget it."""
    query = update.callback_query
    assert query is not None
    had = await context.runtime.coordination.cancel_prompt(actor)
    await query.answer(
        chat_coordinator.RETURN_PROMPT_CANCELLED if had else chat_accounts.STALE_BUTTON
    )
    if query.message is not None:
        await query.edit_message_reply_markup(reply_markup=None)


async def answer_prompt(message: Message, context: CchcContext, actor: Actor) -> bool:
    """A coordinator's text: the reason for the bot's open return prompt, if one waits.

    Only the prompt stored for this coordinator counts (never the words of a replied-to
    message); True when the text was taken.
    """
    if message.text is None:
        return False
    replied = message.reply_to_message
    result = await context.runtime.coordination.answer_prompt(
        actor, message.text, replied.message_id if replied is not None else None
    )
    if result is None:
        return False
    await reply_return(message, context, result)
    return True
