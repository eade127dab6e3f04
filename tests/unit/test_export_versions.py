"""An export of a period answered on two questionnaire versions says who answered which."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl

from cchc_bot.aggregation import ExportData, Figure
from cchc_bot.exports.versions import answered_versions, versions_note
from cchc_bot.exports.workbook import write_xlsx
from tests.unit.test_workbook import rows, sample, unit


def two_versions() -> ExportData:
    """The workbook sample with xã A on 2024.1, xã B on 2024.2 and a draft on neither."""
    data = sample()
    first, second, draft, returned = data.units
    units = [
        dataclasses.replace(first, questionnaire_version="2024.1"),
        dataclasses.replace(second, questionnaire_version="2024.2"),
        draft,
        dataclasses.replace(returned, questionnaire_version="2024.1"),  # returned: not counted
    ]
    return dataclasses.replace(data, units=units)


def test_a_period_on_one_version_has_no_versions_note() -> None:
    data = sample()
    units = [dataclasses.replace(u, questionnaire_version="2024.2") for u in data.units]
    assert versions_note(dataclasses.replace(data, units=units)) is None


def test_versions_note_names_the_units_of_each_version_counted() -> None:
    data = two_versions()
    assert answered_versions(data) == {
        "2024.1": [data.units[0].name],
        "2024.2": ["Xã Đại Ân 2"],
    }
    assert versions_note(data) == (
        "Kỳ này có báo cáo theo 2 phiên bản phiếu; số liệu được xếp theo mã chỉ tiêu, chỉ tiêu "
        "không có trong phiên bản đơn vị đã trả lời để trống. "
        f"Phiên bản 2024.1: {data.units[0].name}; Phiên bản 2024.2: Xã Đại Ân 2."
    )


def test_a_version_of_many_units_is_told_by_its_count() -> None:
    data = sample()
    many = [
        unit(f"xa_{n}", f"Xã {n}", figures={"cnt": Figure.number(1)}, questionnaire_version="2")
        for n in range(13)
    ]
    one = unit("xa_x", "Xã X", figures={"cnt": Figure.number(1)}, questionnaire_version="1")
    note = versions_note(dataclasses.replace(data, units=[*many, one]))
    assert note is not None
    assert note.endswith("Phiên bản 1: Xã X; Phiên bản 2: 13 đơn vị.")


def cell_after(sheet: Any, label: str) -> Any:
    for row in rows(sheet):
        if row and row[0] == label:
            return row[1]
    return None


def test_workbook_shows_the_versions_note_and_each_unit_version(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    write_xlsx(two_versions(), path)
    book = openpyxl.load_workbook(path)
    try:
        assert cell_after(book["Tổng hợp"], "Phiên bản phiếu").startswith(
            "Kỳ này có báo cáo theo 2 phiên bản phiếu"
        )
        status = rows(book["Tình trạng nộp"])
        column = status[0].index("Phiên bản phiếu")
        assert [row[column] for row in status[1:]] == ["2024.1", "2024.2", None, None]
    finally:
        book.close()
