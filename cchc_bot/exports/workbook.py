"""The six-sheet XLSX workbook of a period, written through XlsxWriter."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

from cchc_bot.aggregation import (
    ExportData,
)
from cchc_bot.exports.cells import Cell, Row, Style
from cchc_bot.exports.layout import (
    EXPLANATION_CAPS,
    FIGURE_WIDTH,
    REMINDER_CAPS,
    STATUS_CAPS,
    TEXT_FIGURE_WIDTH,
    UNIT_NAME_CAP,
    PrintSetup,
    apply_print_setup,
    fit_width,
    fitted_widths,
    row_heights,
)
from cchc_bot.exports.node_sheet import node_caps, node_headers, node_rows
from cchc_bot.exports.sheets import (
    SHEET_NAMES,
    STATUS_HEADERS,
    explanation_rows,
    kind_label,
    reminder_rows,
    status_rows,
    unit_columns,
    unit_header,
    unit_rows,
)
from cchc_bot.exports.summary import summary_sheet
from cchc_bot.exports.targets import MISSED_CAPS, missed_target_rows
from cchc_bot.exports.task_sheet import TASK_CAPS, rate_rows, task_rows
from cchc_bot.texts import org
from cchc_bot.texts import tasks as task_words
from cchc_bot.texts.workbook import (
    EXPLANATION_HEADERS,
    MISSED_HEADERS,
    REMINDER_HEADERS,
    STATE_LABELS,
    TITLE,
    UNIT_HEADERS,
)

PAGE_FOOTER = "&C&9Trang &P/&N"  # XlsxWriter's codes: centred, 9 pt, page number / pages


# --- Layout ---------------------------------------------------------------------------------

FORMAT_COUNT = "#,##0"
FORMAT_DECIMAL = "#,##0.00"
FORMAT_PERCENT = "0.00%"
FORMAT_DATETIME = "dd/mm/yyyy hh:mm"


def write_xlsx(
    data: ExportData,
    path_or_stream: str | os.PathLike[str] | IO[bytes],
    totals: object = None,
) -> None:
    """Write the six-sheet workbook; figures are numbers, every text cell is a string.

    `totals` is accepted for older callers and ignored: "Tổng hợp" totals by group itself.
    """
    target = (
        os.fspath(path_or_stream) if isinstance(path_or_stream, os.PathLike) else path_or_stream
    )
    with xlsxwriter.Workbook(target, _workbook_options()) as book:
        _Workbook(book, data).write()


# text can become a formula, a number or a link.

_MAX_ROWS = 1_048_576
_MAX_COLUMNS = 16_384
_MAX_TEXT = 32_767  # Excel's limit on the UTF-16 units of one cell
_CREATOR = "CCHC Bot"
_FONT = {"font_name": "Arial", "font_size": 10}
_STYLE_PROPERTIES: dict[Style, dict[str, object]] = {
    Style.TEXT: {},
    Style.WRAP: {"text_wrap": True},
    Style.COUNT: {"num_format": FORMAT_COUNT},
    Style.DECIMAL: {"num_format": FORMAT_DECIMAL},
    Style.PERCENT: {"num_format": FORMAT_PERCENT},
    Style.DATETIME: {"num_format": FORMAT_DATETIME},
    Style.NOT_ASKED: {"pattern": 1, "bg_color": "#EEEEEE"},
    Style.HEADER: {
        "bold": True,
        "pattern": 1,
        "bg_color": "#DDEBF7",
        "border": 1,
        "text_wrap": True,
    },
    Style.SECTION: {"bold": True, "pattern": 1, "bg_color": "#FFF2CC"},
    Style.TITLE: {"bold": True, "font_size": 13},
    Style.LABEL: {"bold": True},
}
# Blank cells are written only where their style shows (a fill or a border).
_SHOWN_BLANKS = frozenset({Style.NOT_ASKED, Style.HEADER, Style.SECTION})
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Control characters XlsxWriter would escape twice inside a rich string (see _write_markup).
_RICH_UNSAFE = re.compile(r"\r\n?|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile(r"(?<=_)(?=x[0-9A-Fa-f]{4}_)")


def _workbook_options() -> dict[str, object]:
    """A fresh options dict each time: XlsxWriter keeps and changes the one it is given."""
    return {
        "constant_memory": True,
        "in_memory": False,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "default_format_properties": dict(_FONT),
    }


@dataclasses.dataclass(frozen=True)
class _Layout:
    """How one sheet looks: column widths, frozen rows and columns, row heights, autofilter."""

    widths: Sequence[float]
    print_setup: PrintSetup
    frozen_rows: int = 0
    frozen_columns: int = 0
    heights: Mapping[int, float] = dataclasses.field(default_factory=dict)
    filter_row: int | None = None  # the header row (0-based) of an autofilter over the table


class _Workbook:
    """Writes the six sheets of one workbook, in order, with one Format per Style."""

    def __init__(self, book: Any, data: ExportData) -> None:
        self._book = book
        self._data = data
        self._formats = {
            style: book.add_format({**properties, "valign": "top"})
            for style, properties in _STYLE_PROPERTIES.items()
        }
        self._sheets = [book.add_worksheet(name) for name in SHEET_NAMES]
        if data.nodes:  # a scoped export: subtotals per child node, on a seventh sheet
            self._sheets.append(book.add_worksheet(org.NODE_SHEET))
        self._task_sheet: int | None = None
        if data.tasks is not None:  # tasks.yaml: the annex's tasks on a sheet of their own
            self._sheets.append(book.add_worksheet(task_words.SHEET_TITLE))
            self._task_sheet = len(self._sheets) - 1

    def write(self) -> None:
        """Write the document properties and every sheet."""
        data = self._data
        self._book.set_properties(
            {
                "title": f"{TITLE} — {data.organisation.name} — {data.period.label}",
                "author": _CREATOR,
                "created": data.generated_at.astimezone(dt.UTC),
            }
        )
        self._summary_sheet()
        self._units_sheet()
        status = list(status_rows(data))
        self._table_sheet(2, STATUS_HEADERS, status, STATUS_CAPS)
        explanations = list(explanation_rows(data))
        self._table_sheet(3, EXPLANATION_HEADERS, explanations, EXPLANATION_CAPS)
        missed = list(missed_target_rows(data))
        self._table_sheet(4, MISSED_HEADERS, missed, MISSED_CAPS)
        reminders = list(reminder_rows(data))
        self._table_sheet(5, REMINDER_HEADERS, reminders, REMINDER_CAPS)
        if data.nodes:
            self._node_sheet(len(SHEET_NAMES))
        if data.tasks is not None and self._task_sheet is not None:
            rows = task_rows(data.tasks)
            self._table_sheet(self._task_sheet, task_words.SHEET_HEADERS, rows, TASK_CAPS)

    def _node_sheet(self, index: int) -> None:
        """Subtotals per child node of the scope: title, blank, header, one row per figure."""
        headers = node_headers(self._data)
        header = [Cell(text, Style.HEADER) for text in headers]
        title, *body = node_rows(self._data)
        widths = fitted_widths(headers, body, node_caps(self._data))
        rows = [title, [], header, *body]
        layout = _Layout(
            widths=widths,
            print_setup=PrintSetup((2, 2), (0, 0), PAGE_FOOTER),
            frozen_rows=3,
            frozen_columns=1,
            heights=row_heights(rows, widths),
        )
        self._sheet(index, layout, rows, (len(rows), len(headers)))

    def _summary_sheet(self) -> None:
        summary = summary_sheet(self._data)
        header_row = summary.header_row
        rows = list(summary.rows)
        if self._data.tasks is not None:  # the per-agency task rates below the table
            rows.extend([[], *rate_rows(self._data.tasks)])
        layout = _Layout(
            widths=summary.widths,
            print_setup=PrintSetup((header_row, header_row), (0, 1), PAGE_FOOTER),
            frozen_rows=header_row + 1,
            frozen_columns=2,
            heights=row_heights(rows, summary.widths),
        )
        width = max(summary.width, *(len(row) for row in rows))
        self._sheet(0, layout, rows, (len(rows), width))

    def _units_sheet(self) -> None:
        data = self._data
        columns = unit_columns(data)
        width = len(UNIT_HEADERS) + len(columns)
        units = data.units
        name, code, kind, state = UNIT_HEADERS
        widths = [
            fit_width((u.name for u in units), header=name, maximum=UNIT_NAME_CAP, minimum=20),
            fit_width((u.code for u in units), header=code, maximum=30),
            fit_width((kind_label(u.kind) for u in units), header=kind, maximum=28),
            fit_width(
                (STATE_LABELS.get(u.state, u.state) for u in units), header=state, maximum=16
            ),
            *(
                TEXT_FIGURE_WIDTH if column.style is Style.TEXT else FIGURE_WIDTH
                for column in columns
            ),
        ]
        header = unit_header(columns)
        # Only the name wraps in a unit's row: measuring it keeps the hot loop untouched.
        heights = row_heights([header], widths)
        heights.update(row_heights(([Cell(u.name, Style.WRAP)] for u in units), widths, 1))
        layout = _Layout(
            widths=widths,
            print_setup=PrintSetup((0, 0), (0, 0), PAGE_FOOTER),
            frozen_rows=1,
            frozen_columns=1,
            heights=heights,
            filter_row=0,
        )
        rows = itertools.chain([header], unit_rows(data, columns))
        self._sheet(1, layout, rows, (1 + len(data.units), width))

    def _table_sheet(
        self,
        index: int,
        headers: Sequence[str],
        body: Sequence[Row],
        caps: Sequence[float],
    ) -> None:
        """A list read line by line: one page wide, its header on every page."""
        header = [Cell(text, Style.HEADER) for text in headers]
        widths = fitted_widths(headers, body, caps)
        layout = _Layout(
            widths=widths,
            print_setup=PrintSetup((0, 0), None, PAGE_FOOTER),
            frozen_rows=1,
            heights=row_heights(itertools.chain([header], body), widths),
            filter_row=0,
        )
        width = max([len(headers), *(len(row) for row in body)])
        self._sheet(index, layout, itertools.chain([header], body), (1 + len(body), width))

    def _sheet(
        self, index: int, layout: _Layout, rows: Iterable[Row], size: tuple[int, int]
    ) -> None:
        """Write one worksheet; `size` (rows, columns) bounds what `rows` holds."""
        row_count, column_count = size
        if row_count > _MAX_ROWS or column_count > _MAX_COLUMNS:
            raise ValueError(f"sheet {self._sheets[index].name!r} is too large for Excel: {size}")
        sheet = self._sheets[index]
        for number, width in enumerate(layout.widths):
            sheet.set_column(number, number, width)
        if layout.frozen_rows or layout.frozen_columns:
            sheet.freeze_panes(layout.frozen_rows, layout.frozen_columns)
        # Phòng Nội vụ prints these: landscape A4, header rows (and names) on every page.
        apply_print_setup(sheet, layout.widths, layout.print_setup)
        written = self._rows(sheet, rows, column_count, layout.heights)
        if written > row_count:
            raise ValueError(f"sheet {sheet.name!r} has more rows than {row_count}")
        if layout.filter_row is not None:
            last_row = max(written, layout.filter_row + 1) - 1
            sheet.autofilter(layout.filter_row, 0, last_row, column_count - 1)

    def _rows(
        self, sheet: Any, rows: Iterable[Row], column_count: int, heights: Mapping[int, float]
    ) -> int:
        """Write the rows in order (constant_memory needs it); the hot loop of the export."""
        formats = self._formats
        tz = self._data.tz
        write_string = sheet.write_string
        write_number = sheet.write_number
        write_datetime = sheet.write_datetime
        write_blank = sheet.write_blank
        shown_blanks = _SHOWN_BLANKS
        percent = Style.PERCENT
        surrogate = _SURROGATE.search
        written = 0
        for number, cells in enumerate(rows):
            if len(cells) > column_count:
                raise ValueError(f"row {number + 1} is wider than {column_count} columns")
            height = heights.get(number)
            if height:
                sheet.set_row(number, height)
            for column, (value, style) in enumerate(cells):
                if value is None:
                    if style in shown_blanks:
                        write_blank(number, column, None, formats[style])
                    continue
                if isinstance(value, str):
                    if surrogate(value) is not None or (
                        value.startswith("<r>") and value.endswith("</r>")
                    ):
                        _write_odd_text(sheet, number, column, value, formats[style])
                    else:
                        write_string(number, column, value, formats[style])
                elif isinstance(value, dt.datetime):
                    local = value.astimezone(tz).replace(tzinfo=None)
                    write_datetime(number, column, local, formats[style])
                elif style is percent:
                    write_number(number, column, _finite(Decimal(value) / 100), formats[style])
                elif isinstance(value, int):
                    write_number(number, column, value, formats[style])
                else:
                    write_number(number, column, _finite(value), formats[style])
            written = number + 1
        return written


def _finite(value: Decimal) -> float:
    """A figure as the double a spreadsheet stores; NaN and infinities have no place in one."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot store {value!r} in a spreadsheet")
    return number


