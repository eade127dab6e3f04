"""/view (/xem) UNIT [PERIOD]: one unit's submitted answers, warnings and file, with «↩️ Trả lại»."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from cchc_bot import date_format, lookup
from cchc_bot.access import Actor, Role
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.services.reports import Screen
from cchc_bot.services.unit_view import ViewOutcome
from cchc_bot.texts import chat_common, chat_coordinator
from handlers.telegram import arguments, report_views
from handlers.telegram.auth import for_roles
from handlers.telegram.callback_data import ReturnStart, encode
from handlers.telegram.context import CchcContext

RETURNABLE_STATES = frozenset({"submitted", "revising"})


@for_roles(Role.COORDINATOR)
async def view_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Show a unit's latest submitted version as its head saw it at submission."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    args = context.args or []
    if not args:
        await message.reply_text(chat_coordinator.VIEW_USAGE, parse_mode=ParseMode.HTML)
        return
    split = lookup.split_unit_and_period(args, lambda text: arguments.read_period(runtime, text))
    query, period_code = " ".join(args), None
    if split is not None and not split[2]:
        query, period_code = split[0], split[1]
    unit = await arguments.unit_or_refuse(message, runtime, query)
    if unit is None:
        return
    try:
        shown = await runtime.coordination.views.submitted_report(actor, unit.code, period_code)
    except UnknownPeriodError:
        await arguments.unknown_period(message, period_code or "")
        return
    name = chat_common.html(shown.unit_name or unit.name)
    if shown.outcome is not ViewOutcome.SHOWN or shown.summary is None:
        await message.reply_text(
            chat_coordinator.VIEW_NOT_SUBMITTED.format(unit=name, label=shown.period.label),
            parse_mode=ParseMode.HTML,
        )
        return
    state = shown.state or "submitted"
    header = chat_coordinator.VIEW_TITLE.format(
        unit=name,
        code=shown.unit_code,
        label=shown.period.label,
        version=shown.version,
        at=date_format.format_datetime(shown.submitted_at, runtime.settings.tz)
        if shown.submitted_at
        else "",
        late=chat_coordinator.VIEW_LATE if shown.late else "",
        state=chat_coordinator.VIEW_STATES.get(state, state),
    )
    if shown.returned_reason:
        header += "\n" + chat_coordinator.VIEW_RETURNED.format(
            reason=chat_common.html(shown.returned_reason)
        )
    screen = Screen(
        submission_id=0,
        token="",
        period=shown.period,
        unit_name=shown.unit_name or unit.name,
        state=state,
        view=shown.summary,
        attachment_name=shown.attachment.file_name if shown.attachment else None,
    )
    chunks, _ = report_views.render_summary(screen, shown.summary)
    if shown.attachment is None:
        chunks[-1] += "\n" + chat_coordinator.VIEW_NO_ATTACHMENT
    markup = None
    if state in RETURNABLE_STATES:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        chat_coordinator.VIEW_RETURN_BUTTON,
                        callback_data=encode(ReturnStart(shown.unit_code, shown.period.code)),
                    )
                ]
            ]
        )
    parts = report_views.split_messages([header, *chunks])
    for index, part in enumerate(parts):
        last = index == len(parts) - 1 and shown.attachment is None
        await message.reply_text(
            part, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )
    if shown.attachment is not None:
        await message.reply_document(
            shown.attachment.content,
            filename=shown.attachment.file_name,
            caption=chat_coordinator.VIEW_ATTACHMENT_CAPTION.format(
                unit=shown.unit_name or unit.name, label=shown.period.label
            ),
            reply_markup=markup,
        )
