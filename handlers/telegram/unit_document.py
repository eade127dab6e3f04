"""After a submission is accepted: the unit's own report as DOCX (and PDF where LibreOffice is)."""

from __future__ import annotations

import asyncio
import io
import logging

from telegram import Message
from telegram.error import TelegramError

from cchc_bot.config.loading import Configuration
from cchc_bot.documents import pdf, unit_report
from cchc_bot.documents.outline import OutlineError, load_outline
from cchc_bot.services.unit_documents import UnitDocumentData, UnitDocumentService
from cchc_bot.texts import chat_common, chat_coordinator
from handlers.telegram.context import CchcContext

logger = logging.getLogger("cchc_bot")


def build_files(data: UnitDocumentData, config: Configuration) -> list[tuple[str, bytes]]:
    """The report's files, DOCX first (blocking: run in a worker thread); empty when turned off."""
    outline = load_outline(config.directory, config.questionnaire, config.units.organisation)
    if not outline.unit_report.send_on_submit:
        return []
    buffer = io.BytesIO()
    unit_report.write(data.submission, data.questionnaire, outline, buffer)
    name = unit_report.unit_filename(data.submission)
    files = [(name, buffer.getvalue())]
    if outline.unit_report.pdf:
        converted = pdf.pdf_bytes(buffer.getvalue(), name)
        if converted is not None:
            files.append((name.removesuffix(".docx") + ".pdf", converted))
    return files


async def send_unit_report(
    message: Message, context: CchcContext, submission_id: int | None
) -> None:
    """Send the unit's report of an accepted submission to the chat that submitted it."""
    if submission_id is None:
        return
    runtime = context.runtime
    service = UnitDocumentService(
        runtime.session_factory, runtime.config, runtime.clock, runtime.settings.tz
    )
    data = await service.submitted(submission_id)
    if data is None:
        return
    try:
        files = await asyncio.to_thread(build_files, data, runtime.config)
    except OutlineError as exc:
        # The receipt is already sent: the operator sees the outline's problem in the log.
        logger.warning("unit report not built: %s", exc)
        return
    label = data.submission.period.label
    for index, (name, content) in enumerate(files):
        caption = (
            chat_common.with_names(
                chat_coordinator.UNIT_REPORT_CAPTION, runtime.config.units.organisation, label=label
            )
            if index == 0
            else None
        )
        try:
            await message.reply_document(content, filename=name, caption=caption)
        except TelegramError as exc:
            logger.warning("unit report %s not sent: %s", name, exc)
            return
