"""The period's files for a coordinator: the XLSX aggregate and the DOCX district report draft."""

from __future__ import annotations

import asyncio
import enum
import io
from collections.abc import Sequence

from telegram import Message
from telegram.constants import ParseMode

from cchc_bot.access import Actor
from cchc_bot.aggregation import ExportData
from cchc_bot.config.loading import Configuration
from cchc_bot.documents import district_report
from cchc_bot.documents.outline import OutlineError, load_outline
from cchc_bot.exports import naming, workbook
from cchc_bot.texts import chat_common, chat_coordinator
from cchc_bot.texts import period_files as file_words
from handlers.telegram import arguments
from handlers.telegram.context import CchcContext


class FileKind(enum.Enum):
    """Which file of the period: the workbook or the report draft."""

    XLSX = "xlsx"
    DOCX = "docx"


# The words after /export that ask for a file kind (any case), the period being the rest.
KIND_WORDS = {
    "xlsx": FileKind.XLSX,
    "excel": FileKind.XLSX,
    "docx": FileKind.DOCX,
    "word": FileKind.DOCX,
    "baocao": FileKind.DOCX,
    "duthao": FileKind.DOCX,
}


def split_kind(args: Sequence[str], default: FileKind) -> tuple[FileKind, list[str]]:
    """The file kind asked for (else `default`) and the arguments left to name the period."""
    kind = default
    rest: list[str] = []
    for word in args:
        asked = KIND_WORDS.get(word.strip().casefold().lstrip("."))
        if asked is None:
            rest.append(word)
        else:
            kind = asked
    return kind, rest


def workbook_file(data: ExportData) -> tuple[bytes, str]:
    """The XLSX aggregate's bytes and file name (blocking: run it in a worker thread)."""
    buffer = io.BytesIO()
    workbook.write_xlsx(data, buffer)
    name = naming.export_filename(data.period, data.generated_at, place=data.organisation.place)
    return buffer.getvalue(), name


def draft_file(data: ExportData, config: Configuration) -> tuple[bytes, str]:
    """The district report draft's bytes and file name (blocking: run it in a worker thread)."""
    outline = load_outline(config.directory, config.questionnaire, config.units.organisation)
    buffer = io.BytesIO()
    district_report.write(data, outline, buffer)
    return buffer.getvalue(), district_report.report_filename(data, outline)


async def send_period_file(
    message: Message, context: CchcContext, actor: Actor, args: Sequence[str], kind: FileKind
) -> None:
    """Read the period from `args`, build its file off the event loop and send it."""
    runtime = context.runtime
    data = await arguments.for_period(
        message, runtime, args, lambda code: runtime.exports.export_for(actor, code)
    )
    if data is None:
        return
    submitted = sum(1 for unit in data.units if unit.counted)
    if kind is FileKind.XLSX:
        content, name = await asyncio.to_thread(workbook_file, data)
        caption = chat_coordinator.EXPORT_CAPTION.format(
            label=data.period.label, units=len(data.units), submitted=submitted
        )
        caption += file_words.EXPORT_DOCX_HINT.format(code=data.period.code)
    else:
        try:
            content, name = await asyncio.to_thread(draft_file, data, runtime.config)
        except OutlineError as exc:
            problem = str(exc.issues[0]) if exc.issues else str(exc)
            await message.reply_text(
                chat_coordinator.DRAFT_OUTLINE_BROKEN.format(problem=chat_common.html(problem)),
                parse_mode=ParseMode.HTML,
            )
            return
        caption = chat_common.with_names(
            chat_coordinator.DRAFT_CAPTION,
            context.organisation,
            label=data.period.label,
            units=len(data.units),
            submitted=submitted,
        )
    await message.reply_document(content, filename=name, caption=caption)
