"""/status, /remind, /return, /close, /reopen and /export: thin calls to the services."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
from collections import Counter

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from cchc_bot import calendar, charts, workbook
from cchc_bot.access import Actor, Role
from cchc_bot.calendar import ReportingPeriod, UnknownPeriodError
from cchc_bot.config.base import UNIT_KIND_LABELS, UnitKind
from cchc_bot.services.coordination import ReturnOutcome, ReturnResult
from cchc_bot.services.reminders import DeliveryResult, ReminderMessage
from cchc_bot.services.status import PeriodStatus, UnitStatus
from handlers import report_views, texts
from handlers.auth import current_actor, for_roles, refuse
from handlers.context import CchcApplication, CchcContext
from scheduler.delivery import deliver

PAGE_UNITS = 25
STATUS_PREFIX = "st"
RETURN_PREFIX = "rt"
REMIND_PREFIX = "rm"
PERIOD_CODE = re.compile(r"^\d{4}-[A-Za-z0-9]{1,4}$")
# The return prompt names unit and period so the coordinator's reply can be matched to it.
RETURN_PROMPT_KEY = re.compile(r"\(([a-z0-9_]+) (\d{4}-[A-Z0-9]{1,4})\)")


class _ReturnPromptReply(filters.MessageFilter):
    """A message answering the bot's "reason for returning" prompt."""

    def filter(self, message: Message) -> bool:
        """Match replies to the prompt, whoever sends them (the handler checks the role)."""
        replied = message.reply_to_message
        return (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.is_bot
            and RETURN_PROMPT_KEY.search(replied.text or "") is not None
        )


RETURN_PROMPT_REPLY = _ReturnPromptReply()


def left_text(period: ReportingPeriod, now: dt.datetime) -> str:
    """Days left or late, in words."""
    return texts.days_left_text(period.days_left(now))


def unit_line(unit: UnitStatus, period: ReportingPeriod, tz: dt.tzinfo) -> str:
    """One unit's line in the coordinator's status."""
    if unit.state == "submitted" and unit.submitted_at is not None:
        at = unit.submitted_at.astimezone(tz)
        days = (at.date() - period.due_date).days
        detail = (
            texts.STATUS_SUBMITTED_LATE.format(at=f"{at:%d/%m %H:%M}", days=max(1, days))
            if unit.late
            else texts.STATUS_SUBMITTED.format(at=f"{at:%d/%m %H:%M}")
        )
    elif unit.state == "draft":
        detail = texts.STATUS_DRAFT.format(answered=unit.answered, total=unit.total)
    elif unit.state == "returned":
        detail = texts.STATUS_RETURNED.format(reason=texts.html(unit.returned_reason or ""))
    else:
        detail = texts.STATUS_NOT_STARTED
    if unit.late and unit.state != "submitted":
        detail += texts.STATUS_OVERDUE
    if not unit.linked:
        detail += texts.STATUS_UNLINKED
    elif not unit.reachable:
        detail += texts.STATUS_UNREACHABLE
    return texts.STATUS_LINE.format(
        icon=texts.STATUS_ICONS.get(unit.state, "•"), name=texts.html(unit.name), detail=detail
    )


def status_pages(status: PeriodStatus, tz: dt.tzinfo) -> list[list[str]]:
    """The units by kind, cut into pages of lines that each fit one message."""
    order = {kind.value: index for index, kind in enumerate(UnitKind)}
    units = sorted(status.units, key=lambda u: (order.get(u.kind, 9), u.name))
    pages: list[list[str]] = []
    page: list[str] = []
    kind = None
    count = 0
    for unit in units:
        if count == PAGE_UNITS:
            pages.append(page)
            page, count, kind = [], 0, None
        if unit.kind != kind:
            kind = unit.kind
            label = UNIT_KIND_LABELS.get(UnitKind(kind), kind) if kind in order else kind
            page.append(texts.STATUS_KIND.format(kind=label))
        page.append(unit_line(unit, status.period, tz))
        count += 1
    if page or not pages:
        pages.append(page)
    return pages


