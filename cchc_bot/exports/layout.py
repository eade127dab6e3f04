"""How the export's sheets look on screen and on paper: column widths, row heights, page setup.

Widths are in Excel's unit (the width of a "0" in the workbook's Arial 10); heights in points.
Text is measured with a coarse per-character estimate rather than real font metrics: it only
has to keep labels readable, without scanning thousands of cells twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from cchc_bot.exports.cells import Cell, Row, Style

LINE_HEIGHT = 12.75  # points per line of Arial 10 (Excel's default row height for it)
MAX_ROW_HEIGHT = 409.0  # Excel's limit
PADDING = 1.5  # room either side of the text in a cell
BOLD = 1.1  # bold header text is about a tenth wider
MIN_WIDTH = 6.0
HEADER_WIDTH = 12.0  # a table column is at least this wide, or as wide as its header
A4 = 9  # XlsxWriter's paper code
# What fits across an A4 landscape page at 100 % between the margins below, and how small
# a sheet may shrink to fit one page wide before it is better printed on several pages.
PAGE_WIDTH = 145.0
MIN_FIT_SCALE = 0.6
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}  # inches

# Widest a column grows to fit its text (wider text wraps or overflows), sheet by sheet.
# (The Tổng hợp sheet's caps depend on its groups: see workbook_summary.)
# The lists below print one page wide: their caps keep that page legible.
STATUS_CAPS = (8, 24, 36, 26, 14, 18, 18, 26, 9, 40, 16)
EXPLANATION_CAPS = (20, 28, 28, 12, 40, 28, 20, 16, 60)
REMINDER_CAPS = (24, 36, 28, 28, 18, 22, 18, 40)
UNIT_NAME_CAP = 40
FIGURE_WIDTH = 14.0
TEXT_FIGURE_WIDTH = 24.0

# Cells that wrap, and cells that overflow into their empty neighbours by design.
_WRAPPING = frozenset({Style.WRAP, Style.HEADER})
_UNMEASURED = frozenset({Style.TITLE, Style.SECTION})
_DATETIME_SHOWN = "00/00/0000 00:00"
_NARROW = "iljtfr.,:;'|!() -/[]"
_WIDE = "mwMW@%"


_NARROWEST_CHAR = 0.55
_WIDEST_CHAR = 1.2


def _deleting(chars: Iterable[str]) -> dict[int, None]:
    return dict.fromkeys(map(ord, chars))


# str.translate deletes a class of characters at C speed; the length lost counts them.
_DROP_NARROW = _deleting(_NARROW)
_DROP_WIDE = _deleting(
    {*_WIDE, *(c for c in map(chr, [*range(0x250), *range(0x1E00, 0x1F00)]) if c.isupper())}
)
_DROP_MARKS = _deleting(map(chr, range(0x300, 0x370)))  # combining marks take no room


# Labels, names and section titles repeat on thousands of rows: measure each once.
@functools.lru_cache(maxsize=16_384)
def _line_width(line: str) -> float:
    length = len(line)
    narrow = length - len(line.translate(_DROP_NARROW))
    wide = length - len(line.translate(_DROP_WIDE))
    marks = length - len(line.translate(_DROP_MARKS))
    average = 0.95
    return (
        average * (length - marks)
        - (average - _NARROWEST_CHAR) * narrow
        + (_WIDEST_CHAR - average) * wide
    )


def text_width(text: str, *, bold: bool = False) -> float:
    """The width of the longest line of a text, in "0" widths."""
    if "\n" in text:
        widest = max(_line_width(line) for line in text.split("\n"))
    else:
        widest = _line_width(text)
    return widest * (BOLD if bold else 1.0)


def longest_word(text: str, *, bold: bool = False) -> float:
    """The width of the widest word: a wrapped cell narrower than it breaks the word."""
    words = text.split()
    return max((text_width(word, bold=bold) for word in words), default=0.0)


def fit_width(
    texts: Iterable[str], *, header: str = "", maximum: float, minimum: float = MIN_WIDTH
) -> float:
    """A column width that shows its longest text, at least its header's longest word, capped."""
    widest = 0.0
    for text in texts:
        # No character (combining marks aside) is narrower than 0,55 or wider than 1,2 of a "0":
        # most texts are settled by their length alone, without being measured.
        if len(text) * _WIDEST_CHAR <= widest:
            continue
        if len(text) * _NARROWEST_CHAR + PADDING >= maximum and "\n" not in text:
            widest = maximum
            break
        widest = max(widest, text_width(text))
        if widest + PADDING >= maximum:
            break  # capped: the rest need not be measured
    floor = max(minimum, longest_word(header, bold=True) + PADDING)
    return round(min(max(widest + PADDING, floor), max(maximum, floor)), 1)


