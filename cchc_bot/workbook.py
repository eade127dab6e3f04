"""The period export: an XLSX workbook of six sheets and a CSV of the per-unit table."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any, NamedTuple, TextIO

import xlsxwriter

from cchc_bot.aggregation import (
    BOOLEAN_ANSWERS,
    ExportData,
    Figure,
    UnitReport,
    figure_is_answered,
    figure_not_applicable,
)
from cchc_bot.calendar import ReportingPeriod
from cchc_bot.config.base import UNIT_KIND_LABELS
from cchc_bot.config.questionnaire import Indicator, IndicatorType
from cchc_bot.spreadsheet import neutralise_cell
from cchc_bot.targets import target_figure, target_for
from cchc_bot.workbook_cells import Cell, Row, Style
from cchc_bot.workbook_layout import (
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
from cchc_bot.workbook_summary import (  # re-exported: callers import them from here
    NO_DATA,
    NOT_ARISEN,
    TITLE,
    asked_in_period,
    summary_sheet,
)
from cchc_bot.workbook_targets import (
    MISSED_CAPS,
    MISSED_HEADERS,
    describe_figure,
    missed_target_rows,
)

__all__ = [
    "NOT_ARISEN",
    "NO_DATA",
    "asked_in_period",
    "describe_figure",
    "missed_target_rows",
]

# --- Wording (moves to handlers/texts.py with the rest of the user-facing text) -------------

SHEET_SUMMARY = "Tổng hợp"
SHEET_UNITS = "Theo đơn vị"
SHEET_STATUS = "Tình trạng nộp"
SHEET_EXPLANATIONS = "Giải trình"
SHEET_MISSED = "Chưa đạt chỉ tiêu"
SHEET_REMINDERS = "Nhắc nhở"
SHEET_NAMES = (
    SHEET_SUMMARY,
    SHEET_UNITS,
    SHEET_STATUS,
    SHEET_EXPLANATIONS,
    SHEET_MISSED,
    SHEET_REMINDERS,
)

UNIT_HEADERS = ("Tên đơn vị", "Mã đơn vị", "Loại đơn vị", "Tình trạng")
STATUS_HEADERS = (
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Tình trạng",
    "Thời điểm nộp",
    "Đúng hạn / muộn",
    "Người nộp",
    "Lần nộp",
    "Lý do trả lại",
)
EXPLANATION_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mục",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Loại",
    "Số liệu của đơn vị",
    "Chỉ tiêu giao",
    "Nội dung",
)
REMINDER_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Người nhận",
    "Loại nhắc nhở",
    "Thời điểm dự kiến",
    "Kết quả",
    "Thời điểm gửi",
    "Lỗi",
)
STATE_LABELS = {
    "not_started": "Chưa bắt đầu",
    "draft": "Đang nhập",
    "submitted": "Đã nộp",
    "returned": "Bị trả lại",
}
TIMELINESS = {"on_time": "Đúng hạn", "late": "Muộn", "overdue": "Quá hạn, chưa nộp"}
EXPLANATION_KIND = "Giải trình chỉ tiêu chưa đạt"
WARNING_EXPLANATION_KIND = "Giải trình số liệu (cảnh báo đã xác nhận)"
TEXT_ANSWER_KIND = "Ý kiến của đơn vị"
NUMERATOR_HEADER = "{id} · Tử số: {label}"
DENOMINATOR_HEADER = "{id} · Mẫu số: {label}"
DENOMINATOR_FROM = "= {source}"
RATIO_PERCENT_HEADER = "{id} · {label} (%)"
REMINDER_STATUS_LABELS = {
    "sent": "Đã gửi",
    "failed": "Gửi không được",
    "unreachable": "Không liên lạc được",
}
REMINDER_KIND_LABELS = {
    "opened": "Mở kỳ báo cáo",
    "before_5": "Trước hạn 5 ngày làm việc",
    "before_2": "Trước hạn 2 ngày làm việc",
    "before_1": "Trước hạn 1 ngày làm việc",
    "due_today": "Đến hạn hôm nay",
    "overdue_1": "Quá hạn 1 ngày làm việc",
    "overdue_3": "Quá hạn 3 ngày làm việc",
}
REMINDER_KIND_PREFIXES = {"digest-": "Tổng hợp gửi Phòng Nội vụ", "manual-": "Nhắc thủ công"}
PAGE_FOOTER = "&C&9Trang &P/&N"  # XlsxWriter's codes: centred, 9 pt, page number / pages

# --- Layout ---------------------------------------------------------------------------------

FILE_PREFIX = "CCHC"
XLSX_EXTENSION = ".xlsx"
CSV_EXTENSION = ".csv"
CSV_BOM = "\ufeff"
FORMAT_COUNT = "#,##0"
FORMAT_DECIMAL = "#,##0.00"
FORMAT_PERCENT = "0.00%"
FORMAT_DATETIME = "dd/mm/yyyy hh:mm"
SHORT_LABEL = 60
_DISTRICT_PREFIXES = ("huyện", "thị xã", "thành phố", "quận", "tp.")
_NOT_FILE_SAFE = re.compile(r"[^A-Za-z0-9]+")
_CSV_PERCENT_PLACES = Decimal("0.01")


class Column(NamedTuple):
    """One column of the per-unit table: which indicator, which part of it, and its header."""

    indicator: Indicator
    part: str
    header: str
    style: Style


def export_filename(
    period: ReportingPeriod,
    generated_at: dt.datetime,
    *,
    district: str = "Huyện Trần Đề",
    extension: str = XLSX_EXTENSION,
) -> str:
    """The export's file name: `CCHC_2024-Q1_TranDe_20240312.xlsx` (day in the period's zone)."""
    local = generated_at.astimezone(period.deadline.tzinfo)
    return f"{FILE_PREFIX}_{period.code}_{district_slug(district)}_{local:%Y%m%d}{extension}"


def district_slug(district: str) -> str:
    """The district's name for file names: "Huyện Trần Đề" -> "TranDe"."""
    name = district.strip()
    for prefix in _DISTRICT_PREFIXES:
        if name.casefold().startswith(prefix + " "):
            name = name[len(prefix) + 1 :]
            break
    ascii_name = "".join(
        char
        for char in unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(char)
    )
    words = [word for word in _NOT_FILE_SAFE.split(ascii_name) if word]
    return "".join(word[0].upper() + word[1:] for word in words) or "District"


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