def status_page(
    status: PeriodStatus, page: int, now: dt.datetime, tz: dt.tzinfo
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the coordinator's status with counts on top and ⬅️ ➡️ buttons."""
    counts: Counter[str] = status.counts()
    pages = status_pages(status, tz)
    page = max(0, min(page, len(pages) - 1))
    header = texts.STATUS_TITLE.format(
        label=status.period.label,
        deadline=calendar.format_datetime(status.period.deadline),
        left=left_text(status.period, now),
        closed=texts.STATUS_CLOSED if status.closed else "",
    )
    summary = texts.STATUS_COUNTS.format(
        on_time=counts["submitted_on_time"],
        late=counts["submitted_late"],
        draft=counts["draft"],
        not_started=counts["not_started"],
        returned=counts["returned"],
        unreachable=counts["unreachable"],
    )
    lines = [header, summary, *pages[page]]
    if len(pages) > 1:
        lines.append("\n" + texts.STATUS_PAGE.format(page=page + 1, pages=len(pages)))
    text = report_views.split_messages(lines)[0]
    rows: list[list[InlineKeyboardButton]] = []
    navigation = []
    code = status.period.code
    if page > 0:
        navigation.append(
            InlineKeyboardButton(
                texts.STATUS_PREVIOUS, callback_data=f"{STATUS_PREFIX}|{code}|{page - 1}"
            )
        )
    if page < len(pages) - 1:
        navigation.append(
            InlineKeyboardButton(
                texts.STATUS_NEXT, callback_data=f"{STATUS_PREFIX}|{code}|{page + 1}"
            )
        )
    if navigation:
        rows.append(navigation)
    on_page = sorted(status.units, key=lambda u: u.name)
    shown = {line for line in pages[page]}
    returnable = [
        unit
        for unit in on_page
        if unit.state == "submitted" and unit_line(unit, status.period, tz) in shown
    ]
    for unit in returnable[:8]:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.STATUS_RETURN_BUTTON.format(unit=unit.name[:40]),
                    callback_data=f"{RETURN_PREFIX}|{unit.code}|{code}",
                )
            ]
        )
    return text, InlineKeyboardMarkup(rows) if rows else None


def period_argument(context: CchcContext) -> str | None:
    """The optional period code argument of a command, upper-cased."""
    if context.args:
        return context.args[0].strip().upper()
    return None


async def unknown_period(message: Message, code: str) -> None:
    """Say a period code is not valid."""
    await message.reply_text(
        texts.UNKNOWN_PERIOD.format(code=texts.html(code)), parse_mode=ParseMode.HTML
    )


@for_roles(Role.HEAD, Role.STAFF, Role.COORDINATOR)
async def status_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Coordinators: every unit, paginated, with a chart; heads and staff: their own unit."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    code = period_argument(context)
    try:
        status = await runtime.status.status_for(actor, code)
    except UnknownPeriodError:
        await unknown_period(message, code or "")
        return
    now = runtime.clock()
    tz = runtime.settings.tz
    if not actor.is_coordinator:
        await send_unit_status(message, context, actor, status, now)
        return
    text, markup = status_page(status, 0, now, tz)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    by_day = Counter(
        unit.submitted_at.astimezone(tz).date()
        for unit in status.units
        if unit.submitted_at is not None
    )
    png = await asyncio.to_thread(charts.status_chart, status, sorted(by_day.items()))
    await message.reply_photo(
        png, caption=texts.STATUS_CHART_CAPTION.format(label=status.period.label)
    )


async def send_unit_status(
    message: Message, context: CchcContext, actor: Actor, status: PeriodStatus, now: dt.datetime
) -> None:
    """A head's or staff member's view: their unit, progress and what is missing."""
    unit = status.units[0] if status.units else None
    if unit is None:
        await message.reply_text(texts.NOT_LINKED)
        return
    period = status.period
    lines = [
        texts.STATUS_UNIT.format(
            unit=texts.html(unit.name),
            label=period.label,
            deadline=calendar.format_datetime(period.deadline),
            left=left_text(period, now),
            state=texts.STATUS_UNIT_STATES.get(unit.state, unit.state),
        )
    ]
    if unit.state == "submitted" and unit.submitted_at is not None:
        lines.append(
            texts.STATUS_UNIT_SUBMITTED.format(
                at=calendar.format_datetime(unit.submitted_at, context.runtime.settings.tz),
                version=unit.version,
                late=texts.STATUS_UNIT_LATE if unit.late else "",
            )
        )
    else:
        lines.append(texts.STATUS_UNIT_PROGRESS.format(answered=unit.answered, total=unit.total))
        missing = await context.runtime.reports.missing_questions(actor, period)
        if missing:
            lines.append(texts.STATUS_UNIT_MISSING.format(numbers=compact_numbers(missing)))
        if unit.state == "returned":
            lines.append(
                texts.STATUS_UNIT_RETURNED.format(reason=texts.html(unit.returned_reason or ""))
            )
        else:
            lines.append(texts.STATUS_UNIT_NEXT)
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)


