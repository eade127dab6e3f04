"""/tasks (/nhiemvu): the annex's tasks overdue first, paged; a task's button opens its history."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from cchc_bot.access import Actor, Role
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.services.tasks import TaskHistory, TaskOverview, UnknownTaskError
from cchc_bot.tasks import listing
from cchc_bot.tasks.progress import TaskStatus
from cchc_bot.texts import chat_accounts
from cchc_bot.texts import tasks as words
from cchc_bot.texts.chat_common import html
from handlers.telegram import arguments, callback_data
from handlers.telegram.auth import for_roles
from handlers.telegram.callback_data import TaskHistoryOpen, TaskReopen, TasksPage, encode
from handlers.telegram.context import CchcApplication, CchcContext

PAGE_TASKS = 10


def tasks_page(overview: TaskOverview, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the list: the counts and rate, ten lines, a button per line, ⬅️ ➡️."""
    rows = overview.rows
    pages = max(1, -(-len(rows) // PAGE_TASKS))
    page = min(max(page, 0), pages - 1)
    shown = rows[page * PAGE_TASKS : (page + 1) * PAGE_TASKS]
    lines = [
        words.LIST_TITLE.format(period=html(overview.period.label)),
        html(listing.counts_words(overview.district)),
        html(listing.rate_words(overview.district)),
        "",
    ]
    if not rows:
        lines.append(words.LIST_NONE_FOR_UNIT)
    first = page * PAGE_TASKS + 1
    lines.extend(
        f"{number}. {html(listing.line(row, overview.unit_names))}"
        for number, row in enumerate(shown, start=first)
    )
    if pages > 1:
        lines.append(words.LIST_PAGE.format(page=page + 1, pages=pages))
    buttons = [
        [
            InlineKeyboardButton(
                words.BUTTON_HISTORY.format(number=number, title=_short(row.task.title)),
                callback_data=encode(TaskHistoryOpen(row.task.id)),
            )
        ]
        for number, row in enumerate(shown, start=first)
    ]
    moves = []
    if page > 0:
        moves.append(
            InlineKeyboardButton(
                words.BUTTON_PREVIOUS,
                callback_data=encode(TasksPage(overview.period.code, page - 1)),
            )
        )
    if page < pages - 1:
        moves.append(
            InlineKeyboardButton(
                words.BUTTON_NEXT, callback_data=encode(TasksPage(overview.period.code, page + 1))
            )
        )
    if moves:
        buttons.append(moves)
    return "\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None


def history_text(history: TaskHistory) -> str:
    """A task and what every report said of it."""
    task = history.task
    lead = ", ".join(history.unit_names.get(code, code) for code in history.leads)
    lines = [
        words.HISTORY_TITLE.format(
            title=html(task.title),
            lead=html(lead),
            due=html(history.due),
            product=html(task.product),
        )
    ]
    if not history.reports:
        lines.append(words.HISTORY_EMPTY)
    lines.extend(
        html(listing.history_line(report, history.unit_names, history.period_labels))
        for report in history.reports
    )
    return "\n".join(lines)


def reopen_buttons(history: TaskHistory, actor: Actor) -> InlineKeyboardMarkup | None:
    """For a coordinator: one 🔓 per lead agency whose latest report calls the task done."""
    if not actor.is_coordinator:
        return None
    latest: dict[str, TaskStatus] = {}
    for report in sorted(history.reports, key=lambda report: report.period_end):
        latest[report.unit] = report.status
    done = [unit for unit, status in latest.items() if status is TaskStatus.DONE]
    if not done:
        return None
    rows = []
    for unit in done:
        try:  # a pair too long for Telegram's 64 bytes: the CLI's `tasks --reopen` remains
            data = encode(TaskReopen(history.task.id, unit))
        except callback_data.InvalidPayload:
            continue
        label = words.BUTTON_REOPEN.format(unit=_short(history.unit_names.get(unit, unit)))
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None


def _short(title: str) -> str:
    limit = words.BUTTON_TITLE_LENGTH
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


@for_roles(Role.COORDINATOR, Role.HEAD, Role.STAFF)
async def tasks_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """/tasks [CODE]: coordinators see every task (their subtree), a lead agency its own."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    if runtime.config.tasks is None:
        await message.reply_text(words.LIST_EMPTY)
        return
    overview = await arguments.for_period(
        message, runtime, context.args or [], lambda code: runtime.tasks.overview(actor, code)
    )
    if overview is None:
        return
    text, markup = tasks_page(overview, 0)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


@for_roles(Role.COORDINATOR, Role.HEAD, Role.STAFF)
async def tasks_button(update: Update, context: CchcContext, actor: Actor) -> None:
    """⬅️ ➡️ through the pages, or a task's history; forged or stale data gets a toast."""
    query = update.callback_query
    assert query is not None
    payload = callback_data.decode(query.data)
    runtime = context.runtime
    match payload:
        case TasksPage(period, page):
            try:
                overview = await runtime.tasks.overview(actor, period)
            except UnknownPeriodError:
                await query.answer(chat_accounts.STALE_BUTTON)
                return
            await query.answer()
            text, markup = tasks_page(overview, page)
            try:
                await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            except BadRequest as exc:
                if "not modified" not in exc.message.lower():
                    raise
        case TaskHistoryOpen(task):
            try:
                history = await runtime.tasks.history(actor, task)
            except UnknownTaskError:
                await query.answer(words.UNKNOWN_TASK.format(task=task))
                return
            await query.answer()
            message = query.message
            if message is not None:
                await context.bot.send_message(
                    message.chat.id,
                    history_text(history),
                    parse_mode=ParseMode.HTML,
                    reply_markup=reopen_buttons(history, actor),
                )
        case TaskReopen(task, unit):
            try:
                changed = await runtime.tasks.reopen(actor, unit, task)
            except UnknownTaskError:
                await query.answer(words.UNKNOWN_TASK.format(task=task))
                return
            name = next((u.name for u in runtime.config.units.units if u.code == unit), unit)
            reply = words.CHAT_REOPENED if changed else words.NOTHING_TO_REOPEN
            await query.answer(reply.format(unit=name), show_alert=True)
        case _:
            await query.answer(chat_accounts.STALE_BUTTON)


def register(application: CchcApplication) -> None:
    """Attach /tasks, /nhiemvu and their buttons."""
    application.add_handler(CommandHandler(["tasks", "nhiemvu"], tasks_command))
    application.add_handler(CallbackQueryHandler(tasks_button, pattern=callback_data.TASK_PATTERN))
