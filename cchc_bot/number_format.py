"""Figures written the Vietnamese way ("1.234,5", "95,5 %") and exact percentages."""

from __future__ import annotations

import functools
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction


def format_number(value: Decimal | int | float, decimals: int = 0) -> str:
    """Write a figure the Vietnamese way ("1.234", "1.234,5"), rounded half up, zeros dropped."""
    rounded = _round(_to_decimal(value), decimals)
    return render_number(rounded, group_lone_thousands=decimals == 0)


def format_percent(value: Decimal | int | float, decimals: int = 2) -> str:
    """Write a percentage the Vietnamese way: "95,5 %", "100 %"."""
    return f"{format_number(value, decimals)} %"


def percent_of(
    numerator: Decimal | int, denominator: Decimal | int, decimals: int = 2
) -> Decimal | None:
    """Numerator as a percentage of denominator, rounded half up; None for a zero denominator."""
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    if denominator == 0:
        # Nothing arose in the period ("không phát sinh"): that is not 0 %.
        return None
    return _exact_percent(numerator, denominator, decimals)


@functools.lru_cache(maxsize=8192)
def _exact_percent(numerator: Decimal | int, denominator: Decimal | int, decimals: int) -> Decimal:
    # Cached: the conversation recomputes every ratio of a draft on each answer, with the
    # same few figures. Exact rational arithmetic: Decimal division would round once
    # before the final rounding.
    scaled = Fraction(numerator) * 100 * 10**decimals / Fraction(denominator)
    units = math.floor(abs(scaled) + Fraction(1, 2))
    sign = "-" if scaled < 0 and units else ""
    return Decimal(f"{sign}{units}E-{decimals}")


def _to_decimal(value: Decimal | int | float) -> Decimal:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {value!r}")
    return number


def _round(value: Decimal, decimals: int) -> Decimal:
    if decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    with localcontext() as context:
        # Room for every digit, so quantize rounds once and never overflows the context.
        context.prec = max(28, value.adjusted() + decimals + 2)
        rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else abs(rounded)


def render_number(value: Decimal, *, group_lone_thousands: bool) -> str:
    """Write a finite Decimal with "." thousands and "," decimals, dropping trailing zeros."""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    fraction = fraction.rstrip("0")
    # An integral 1.000-999.999 written for a kind with decimals would read two ways.
    if fraction or group_lone_thousands or len(whole) > 6:
        whole = _group(whole)
    sign = "-" if value < 0 and (fraction or whole.strip("0.")) else ""
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)