def compact_numbers(numbers: tuple[int, ...]) -> str:
    """1, 2, 3, 5, 7, 8 -> "1–3, 5, 7–8"."""
    parts: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if number is not None and previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None and previous is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = number
    return ", ".join(parts)


@for_roles(Role.COORDINATOR)
async def status_page_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """⬅️ ➡️ through the status pages (the role is checked again)."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    _, code, page = query.data.split("|")
    try:
        status = await context.runtime.status.status_for(actor, code)
    except UnknownPeriodError:
        await refuse(update, texts.STALE_BUTTON)
        return
    await query.answer()
    text, markup = status_page(
        status, int(page), context.runtime.clock(), context.runtime.settings.tz
    )
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


@for_roles(Role.COORDINATOR)
async def remind_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Show whom a nudge would reach and ask to confirm."""
    message = update.effective_message
    assert message is not None
    argument = period_argument(context)
    runtime = context.runtime
    unit_code = None
    code = argument
    if argument is not None and not PERIOD_CODE.match(argument):
        unit_code, code = argument.lower(), None
    try:
        period = runtime.status.period(code)
    except UnknownPeriodError:
        await unknown_period(message, argument or "")
        return
    plan = await runtime.reminders.plan_nudge(actor, period, unit_code)
    lines = []
    if plan.units:
        lines.append(
            texts.REMIND_PLAN.format(label=period.label, people=plan.people, units=len(plan.units))
        )
    else:
        lines.append(texts.REMIND_NOBODY.format(label=period.label))
    if plan.recently_nudged:
        hours = f"{runtime.config.schedule.reminders.manual_nudge_hours:g}"
        lines.append(texts.REMIND_RECENT.format(count=len(plan.recently_nudged), hours=hours))
    if plan.without_members:
        lines.append(
            texts.REMIND_NO_MEMBERS.format(
                count=len(plan.without_members), units=", ".join(plan.without_members[:20])
            )
        )
    markup = None
    if plan.units:
        target = unit_code or "-"
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.REMIND_CONFIRM,
                        callback_data=f"{REMIND_PREFIX}|{period.code}|{target}",
                    ),
                    InlineKeyboardButton(texts.REMIND_CANCEL, callback_data=f"{REMIND_PREFIX}|-|-"),
                ]
            ]
        )
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML, reply_markup=markup)


@for_roles(Role.COORDINATOR)
async def remind_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """Send the confirmed nudge and say how many went out."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    _, code, target = query.data.split("|")
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    assert isinstance(query.message, Message)
    if code == "-":
        await query.message.reply_text(texts.REMIND_CANCELLED)
        return
    runtime = context.runtime
    try:
        period = runtime.status.period(code)
    except UnknownPeriodError:
        await query.message.reply_text(texts.STALE_BUTTON)
        return

    async def send(message: ReminderMessage) -> DeliveryResult:
        return await deliver(context.bot, message, context.bot_data.bulk_limiter)

    report = await runtime.reminders.nudge(actor, period, send, None if target == "-" else target)
    await query.message.reply_text(
        texts.REMIND_DONE.format(
            sent=len(report.sent), failed=len(report.failed), unreachable=len(report.unreachable)
        )
    )


async def carry_out_return(
    message: Message,
    context: CchcContext,
    actor: Actor,
    unit_code: str,
    period_code: str,
    reason: str,
) -> None:
    """Return a report, tell the unit why, and tell the coordinator it is done."""
    runtime = context.runtime
    try:
        result = await runtime.coordination.return_report(actor, unit_code, period_code, reason)
    except UnknownPeriodError:
        await unknown_period(message, period_code)
        return
    await reply_return(message, context, result)


async def reply_return(message: Message, context: CchcContext, result: ReturnResult) -> None:
    """Render a return's outcome and notify the unit's members."""
    unit = texts.html(result.unit_name or result.unit_code)
    if result.outcome is not ReturnOutcome.RETURNED:
        await message.reply_text(
            texts.RETURN_FAILED[result.outcome.value].format(
                code=texts.html(result.unit_code), unit=unit, label=result.period.label
            )
        )
        return
    for telegram_user_id in result.notify_telegram_ids:
        await context.bot.send_message(
            telegram_user_id,
            texts.RETURN_TO_UNIT.format(
                label=result.period.label, unit=unit, reason=texts.html(result.reason or "")
            ),
            parse_mode=ParseMode.HTML,
        )
    await message.reply_text(
        texts.RETURN_DONE.format(
            label=result.period.label, unit=unit, count=len(result.notify_telegram_ids)
        )
    )


@for_roles(Role.COORDINATOR)
async def return_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """/return UNIT CODE REASON."""
    message = update.effective_message
    assert message is not None
    args = context.args or []
    if len(args) < 3:
        await message.reply_text(texts.RETURN_USAGE, parse_mode=ParseMode.HTML)
        return
    await carry_out_return(
        message, context, actor, args[0].lower(), args[1].upper(), " ".join(args[2:])
    )


@for_roles(Role.COORDINATOR)
async def return_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """The ↩️ button on a status line: ask for the reason as a reply."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    _, unit_code, period_code = query.data.split("|")
    await query.answer()
    assert isinstance(query.message, Message)
    status = await context.runtime.status.status_for(actor, period_code)
    unit = next((u for u in status.units if u.code == unit_code), None)
    await query.message.reply_text(
        texts.RETURN_PROMPT.format(
            label=status.period.label,
            unit=texts.html(unit.name if unit else unit_code),
            code=unit_code,
            period=period_code,
        ),
        reply_markup=ForceReply(selective=True),
    )