def write_csv(data: ExportData, stream: TextIO) -> None:
    """Write the "Theo đơn vị" table as UTF-8 CSV with a BOM (open the file with newline="")."""
    stream.write(CSV_BOM)
    writer = csv.writer(stream)
    columns = unit_columns(data)
    writer.writerow(neutralise_cell(header) for header in _unit_header_texts(columns))
    for row in unit_rows(data, columns):
        writer.writerow(_csv_text(cell, data) for cell in row)


# --- Tables: one renderer each, shared by XLSX and CSV ---------------------------------------


def unit_columns(data: ExportData) -> list[Column]:
    """The indicator columns of the per-unit table (a ratio takes three)."""
    columns: list[Column] = []
    for _, indicator in data.questionnaire.indicators():
        if not asked_in_period(indicator, data.period.kind):
            continue
        label = short_label(indicator.label)
        ident = indicator.id
        match indicator.type:
            case IndicatorType.RATIO:
                columns += _ratio_columns(indicator, label)
            case IndicatorType.INTEGER:
                columns.append(Column(indicator, "value", _header(indicator, label), Style.COUNT))
            case IndicatorType.DECIMAL:
                columns.append(Column(indicator, "value", _header(indicator, label), Style.DECIMAL))
            case IndicatorType.PERCENT:
                header = RATIO_PERCENT_HEADER.format(id=ident, label=label)
                columns.append(Column(indicator, "value", header, Style.PERCENT))
            case _:
                columns.append(Column(indicator, "text", f"{ident} · {label}", Style.TEXT))
    return columns


def unit_header(columns: Sequence[Column]) -> list[Cell]:
    """The header row of the per-unit table."""
    return [Cell(text, Style.HEADER) for text in _unit_header_texts(columns)]


def _unit_header_texts(columns: Sequence[Column]) -> list[str]:
    return [*UNIT_HEADERS, *(column.header for column in columns)]


