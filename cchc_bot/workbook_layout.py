"""How the export's sheets look on screen and on paper: column widths, row heights, page setup.

Widths are in Excel's unit (the width of a "0" in the workbook's Arial 10); heights in points.
Text is measured with a coarse per-character estimate rather than real font metrics: it only
has to keep labels readable, without scanning thousands of cells twice.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

LINE_HEIGHT = 12.75  # points per line of Arial 10 (Excel's default row height for it)
MAX_ROW_HEIGHT = 409.0  # Excel's limit
PADDING = 1.5  # room either side of the text in a cell
BOLD = 1.1  # bold header text is about a tenth wider
MIN_WIDTH = 6.0
A4 = 9  # XlsxWriter's paper code
# What fits across an A4 landscape page at 100 % between the margins below, and how small
# a sheet may shrink to fit one page wide before it is better printed on several pages.
PAGE_WIDTH = 145.0
MIN_FIT_SCALE = 0.6
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}  # inches

_NARROW = frozenset("iljtfr.,:;'|!() -/[]")
_WIDE = frozenset("mwMW@%")


def char_width(char: str) -> float:
    """A character's width in "0" widths (combining marks take none)."""
    if unicodedata.combining(char):
        return 0.0
    if char in _NARROW:
        return 0.55
    if char in _WIDE or char.isupper():
        return 1.2
    return 0.95


def text_width(text: str, *, bold: bool = False) -> float:
    """The width of the longest line of a text, in "0" widths."""
    lines = unicodedata.normalize("NFC", text).split("\n")
    widest = max(sum(char_width(char) for char in line) for line in lines)
    return widest * (BOLD if bold else 1.0)


def longest_word(text: str, *, bold: bool = False) -> float:
    """The width of the widest word: a wrapped cell narrower than it breaks the word."""
    words = text.split()
    return max((text_width(word, bold=bold) for word in words), default=0.0)


def fit_width(
    texts: Iterable[str], *, header: str = "", maximum: float, minimum: float = MIN_WIDTH
) -> float:
    """A column width that shows its longest text, at least its header's longest word, capped."""
    widest = max((text_width(text) for text in texts), default=0.0)
    floor = max(minimum, longest_word(header, bold=True) + PADDING)
    return round(min(max(widest + PADDING, floor), max(maximum, floor)), 1)


def line_count(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines a text takes when Excel wraps it in a column of this width."""
    room = max(width - PADDING, 1.0)
    scale = BOLD if bold else 1.0
    lines = 0
    for paragraph in unicodedata.normalize("NFC", text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            size = sum(char_width(char) for char in word) * scale
            gap = char_width(" ") * scale if used else 0.0
            if used + gap + size <= room:
                used += gap + size
                continue
            if used:
                lines += 1
            # A word wider than the column is broken across lines.
            extra = max(math.ceil(size / room) - 1, 0)
            lines += extra
            used = size - extra * room
    return lines


def row_height(wrapped: Iterable[tuple[str, float]], *, bold: bool = False) -> float | None:
    """The height a row needs for its wrapped cells (text, column width); None if one line."""
    lines = max((line_count(text, width, bold=bold) for text, width in wrapped), default=1)
    if lines <= 1:
        return None
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def fits_one_page_wide(widths: Sequence[float]) -> bool:
    """Whether the columns fit across one A4 landscape page without shrinking too far."""
    return sum(widths) <= PAGE_WIDTH / MIN_FIT_SCALE


@dataclasses.dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: rows and columns repeated on every page, page footer."""

    title_rows: tuple[int, int] | None  # first and last row (0-based) repeated on each page
    title_columns: tuple[int, int] | None  # likewise columns, when the sheet spans pages across
    footer: str


def apply_print_setup(sheet: Any, widths: Sequence[float], setup: PrintSetup) -> None:
    """A4 landscape; one page wide when that stays legible, else across pages with titles."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.set_margins(**MARGINS)
    sheet.hide_gridlines(0)  # 0: gridlines on screen and on paper
    sheet.set_footer(setup.footer)
    if setup.title_rows is not None:
        sheet.repeat_rows(*setup.title_rows)
    if fits_one_page_wide(widths):
        sheet.fit_to_pages(1, 0)
    elif setup.title_columns is not None:
        sheet.repeat_columns(*setup.title_columns)
