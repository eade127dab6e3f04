"""/status: every unit for coordinators (sorted, paginated so no unit is dropped), one for heads."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections import Counter
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from cchc_bot import date_format, lookup
from cchc_bot.access import Actor, Role
from cchc_bot.config import base as config_base
from cchc_bot.exports import charts
from cchc_bot.periods import ReportingPeriod, UnknownPeriodError
from cchc_bot.services.status import PeriodStatus, UnitStatus
from cchc_bot.texts import chat_accounts, chat_common, chat_coordinator, chat_reminders, org
from handlers.telegram import arguments, report_views
from handlers.telegram.auth import for_roles
from handlers.telegram.callback_data import ReturnStart, StatusPage, encode
from handlers.telegram.context import CchcContext
from handlers.telegram.heavy import heavy_job

PAGE_UNITS = 25
MAX_RETURN_BUTTONS = 8
# Units that acted come first within each kind: submitted, then drafting, returned, not started.
STATE_ORDER = {"submitted": 0, "draft": 1, "returned": 2, "not_started": 3}


def utf16_length(text: str) -> int:
    """Telegram's measure of a text; of HTML source it bounds the rendered length from above."""
    return len(text.encode("utf-16-le")) // 2


def left_text(period: ReportingPeriod, now: dt.datetime) -> str:
    """Days left or late, in words."""
    return chat_reminders.days_left_text(period.days_left(now))


def unit_line(unit: UnitStatus, period: ReportingPeriod, tz: dt.tzinfo) -> str:
    """One unit's line in the coordinator's status, with its code."""
    if unit.state == "submitted" and unit.submitted_at is not None:
        at = unit.submitted_at.astimezone(tz)
        days = (at.date() - period.due_date).days
        detail = (
            chat_coordinator.STATUS_SUBMITTED_LATE.format(at=f"{at:%d/%m %H:%M}", days=max(1, days))
            if unit.late
            else chat_coordinator.STATUS_SUBMITTED.format(at=f"{at:%d/%m %H:%M}")
        )
    elif unit.state == "draft":
        detail = chat_coordinator.STATUS_DRAFT.format(answered=unit.answered, total=unit.total)
    elif unit.state == "returned":
        detail = chat_coordinator.STATUS_RETURNED.format(
            reason=chat_common.html(unit.returned_reason or "")
        )
    else:
        detail = chat_coordinator.STATUS_NOT_STARTED
    if unit.late and unit.state != "submitted":
        detail += chat_coordinator.STATUS_OVERDUE
    if not unit.linked:
        detail += chat_coordinator.STATUS_UNLINKED
    elif not unit.reachable:
        detail += chat_coordinator.STATUS_UNREACHABLE
    return chat_coordinator.STATUS_LINE.format(
        icon=chat_coordinator.STATUS_ICONS.get(unit.state, "•"),
        name=chat_common.html(unit.name),
        code=unit.code,
        detail=detail,
    )


def ordered_units(status: PeriodStatus) -> list[UnitStatus]:
    """By kind, then submitted / drafting / returned / not started, then Vietnamese name order."""
    kinds = {kind.code: index for index, kind in enumerate(status.kinds)}
    return sorted(
        status.units,
        key=lambda u: (
            kinds.get(u.kind, len(kinds)),
            u.kind,
            STATE_ORDER.get(u.state, len(STATE_ORDER)),
            lookup.sort_key(u.name),
        ),
    )


def kind_label(
    kind: str, kinds: tuple[config_base.KindConfig, ...] = config_base.DEFAULT_KINDS
) -> str:
    """The heading of a kind of unit (its configured label)."""
    return config_base.kind_label(kind, kinds)


def status_pages(
    status: PeriodStatus, tz: dt.tzinfo, budget: int
) -> list[list[tuple[str, UnitStatus | None]]]:
    """Every unit, cut into pages of at most PAGE_UNITS units whose lines fit in `budget`."""
    pages: list[list[tuple[str, UnitStatus | None]]] = []
    page: list[tuple[str, UnitStatus | None]] = []
    size = 0
    kind: str | None = None
    count = 0
    for unit in ordered_units(status):
        line = unit_line(unit, status.period, tz)
        heading = chat_coordinator.STATUS_KIND.format(kind=kind_label(unit.kind, status.kinds))
        extra = utf16_length(line) + 1 + (utf16_length(heading) + 1 if unit.kind != kind else 0)
        if page and (count == PAGE_UNITS or size + extra > budget):
            pages.append(page)
            page, size, count, kind = [], 0, 0, None
            extra = utf16_length(line) + utf16_length(heading) + 2
        if unit.kind != kind:
            kind = unit.kind
            page.append((heading, None))
        page.append((line, unit))
        size += extra
        count += 1
    if page or not pages:
        pages.append(page)
    return pages


