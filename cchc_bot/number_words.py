"""Spell numbers in Vietnamese words, as a person reads them aloud: 1234 -> "một nghìn..."."""

from __future__ import annotations

from decimal import Decimal
from typing import Final


def number_in_words(value: Decimal | int) -> str:
    """Spell a number in Vietnamese: 1234 -> "một nghìn hai trăm ba mươi tư"."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot spell {value!r}")
    whole, _, fraction = f"{abs(number):f}".partition(".")
    words = _integer_words(int(whole))
    fraction = fraction.rstrip("0")
    if fraction:
        words += " phẩy " + " ".join(_DIGIT_WORDS[int(digit)] for digit in fraction)
    return f"âm {words}" if number < 0 and (int(whole) or fraction) else words


_DIGIT_WORDS: Final = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION: Final = 10**9


def _integer_words(number: int) -> str:
    if number >= _BILLION:
        high, low = divmod(number, _BILLION)
        words = f"{_integer_words(high)} tỷ"
        return f"{words} {_below_billion(low, leading=False)}" if low else words
    return _below_billion(number, leading=True) if number else _DIGIT_WORDS[0]


def _below_billion(number: int, *, leading: bool) -> str:
    """Words for 0 < number < 10^9; `leading` when nothing larger is said before it."""
    parts: list[str] = []
    for group, scale in ((number // 10**6, "triệu"), (number // 1000 % 1000, "nghìn")):
        if group:
            parts.append(f"{_group_words(group, full=bool(parts) or not leading)} {scale}")
    if number % 1000:
        parts.append(_group_words(number % 1000, full=bool(parts) or not leading))
    return " ".join(parts)


def _group_words(group: int, *, full: bool) -> str:
    """Words for 0 < group < 1000; `full` says "không trăm" as inside a larger number."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", _DIGIT_WORDS[units]] if words else [_DIGIT_WORDS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGIT_WORDS[units])
    else:
        words += [_DIGIT_WORDS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGIT_WORDS[units]))
    return " ".join(words)