def unit_rows(data: ExportData, columns: Sequence[Column]) -> Iterator[list[Cell]]:
    """One row per active unit; a report not counted in the totals shows blank figures."""
    blank = Cell(None)
    not_asked = Cell(None, Style.NOT_ASKED)
    for unit in data.units:
        row = [
            Cell(unit.name, Style.WRAP),
            Cell(unit.code),
            Cell(kind_label(unit.kind)),
            Cell(STATE_LABELS.get(unit.state, unit.state)),
        ]
        if not unit.counted:
            row += [blank] * len(columns)
        else:
            for column in columns:
                if column.indicator.id not in unit.applicable:
                    row.append(not_asked)
                else:
                    row.append(_figure_cell(column, unit.figures.get(column.indicator.id)))
        yield row


def status_rows(data: ExportData) -> Iterator[list[Cell]]:
    """One row per active unit: state, when and by whom it was submitted, and on time or not."""
    for number, unit in enumerate(data.units, start=1):
        yield [
            Cell(number, Style.COUNT),
            Cell(unit.code),
            Cell(unit.name, Style.WRAP),
            Cell(kind_label(unit.kind)),
            Cell(STATE_LABELS.get(unit.state, unit.state)),
            Cell(unit.submitted_at, Style.DATETIME),
            Cell(_timeliness(unit)),
            Cell(unit.submitted_by),
            Cell(unit.version or None, Style.COUNT),
            Cell(unit.returned_reason, Style.WRAP),
        ]


def explanation_rows(data: ExportData) -> Iterator[list[Cell]]:
    """Explanations of missed targets and text answers of the counted reports, unit by unit."""
    indicators = data.questionnaire.indicators()
    for unit in data.units:
        if not unit.counted:
            continue
        for section, indicator in indicators:
            figure = unit.figures.get(indicator.id)
            if figure is None or indicator.id not in unit.applicable:
                continue
            explained = bool(figure.explanation and figure.explanation.strip())
            answered = indicator.type is IndicatorType.TEXT and figure_is_answered(
                indicator.type, figure
            )
            if not (explained or answered):
                continue
            head = [
                Cell(unit.code),
                Cell(unit.name, Style.WRAP),
                Cell(section.title, Style.WRAP),
                Cell(indicator.id),
                Cell(indicator.label, Style.WRAP),
            ]
            if explained:
                target = target_for(indicator, data.period.kind, unit.group_code, unit.kind)
                shown = target_figure(figure)
                missed = (
                    target is not None and shown is not None and not target.is_met(float(shown))
                )
                yield [
                    *head,
                    Cell(EXPLANATION_KIND if missed else WARNING_EXPLANATION_KIND),
                    Cell(describe_figure(indicator, figure)),
                    Cell(indicator.describe_target(target) if target is not None else None),
                    Cell(figure.explanation, Style.WRAP),
                ]
            if answered:
                yield [
                    *head,
                    Cell(TEXT_ANSWER_KIND),
                    Cell(None),
                    Cell(None),
                    Cell(figure.text, Style.WRAP),
                ]


def reminder_rows(data: ExportData) -> Iterator[list[Cell]]:
    """Every reminder sent, failed or unreachable, by time then unit."""
    names = {unit.code: unit.name for unit in data.units}
    shown = [r for r in data.reminders if r.status in REMINDER_STATUS_LABELS]
    for record in sorted(shown, key=lambda r: (r.scheduled_at, r.unit_code, r.member_name)):
        yield [
            Cell(record.unit_code),
            Cell(names.get(record.unit_code)),
            Cell(record.member_name),
            Cell(reminder_kind_label(record.kind)),
            Cell(record.scheduled_at, Style.DATETIME),
            Cell(REMINDER_STATUS_LABELS[record.status]),
            Cell(record.sent_at, Style.DATETIME),
            Cell(record.error, Style.WRAP),
        ]


