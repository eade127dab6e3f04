"""/draftreport (/duthao): the district's periodic CCHC report of a period, as a DOCX draft."""

from __future__ import annotations

import asyncio
import io

from telegram import Update
from telegram.constants import ParseMode

from cchc_bot.access import Actor, Role
from cchc_bot.aggregation import ExportData
from cchc_bot.config.loading import Configuration
from cchc_bot.documents import district_report
from cchc_bot.documents.outline import OutlineError, load_outline
from cchc_bot.texts import chat_common, chat_coordinator
from handlers.telegram import arguments
from handlers.telegram.auth import for_roles
from handlers.telegram.context import CchcContext


def draft(data: ExportData, config: Configuration) -> tuple[bytes, str]:
    """The draft's bytes and file name (blocking: run it in a worker thread)."""
    outline = load_outline(config.directory, config.questionnaire)
    buffer = io.BytesIO()
    district_report.write(data, outline, buffer)
    return buffer.getvalue(), district_report.report_filename(data, outline)


@for_roles(Role.COORDINATOR)
async def draft_report_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Send the period's district report draft ("Q1", "quý 1", "năm" or "2024-Q1")."""
    message = update.effective_message
    assert message is not None
    runtime = context.runtime
    data = await arguments.for_period(
        message, runtime, context.args or [], lambda code: runtime.exports.export_for(actor, code)
    )
    if data is None:
        return
    try:
        content, name = await asyncio.to_thread(draft, data, runtime.config)
    except OutlineError as exc:
        problem = str(exc.issues[0]) if exc.issues else str(exc)
        await message.reply_text(
            chat_coordinator.DRAFT_OUTLINE_BROKEN.format(problem=chat_common.html(problem)),
            parse_mode=ParseMode.HTML,
        )
        return
    submitted = sum(1 for unit in data.units if unit.counted)
    await message.reply_document(
        content,
        filename=name,
        caption=chat_common.with_names(
            chat_coordinator.DRAFT_CAPTION,
            context.organisation,
            label=data.period.label,
            units=len(data.units),
            submitted=submitted,
        ),
    )