@functools.lru_cache(maxsize=16_384)
def line_count(text: str, width: float, *, bold: bool = False) -> int:
    """About how many lines a text takes when Excel wraps it in a column of this width."""
    room = max(width - PADDING, 1.0)
    scale = BOLD if bold else 1.0
    lines = 0
    for paragraph in text.split("\n"):
        if len(paragraph) * _WIDEST_CHAR * scale <= room:
            lines += 1  # fits however wide its characters are
            continue
        size = _line_width(paragraph) * scale
        if size <= room:
            lines += 1
            continue
        # Wrapping at spaces leaves about half a word free at the end of each line.
        words = paragraph.count(" ") + 1
        waste = min(size / words, room) / 2
        lines += math.ceil(size / (room - waste))
    return lines


def row_height(wrapped: Iterable[tuple[str, float]], *, bold: bool = False) -> float | None:
    """The height a row needs for its wrapped cells (text, column width); None if one line."""
    lines = max((line_count(text, width, bold=bold) for text, width in wrapped), default=1)
    if lines <= 1:
        return None
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def shown(cell: Cell) -> str | None:
    """A cell's text roughly as a spreadsheet shows it, for measuring."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return _DATETIME_SHOWN
    if cell.style is Style.PERCENT:
        return f"{Decimal(value):.2f}%"
    if cell.style is Style.DECIMAL:
        return f"{Decimal(value):,.2f}"
    return f"{Decimal(value):,.0f}"


def fitted_widths(
    headers: Sequence[str], body: Sequence[Row], caps: Sequence[float]
) -> list[float]:
    """Each column as wide as its longest text, within its cap."""
    widths = []
    for number, (header, cap) in enumerate(zip(headers, caps, strict=True)):
        texts = (
            text
            for row in body
            if number < len(row)
            and row[number].style not in _UNMEASURED
            and (text := shown(row[number])) is not None
        )
        # Wide enough for a short header on one line, a long one on two or three.
        floor = min(text_width(header, bold=True) + PADDING, HEADER_WIDTH, cap)
        widths.append(fit_width(texts, header=header, maximum=cap, minimum=floor))
    return widths


def row_heights(rows: Iterable[Row], widths: Sequence[float], start: int = 0) -> dict[int, float]:
    """The height of every row whose wrapped cells need more than one line, by row number."""
    heights: dict[int, float] = {}
    for number, cells in enumerate(rows, start=start):
        wrapped = [
            (text, widths[column])
            for column, cell in enumerate(cells)
            if cell.style in _WRAPPING and column < len(widths) and (text := shown(cell))
        ]
        bold = any(cell.style is Style.HEADER for cell in cells)
        height = row_height(wrapped, bold=bold)
        if height is not None:
            heights[number] = height
    return heights


def fits_one_page_wide(widths: Sequence[float]) -> bool:
    """Whether the columns fit across one A4 landscape page without shrinking too far."""
    return sum(widths) <= PAGE_WIDTH / MIN_FIT_SCALE


@dataclasses.dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: rows and columns repeated on every page, page footer."""

    title_rows: tuple[int, int] | None  # first and last row (0-based) repeated on each page
    # Likewise columns, for a sheet that may run across pages; None: always one page wide.
    title_columns: tuple[int, int] | None
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
    if setup.title_columns is None or fits_one_page_wide(widths):
        sheet.fit_to_pages(1, 0)
    else:
        sheet.repeat_columns(*setup.title_columns)
