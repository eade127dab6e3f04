"""Units over time: which units a period asks, which changed in its window, who came before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

from cchc_bot.periods import ReportingPeriod


class Dated(Protocol):
    """A unit with a life span: a `UnitConfig` or a stored `Unit` row."""

    @property
    def code(self) -> str: ...

    @property
    def valid_from(self) -> dt.date | None: ...

    @property
    def valid_to(self) -> dt.date | None: ...


U = TypeVar("U", bound=Dated)


def valid_on(unit: Dated, day: dt.date) -> bool:
    """Whether a unit exists on a day (`valid_from` .. `valid_to`, both inclusive, open ends)."""
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or day <= unit.valid_to
    )


def asked_on(period: ReportingPeriod) -> dt.date:
    """The day that decides which units a period asks: its data window's last day."""
    return period.window_end


def units_asked(units: Iterable[U], period: ReportingPeriod) -> list[U]:
    """The units a period asks: those valid on its data window's last day, in the given order."""
    day = asked_on(period)
    return [unit for unit in units if valid_on(unit, day)]


def changed_in_window(units: Iterable[U], period: ReportingPeriod) -> list[U]:
    """Units that began after the window's first day or ended before its last (a straddle)."""
    start, end = period.window_start, period.window_end
    return [
        unit
        for unit in units
        if (unit.valid_from is not None and start < unit.valid_from <= end)
        or (unit.valid_to is not None and start <= unit.valid_to < end)
    ]


def predecessors(successors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Invert `successors` (code -> codes): for each unit, the units it took over from."""
    result: dict[str, list[str]] = {}
    for code, following in successors.items():
        for successor in following:
            result.setdefault(successor, []).append(code)
    return result
