"""The import workbook: an empty "Theo đơn vị" table to fill (template), and reading it back."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from cchc_bot.aggregation import ExportData
from cchc_bot.exports.sheets import Column, unit_columns
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.imports.checking import Cell, UnitRow
from cchc_bot.texts import figures as words
from cchc_bot.texts.workbook import SHEET_UNITS, UNIT_HEADERS

_CODE_HEADER = UNIT_HEADERS[1]  # "Mã đơn vị"


class ImportSheetError(ValueError):
    """The file is not a workbook laid out like the export's unit table (one line why)."""


def write_template(data: ExportData, path: Path) -> None:
    """The period's workbook with every unit's figures blank: fill "Theo đơn vị", import it."""
    blank = [
        dataclasses.replace(unit, state="not_started", figures={}, questionnaire_version=None)
        for unit in data.units
    ]
    write_xlsx(dataclasses.replace(data, units=blank, previous=None, comparisons=None), path)


def read_unit_rows(path: Path, data: ExportData) -> list[UnitRow]:
    """Every filled-in unit row of the file's "Theo đơn vị" sheet, cells keyed by indicator."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportSheetError(f"{path.name}: not an .xlsx workbook ({exc})") from exc
    try:
        if SHEET_UNITS not in book.sheetnames:
            raise ImportSheetError(words.IMPORT_NO_SHEET.format(sheet=SHEET_UNITS))
        return list(_rows(book[SHEET_UNITS].iter_rows(values_only=True), unit_columns(data)))
    finally:
        book.close()


def _rows(lines: Iterator[Sequence[object]], columns: Sequence[Column]) -> Iterator[UnitRow]:
    header = next(lines, None)
    titles = [str(title).strip() if title is not None else "" for title in header or ()]
    if _CODE_HEADER not in titles:
        raise ImportSheetError(words.IMPORT_NO_UNIT_COLUMN.format(header=_CODE_HEADER))
    code_at = titles.index(_CODE_HEADER)
    by_header = {column.header: column for column in columns}
    places = [(index, by_header[title]) for index, title in enumerate(titles) if title in by_header]
    for number, line in enumerate(lines, start=2):
        code = line[code_at] if code_at < len(line) else None
        if code is None or not str(code).strip():
            continue
        cells = {
            (column.indicator.id, column.part): Cell(
                get_column_letter(index + 1), line[index] if index < len(line) else None
            )
            for index, column in places
        }
        yield UnitRow(SHEET_UNITS, number, str(code).strip(), cells)