def status_page(
    status: PeriodStatus, page: int, now: dt.datetime, tz: dt.tzinfo
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the coordinator's status with counts on top and ⬅️ ➡️ buttons."""
    counts: Counter[str] = status.counts()
    header = chat_coordinator.STATUS_TITLE.format(
        label=status.period.label,
        deadline=date_format.format_datetime(status.period.deadline),
        left=left_text(status.period, now),
        closed=chat_coordinator.STATUS_CLOSED if status.closed else "",
    )
    if status.scope is not None:
        header += "\n" + org.STATUS_SCOPE.format(scope=escape(status.scope))
    summary = chat_coordinator.STATUS_COUNTS.format(
        on_time=counts["submitted_on_time"],
        late=counts["submitted_late"],
        draft=counts["draft"],
        not_started=counts["not_started"],
        returned=counts["returned"],
        unreachable=counts["unreachable"],
    )
    footer = "\n" + chat_coordinator.STATUS_PAGE.format(page=999, pages=999)
    budget = report_views.MESSAGE_LIMIT - utf16_length(header + summary + footer) - 2
    pages = status_pages(status, tz, budget)
    page = max(0, min(page, len(pages) - 1))
    lines = [header, summary, *(line for line, _ in pages[page])]
    if len(pages) > 1:
        lines.append("\n" + chat_coordinator.STATUS_PAGE.format(page=page + 1, pages=len(pages)))
    text = "\n".join(lines)
    rows: list[list[InlineKeyboardButton]] = []
    navigation = []
    code = status.period.code
    if page > 0:
        navigation.append(
            InlineKeyboardButton(
                chat_coordinator.STATUS_PREVIOUS, callback_data=encode(StatusPage(code, page - 1))
            )
        )
    if page < len(pages) - 1:
        navigation.append(
            InlineKeyboardButton(
                chat_coordinator.STATUS_NEXT, callback_data=encode(StatusPage(code, page + 1))
            )
        )
    if navigation:
        rows.append(navigation)
    returnable = [unit for _, unit in pages[page] if unit is not None and unit.state == "submitted"]
    for unit in returnable[:MAX_RETURN_BUTTONS]:
        rows.append(
            [
                InlineKeyboardButton(
                    chat_coordinator.STATUS_RETURN_BUTTON.format(unit=unit.name[:40]),
                    callback_data=encode(ReturnStart(unit.code, code)),
                )
            ]
        )
    return text, InlineKeyboardMarkup(rows) if rows else None


@for_roles(Role.HEAD, Role.STAFF, Role.COORDINATOR)
@heavy_job
async def status_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Coordinators: every unit, paginated, with a chart; heads and staff: their own unit."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    status = await arguments.for_period(
        message, runtime, context.args or [], lambda code: runtime.status.status_for(actor, code)
    )
    if status is None:
        return
    now = runtime.clock()
    tz = runtime.settings.tz
    if not actor.is_coordinator:
        await send_unit_status(message, context, actor, status, now)
        return
    # At 2,000 units cutting the pages takes tens of ms: in a worker, off the event loop.
    text, markup = await asyncio.to_thread(status_page, status, 0, now, tz)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    by_day = Counter(
        unit.submitted_at.astimezone(tz).date()
        for unit in status.units
        if unit.submitted_at is not None
    )
    png = await asyncio.to_thread(
        functools.partial(charts.status_chart, today=now.astimezone(tz).date()),
        status,
        sorted(by_day.items()),
    )
    await message.reply_photo(
        png, caption=chat_coordinator.STATUS_CHART_CAPTION.format(label=status.period.label)
    )


async def send_unit_status(
    message: Message, context: CchcContext, actor: Actor, status: PeriodStatus, now: dt.datetime
) -> None:
    """A head's or staff member's view: their unit, progress and the required answers missing."""
    unit = status.units[0] if status.units else None
    if unit is None:
        await message.reply_text(chat_accounts.NOT_LINKED)
        return
    period = status.period
    lines = [
        chat_coordinator.STATUS_UNIT.format(
            unit=chat_common.html(unit.name),
            label=period.label,
            deadline=date_format.format_datetime(period.deadline),
            left=left_text(period, now),
            state=chat_common.with_names(
                chat_coordinator.STATUS_UNIT_STATES.get(unit.state, unit.state),
                context.organisation,
            ),
        )
    ]
    if unit.state == "submitted" and unit.submitted_at is not None:
        lines.append(
            chat_coordinator.STATUS_UNIT_SUBMITTED.format(
                at=date_format.format_datetime(unit.submitted_at, context.runtime.settings.tz),
                version=unit.version,
                late=chat_coordinator.STATUS_UNIT_LATE if unit.late else "",
            )
        )
    else:
        lines.append(
            chat_coordinator.STATUS_UNIT_PROGRESS.format(answered=unit.answered, total=unit.total)
        )
        missing = await context.runtime.reports.missing_questions(actor, period)
        if missing:
            lines.append(
                chat_coordinator.STATUS_UNIT_MISSING.format(numbers=compact_numbers(missing))
            )
        if unit.state == "returned":
            lines.append(
                chat_coordinator.STATUS_UNIT_RETURNED.format(
                    reason=chat_common.html(unit.returned_reason or "")
                )
            )
        else:
            lines.append(chat_coordinator.STATUS_UNIT_NEXT)
    for part in report_views.split_messages(lines):
        await message.reply_text(part, parse_mode=ParseMode.HTML)


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


async def status_page_button(
    update: Update, context: CchcContext, actor: Actor, payload: StatusPage
) -> None:
    """⬅️ ➡️ through the status pages; a second tap on the same page changes nothing."""
    query = update.callback_query
    assert query is not None
    try:
        status = await context.runtime.status.status_for(actor, payload.period)
    except UnknownPeriodError:
        await query.answer(chat_accounts.STALE_BUTTON)
        return
    await query.answer()
    text, markup = await asyncio.to_thread(
        status_page, status, payload.page, context.runtime.clock(), context.runtime.settings.tz
    )
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
