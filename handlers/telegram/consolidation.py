"""/consolidate (/tonghop): a consolidating node's coordinator sends its report up a level."""

from __future__ import annotations

from telegram import Update

from cchc_bot import lookup
from cchc_bot.access import Actor, Role
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.services.consolidation import Consolidation, ConsolidationOutcome
from cchc_bot.texts import org
from handlers.telegram import arguments
from handlers.telegram.auth import for_roles
from handlers.telegram.context import CchcContext

CONFIRM_WORDS = frozenset(lookup.fold(word) for word in org.CONSOLIDATE_CONFIRM_WORDS)


def consolidation_text(result: Consolidation) -> str:
    """The reply for a preview or a submission."""
    values = {
        "label": result.period.label,
        "node": result.node_name or result.node_code or "",
        "counted": result.counted,
        "expected": result.expected,
        "version": result.version,
        "code": result.period.code,
    }
    match result.outcome:
        case ConsolidationOutcome.NOT_CONSOLIDATING:
            return org.CONSOLIDATE_NOT_NODE
        case ConsolidationOutcome.NOTHING_BELOW:
            return org.CONSOLIDATE_NOTHING.format(**values)
        case ConsolidationOutcome.ALREADY_SUBMITTED:
            return org.CONSOLIDATE_ALREADY.format(**values)
        case ConsolidationOutcome.SUBMITTED:
            return org.CONSOLIDATE_SUBMITTED.format(**values)
    missing = (
        org.CONSOLIDATE_MISSING.format(names=", ".join(result.missing)) if result.missing else ""
    )
    return org.CONSOLIDATE_PREVIEW.format(missing=missing, **values)


@for_roles(Role.COORDINATOR)
async def consolidate_command(update: Update, context: CchcContext, actor: Actor) -> None:
    """`/consolidate [KỲ]` shows the consolidated report; `/consolidate KỲ gửi` sends it up."""
    message = update.effective_message
    assert message is not None
    words = list(context.args or [])
    confirm = False
    for size in (2, 1):  # "… xác nhận" is two words, "… gửi" one
        if len(words) >= size and lookup.fold(" ".join(words[-size:])) in CONFIRM_WORDS:
            words, confirm = words[:-size], True
            break
    code = await arguments.period_or_refuse(message, context.runtime, words)
    if code is None:
        return
    service = context.runtime.consolidation
    try:
        if confirm:
            result = await service.submit(actor, code or None)
        else:
            result = await service.preview(actor, code or None)
    except UnknownPeriodError:
        await arguments.unknown_period(message, code)
        return
    await message.reply_text(consolidation_text(result))