def short_label(label: str, limit: int = SHORT_LABEL) -> str:
    """An indicator's label cut at a word boundary for a column header."""
    text = " ".join(label.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def kind_label(kind: str) -> str:
    """A unit kind's Vietnamese name ("Xã, thị trấn"), or the code itself when unknown."""
    return _KIND_LABELS.get(kind, kind)


def reminder_kind_label(kind: str) -> str:
    """A reminder kind's Vietnamese name, or the kind itself when unknown."""
    if kind in REMINDER_KIND_LABELS:
        return REMINDER_KIND_LABELS[kind]
    for prefix, label in REMINDER_KIND_PREFIXES.items():
        if kind.startswith(prefix):
            return label
    return kind


_KIND_LABELS = {str(kind): label for kind, label in UNIT_KIND_LABELS.items()}


def _header(indicator: Indicator, label: str) -> str:
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{indicator.id} · {label}{unit}"


def _ratio_columns(indicator: Indicator, label: str) -> list[Column]:
    numerator = indicator.numerator
    denominator = indicator.denominator
    num_label = numerator.label if numerator is not None and numerator.label else "Tử số"
    source = indicator.denominator_source
    if source is not None:
        den_label = DENOMINATOR_FROM.format(source=source)
    else:
        den_label = denominator.label if denominator is not None and denominator.label else ""
    return [
        Column(
            indicator,
            "numerator",
            NUMERATOR_HEADER.format(id=indicator.id, label=short_label(num_label)),
            Style.COUNT,
        ),
        Column(
            indicator,
            "denominator",
            DENOMINATOR_HEADER.format(id=indicator.id, label=short_label(den_label)),
            Style.COUNT,
        ),
        Column(
            indicator,
            "percent",
            RATIO_PERCENT_HEADER.format(id=indicator.id, label=label),
            Style.PERCENT,
        ),
    ]


def _figure_cell(column: Column, figure: Figure | None) -> Cell:
    """One unit's cell for one column: a number, a text, or blank."""
    kind = column.indicator.type
    if figure is None or figure.skipped:
        return Cell(None)
    not_arisen = figure_not_applicable(kind, figure)
    match column.part:
        case "numerator":
            return _number_cell(figure.numerator, column.style)
        case "denominator":
            return _number_cell(figure.denominator, column.style)
        case "percent":
            if not_arisen:
                return Cell(NOT_ARISEN)
            if figure.numerator is None or not figure.denominator:
                return Cell(None)
            share = Decimal(figure.numerator) * 100 / Decimal(figure.denominator)
            return Cell(share, Style.PERCENT)
        case "value":
            if not_arisen:
                return Cell(NOT_ARISEN)
            return _number_cell(figure.value, column.style)
        case _:
            if not_arisen:
                return Cell(NOT_ARISEN)
            if kind is IndicatorType.BOOLEAN:
                return Cell(None if figure.value is None else BOOLEAN_ANSWERS[figure.value != 0])
            return Cell(figure.text)


def _number_cell(value: Decimal | None, style: Style) -> Cell:
    return Cell(value, style) if value is not None else Cell(None)


def _timeliness(unit: UnitReport) -> str | None:
    if unit.counted:
        return TIMELINESS["late" if unit.late else "on_time"]
    if unit.late:
        return TIMELINESS["overdue"]
    return None


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
# XlsxWriter's rich-string markup through write_rich_string, see _write_markup), so no user
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

    def write(self) -> None:
        """Write the document properties and every sheet."""
        data = self._data
        self._book.set_properties(
            {
                "title": f"{TITLE} — {data.district} — {data.period.label}",
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

    def _summary_sheet(self) -> None:
        summary = summary_sheet(self._data)
        header_row = summary.header_row
        layout = _Layout(
            widths=summary.widths,
            print_setup=PrintSetup((header_row, header_row), (0, 1), PAGE_FOOTER),
            frozen_rows=header_row + 1,
            frozen_columns=2,
            heights=row_heights(summary.rows, summary.widths),
        )
        self._sheet(0, layout, summary.rows, (len(summary.rows), summary.width))

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
            raise ValueError(f"sheet {SHEET_NAMES[index]!r} is too large for Excel: {size}")
        sheet = self._sheets[index]
        for number, width in enumerate(layout.widths):
            sheet.set_column(number, number, width)
        if layout.frozen_rows or layout.frozen_columns:
            sheet.freeze_panes(layout.frozen_rows, layout.frozen_columns)
        # Phòng Nội vụ prints these: landscape A4, header rows (and names) on every page.
        apply_print_setup(sheet, layout.widths, layout.print_setup)
        written = self._rows(sheet, rows, column_count, layout.heights)
        if written > row_count:
            raise ValueError(f"sheet {SHEET_NAMES[index]!r} has more rows than {row_count}")
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