def _write_odd_text(sheet: Any, row: int, column: int, text: str, cell_format: Any) -> None:
    """Text with lone surrogates (not encodable) or that looks like XlsxWriter's own markup."""
    text = _SURROGATE.sub("\ufffd", text)
    if text.startswith("<r>") and text.endswith("</r>"):
        _write_markup(sheet, row, column, text, cell_format)
    else:
        sheet.write_string(row, column, text, cell_format)


def _write_markup(sheet: Any, row: int, column: int, text: str, cell_format: Any) -> None:
    """Text starting "<r>" and ending "</r>", written as an escaped rich string of plain runs.

    In constant_memory mode XlsxWriter copies such a string into the sheet XML unescaped (it
    takes it for a rich string it built itself), so user text could inject cells or formulas.
    Split into runs in the cell's font, it is escaped like any other text. XlsxWriter escapes
    the runs of a rich string twice there, so control characters become U+FFFD (a CR a line
    feed) and a literal _xHHHH_ is split between runs to stay literal.
    """
    text = _RICH_UNSAFE.sub(lambda match: "\n" if match[0][0] == "\r" else "\ufffd", text)
    if len(text) > _MAX_TEXT // 2:
        text = text.encode("utf-16-le")[: 2 * _MAX_TEXT].decode("utf-16-le", "ignore")
    parts: list[Any] = []
    for run in ["<", *_LITERAL_ESCAPE.split(text[1:])]:
        parts += [cell_format, run]
    sheet.write_rich_string(row, column, *parts, cell_format)
