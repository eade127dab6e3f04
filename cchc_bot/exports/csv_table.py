"""The per-unit table as UTF-8 CSV with a BOM."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import TextIO

from cchc_bot.aggregation import (
    ExportData,
)
from cchc_bot.exports.cells import Cell, Style
from cchc_bot.exports.sheets import (
    unit_columns,
    unit_header_texts,
    unit_rows,
)
from cchc_bot.exports.spreadsheet import neutralise_cell

CSV_BOM = "\ufeff"
_CSV_PERCENT_PLACES = Decimal("0.01")


def write_csv(data: ExportData, stream: TextIO) -> None:
    """Write the "Theo đơn vị" table as UTF-8 CSV with a BOM (open the file with newline="")."""
    stream.write(CSV_BOM)
    writer = csv.writer(stream)
    columns = unit_columns(data)
    writer.writerow(neutralise_cell(header) for header in unit_header_texts(columns))
    for row in unit_rows(data, columns):
        writer.writerow(_csv_text(cell, data) for cell in row)


def _csv_text(cell: Cell, data: ExportData) -> str:
    """A cell as CSV text: numbers plain with a decimal point, text neutralised."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value)
    if isinstance(value, dt.datetime):
        return f"{value.astimezone(data.tz):%Y-%m-%d %H:%M}"
    if cell.style is Style.PERCENT:
        return f"{Decimal(value).quantize(_CSV_PERCENT_PLACES):f}"
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


# --- XLSX: the six sheets through XlsxWriter ------------------------------------------------
#
# constant_memory: each row goes to a temporary file as soon as the next one starts, so rows
# are written in order and memory stays flat at province scale (5,000 units, ~850,000 cells);
# in_memory would switch that off. Text goes through write_string (text shaped like
