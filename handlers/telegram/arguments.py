"""Read a coordinator's command arguments: a unit by name or code, a period by its usual names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Message
from telegram.constants import ParseMode

from cchc_bot import lookup
from cchc_bot.config.units import UnitConfig
from cchc_bot.periods import UnknownPeriodError
from cchc_bot.runtime import Runtime
from cchc_bot.texts import chat_common, chat_coordinator

MAX_CANDIDATES = 12

T = TypeVar("T")


def read_period(runtime: Runtime, text: str) -> str | None:
    """The period code meant by "Q1", "quý 1", "6 tháng", "năm" (this year) or "2024-Q1"."""
    kinds = [lookup.PeriodKind(rule.code, rule.label) for rule in runtime.config.schedule.periods]
    year = runtime.clock().astimezone(runtime.settings.tz).year
    return lookup.parse_period(text, kinds, year)


def active_units(runtime: Runtime) -> list[UnitConfig]:
    """The configured units that report."""
    return [unit for unit in runtime.config.units.units if unit.active]


async def period_or_refuse(message: Message, runtime: Runtime, args: Sequence[str]) -> str | None:
    """The period the arguments name ("" for none given: the nearest); None after a refusal."""
    text = " ".join(args).strip()
    if not text:
        return ""
    code = read_period(runtime, text)
    if code is None:
        await unknown_period(message, text)
    return code


async def for_period(
    message: Message,
    runtime: Runtime,
    args: Sequence[str],
    fetch: Callable[[str | None], Awaitable[T]],
) -> T | None:
    """Fetch what the period in the arguments names (None: the nearest); refuse unknown ones."""
    code = await period_or_refuse(message, runtime, args)
    if code is None:
        return None
    try:
        return await fetch(code or None)
    except UnknownPeriodError:
        await unknown_period(message, code)
        return None


async def unit_or_refuse(message: Message, runtime: Runtime, query: str) -> UnitConfig | None:
    """The one unit a typed name or code means; otherwise say none or which ones match."""
    found = lookup.match_units(query, active_units(runtime))
    if len(found) == 1:
        return found[0]
    if not found:
        await message.reply_text(
            chat_coordinator.UNIT_NOT_FOUND.format(query=chat_common.html(query)),
            parse_mode=ParseMode.HTML,
        )
        return None
    lines = [
        chat_coordinator.UNIT_AMBIGUOUS.format(query=chat_common.html(query), count=len(found)),
        *(
            chat_coordinator.UNIT_CANDIDATE.format(name=chat_common.html(unit.name), code=unit.code)
            for unit in found[:MAX_CANDIDATES]
        ),
    ]
    if len(found) > MAX_CANDIDATES:
        lines.append(
            chat_coordinator.UNIT_MORE_CANDIDATES.format(count=len(found) - MAX_CANDIDATES)
        )
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)
    return None


async def unknown_period(message: Message, code: str) -> None:
    """Say a period is not one the bot knows, and how to write one."""
    await message.reply_text(
        chat_coordinator.UNKNOWN_PERIOD.format(code=chat_common.html(code)),
        parse_mode=ParseMode.HTML,
    )
