"""/draftreport (/duthao): the district's periodic CCHC report of a period, as a DOCX draft."""

from __future__ import annotations

from telegram import Update

from cchc_bot.access import Actor, Role
from handlers.telegram.auth import for_roles
from handlers.telegram.context import CchcContext
from handlers.telegram.heavy import heavy_job
from handlers.telegram.period_files import FileKind, send_period_file, split_kind


@for_roles(Role.COORDINATOR)
@heavy_job
async def draft_report_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """Send the period's district report draft ("Q1", "quý 1", "năm" or "2024-Q1")."""
    message = update.effective_message
    assert message is not None
    _, args = split_kind(context.args or [], FileKind.DOCX)
    await send_period_file(message, context, actor, args, FileKind.DOCX)
