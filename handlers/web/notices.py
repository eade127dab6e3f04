"""What the chat tells others after a form's submission or approval, told from the web desk.

The same texts and buttons the chat sends; only when the desk runs beside the bot.
"""

from __future__ import annotations

from cchc_bot.services.reports import ReportResult
from cchc_bot.texts import chat_common, chat_coordinator, chat_report
from handlers.telegram.notify import notify_with
from handlers.telegram.report import approval_request
from handlers.web.desk import WebDesk


async def after_submission(desk: WebDesk, result: ReportResult) -> None:
    """A clerk's prepared report: ask the heads; a revision: tell who returned it."""
    receipt = result.receipt
    if desk.bot is None or receipt is None or result.period is None:
        return
    accounts = desk.runtime.accounts
    if receipt.awaiting_approval and result.notify_member_ids:
        text, markup = approval_request(result)
        await notify_with(
            desk.bot, accounts, result.notify_member_ids, text, html=True, reply_markup=markup
        )
    if result.notify_returner is not None:
        text = chat_coordinator.REVISION_ARRIVED.format(
            unit=chat_common.html(receipt.unit_name),
            label=result.period.label,
            version=receipt.version,
        )
        await notify_with(desk.bot, accounts, [result.notify_returner], text)


async def after_approval(desk: WebDesk, result: ReportResult, *, approved: bool) -> None:
    """Tell the clerk who prepared the report what the head decided."""
    if desk.bot is None or result.period is None or not result.notify_member_ids:
        return
    label = result.period.label
    note = (
        chat_report.APPROVAL_DONE_FOR_STAFF if approved else chat_report.APPROVAL_BACK_FOR_STAFF
    ).format(label=label)
    await notify_with(desk.bot, desk.runtime.accounts, result.notify_member_ids, note)