async def return_reason_reply(update: Update, context: CchcContext) -> None:
    """A coordinator's reply to the return prompt: the reason."""
    message = update.effective_message
    assert message is not None
    assert message.reply_to_message is not None
    actor = await current_actor(update, context)
    prompt = message.reply_to_message.text or ""
    found = RETURN_PROMPT_KEY.search(prompt)
    if actor is None or not actor.is_coordinator or found is None or message.text is None:
        await refuse(update, texts.COORDINATOR_ONLY if actor is not None else texts.NOT_LINKED)
        return
    await carry_out_return(message, context, actor, found.group(1), found.group(2), message.text)


async def set_period(update: Update, context: CchcContext, actor: Actor, *, open_: bool) -> None:
    """Close or reopen a period."""
    message = update.effective_message
    assert message is not None
    code = period_argument(context)
    if code is None:
        command = "reopen" if open_ else "close"
        await message.reply_text(
            texts.PERIOD_USAGE.format(command=command), parse_mode=ParseMode.HTML
        )
        return
    try:
        result = await context.runtime.coordination.set_period_state(actor, code, open_=open_)
    except UnknownPeriodError:
        await unknown_period(message, code)
        return
    if not result.changed:
        await message.reply_text(texts.PERIOD_UNCHANGED.format(label=result.period.label))
        return
    template = texts.PERIOD_REOPENED_DONE if open_ else texts.PERIOD_CLOSED_DONE
    await message.reply_text(template.format(label=result.period.label))


@for_roles(Role.COORDINATOR)
async def close_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """/close CODE: no more submissions for the period."""
    await set_period(update, context, actor, open_=False)


@for_roles(Role.COORDINATOR)
async def reopen_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """/reopen CODE: accept submissions again."""
    await set_period(update, context, actor, open_=True)


@for_roles(Role.COORDINATOR)
async def export_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Send the period's XLSX aggregate as a document."""
    message = update.effective_message
    assert message is not None
    code = period_argument(context)
    runtime = context.runtime
    try:
        data = await runtime.exports.export_for(actor, code)
    except UnknownPeriodError:
        await unknown_period(message, code or "")
        return
    buffer = io.BytesIO()
    await asyncio.to_thread(workbook.write_xlsx, data, buffer)
    name = workbook.export_filename(data.period, data.generated_at, district=data.district)
    submitted = sum(1 for unit in data.units if unit.counted)
    await message.reply_document(
        buffer.getvalue(),
        filename=name,
        caption=texts.EXPORT_CAPTION.format(
            label=data.period.label, units=len(data.units), submitted=submitted
        ),
    )


def register(application: CchcApplication) -> None:
    """Attach the coordinator handlers (before the report handlers take free text)."""
    application.add_handler(CommandHandler(["status", "tinhtrang"], status_command))
    application.add_handler(CommandHandler(["remind", "nhacnho"], remind_command))
    application.add_handler(CommandHandler(["return", "tralai"], return_command))
    application.add_handler(CommandHandler(["close", "dongky"], close_command))
    application.add_handler(CommandHandler(["reopen", "moky"], reopen_command))
    application.add_handler(CommandHandler(["export", "xuat"], export_command))
    application.add_handler(CallbackQueryHandler(status_page_button, pattern=r"^st\|"))
    application.add_handler(CallbackQueryHandler(remind_button, pattern=r"^rm\|"))
    application.add_handler(CallbackQueryHandler(return_button, pattern=r"^rt\|"))
    application.add_handler(
        MessageHandler(
            RETURN_PROMPT_REPLY & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE,
            return_reason_reply,
        )
    )
