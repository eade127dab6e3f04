"""`cchc-bot import`: a hand-filled workbook checked like chat answers, stored all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import func, select

from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.exports.import_sheet import read_unit_rows, write_template
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.exports import ExportService
from cchc_bot.services.imports import ImportService
from db.models import AuditEvent, SubmissionVersion
from db.session import SessionFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = "2024-Q1"

# Xã Tài Văn's Quý I/2024 figures, filled in by hand so that every cross-check holds:
# 10 carried over + 100 received (60 in person + 5 by post + 35 online) = 95 resolved + 15
# pending; 90 on time (50 ahead of time) + 5 late = 95; 5 late + 2 pending late = 7 late in
# all, 7 apologies; 20 online end to end <= 35 received online; 4 of 3 complaints handled
# (one carried over from the previous period: a warning, allowed).
TAI_VAN: dict[tuple[str, str], Any] = {
    ("cddh_01", "n"): 8, ("cddh_01", "d"): 10, ("cddh_02", "v"): 3, ("cddh_03", "v"): 2,
    ("cddh_04", "n"): 2, ("cddh_04", "d"): 2, ("cddh_05", "v"): 4,
    ("cddh_06", "n"): 90, ("cddh_06", "d"): 100, ("cddh_08", "v"): "Có",
    ("cddh_09", "v"): "không",
    ("tc_01", "v"): 2, ("tc_02", "n"): 2, ("tc_03", "v"): 5, ("tc_04", "n"): 1,
    ("tc_04", "d"): 1, ("tc_05", "v"): "Có",
    ("tthc_01", "n"): 120, ("tthc_01", "d"): 120, ("tthc_11", "v"): 10, ("tthc_02", "v"): 100,
    ("tthc_12", "v"): 60, ("tthc_13", "v"): 5, ("tthc_14", "v"): 35, ("tthc_03", "v"): 95,
    ("tthc_04", "n"): 90, ("tthc_15", "v"): 50, ("tthc_05", "v"): 5, ("tthc_17", "v"): 15,
    ("tthc_18", "v"): 2, ("tthc_16", "v"): 7, ("tthc_06", "n"): 7, ("tthc_19", "v"): 3,
    ("tthc_07", "n"): 80, ("tthc_08", "n"): 70, ("tthc_09", "n"): 60, ("tthc_10", "n"): 4,
    ("tthc_10", "d"): 3, ("tthc_nx", "v"): "Bộ phận Một cửa hoạt động ổn định.",
    ("tcbm_01", "v"): 12, ("tcbm_02", "v"): 11, ("tcbm_06", "v"): 9, ("tcbm_07", "v"): 8,
    ("tcbm_03", "v"): 0, ("cv_01", "v"): 6, ("cv_02", "v"): 0, ("cv_05", "v"): 1,
    ("tcc_03", "p"): "Không phát sinh", ("tcc_04", "n"): 1, ("tcc_04", "d"): 1,
    ("cqs_01", "n"): 200, ("cqs_01", "d"): 210, ("cqs_02", "n"): 20, ("cqs_06", "v"): 150,
    ("cqs_07", "v"): 40, ("cqs_03", "n"): 10, ("cqs_03", "d"): 10, ("cqs_04", "n"): 15,
    ("cqs_04", "d"): 20, ("cqs_05", "v"): "Chưa áp dụng", ("cqs_08", "n"): "300",
    ("cqs_08", "d"): 320,
    ("txt_01", "v"): "Thiếu cán bộ chuyên trách CCHC.",
    ("txt_03", "v"): "Đẩy mạnh dịch vụ công trực tuyến.",
}  # fmt: skip


def column_of(headers: list[str], ident: str, part: str) -> int:
    """The 1-based column of an indicator's part in the unit sheet's header row."""
    for index, header in enumerate(headers, start=1):
        if not header.startswith(f"{ident} · "):
            continue
        rest = header[len(ident) + 3 :]
        kind = "n" if rest.startswith("Tử số") else "d" if rest.startswith("Mẫu số") else None
        kind = kind or ("p" if rest.endswith("(%)") else "v")
        if kind == part:
            return index
    raise AssertionError(f"no column for {ident} {part}")


def fill(path: Path, figures: dict[str, dict[tuple[str, str], Any]]) -> None:
    """Type figures into the template's "Theo đơn vị" rows, unit by unit, as a clerk would."""
    book = openpyxl.load_workbook(path)
    sheet = book["Theo đơn vị"]
    headers = [str(cell.value or "") for cell in sheet[1]]
    code_column = headers.index("Mã đơn vị") + 1
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, code_column).value
        for (ident, part), value in figures.get(str(code), {}).items():
            sheet.cell(row, column_of(headers, ident, part), value)
    book.save(path)


async def template(
    session_factory: SessionFactory, config: Configuration, clock: MovableClock, path: Path
) -> ExportService:
    await sync_configuration(session_factory, config, clock, clock().date())
    exports = ExportService(session_factory, config, clock, TZ)
    write_template(await exports.export_data(PERIOD), path)
    return exports


async def test_a_hand_filled_workbook_is_checked_then_stored_as_a_new_version(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    tmp_path: Path,
) -> None:
    path = tmp_path / "lich-su.xlsx"
    exports = await template(session_factory, bundled_config, clock, path)
    fill(path, {"xa_tai_van": TAI_VAN})
    data = await exports.export_data(PERIOD)
    service = ImportService(session_factory, bundled_config, clock, TZ)

    checked = await service.import_rows(
        PERIOD, read_unit_rows(path, data), file_name=path.name, dry_run=True
    )
    assert [str(problem) for problem in checked.problems] == []
    assert checked.imported == ("xa_tai_van",)
    assert len(checked.skipped) == len(data.units) - 1  # every other row is blank
    assert not checked.stored
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(SubmissionVersion)) == 0

    stored = await service.import_rows(PERIOD, read_unit_rows(path, data), file_name=path.name)
    assert stored.stored
    again = await service.import_rows(PERIOD, read_unit_rows(path, data), file_name=path.name)
    assert again.stored
    async with session_factory() as session:
        versions = (await session.scalars(select(SubmissionVersion))).all()
        audits = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "figures_imported"))
        ).all()
    assert [(v.version, v.source, v.source_file) for v in versions] == [
        (1, "import", "lich-su.xlsx"),
        (2, "import", "lich-su.xlsx"),
    ]
    assert [audit.details["version"] for audit in audits] == [1, 2]
    figures = versions[-1].answers
    assert figures["tthc_02"] == {"value": "100"}
    assert figures["tthc_06"] == {"numerator": "7", "denominator": "7"}  # over tthc_16
    assert figures["tthc_10"] == {"numerator": "4", "denominator": "3"}  # carry-over
    assert figures["tcc_03"]["not_applicable"] is True
    assert figures["cddh_09"]["value"] == "0"
    assert figures["cddh_nx"]["skipped"] is True  # optional, left blank

    export = await exports.export_data(PERIOD)
    tai_van = next(unit for unit in export.units if unit.code == "xa_tai_van")
    assert (tai_van.state, tai_van.version, tai_van.submitted_by) == ("submitted", 2, "Nhập từ tệp")
    assert tai_van.figures["tthc_17"].value == Decimal(15)
    assert tai_van.questionnaire_version == bundled_config.questionnaire.version


async def test_every_wrong_cell_is_reported_by_place_and_nothing_is_stored(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    tmp_path: Path,
) -> None:
    path = tmp_path / "sai.xlsx"
    exports = await template(session_factory, bundled_config, clock, path)
    wrong = dict(TAI_VAN)
    wrong[("tthc_14", "v")] = 30  # 60 + 5 + 30 = 95, not the 100 received
    wrong[("cddh_02", "v")] = "12a"
    wrong[("cddh_01", "n")] = 11  # 11 of 10 tasks: impossible
    fill(path, {"xa_tai_van": wrong, "xa_vien_an": TAI_VAN})
    data = await exports.export_data(PERIOD)
    outcome = await ImportService(session_factory, bundled_config, clock, TZ).import_rows(
        PERIOD, read_unit_rows(path, data), file_name=path.name
    )
    assert not outcome.stored
    places = {(p.unit.split()[0], p.indicator) for p in outcome.problems}
    assert places == {
        ("xa_tai_van", "cddh_02"),
        ("xa_tai_van", "cddh_01"),
        ("xa_tai_van", "tthc_14"),  # every problem of one run, the cross-checks too
    }
    cddh_02 = next(p for p in outcome.problems if p.indicator == "cddh_02")
    assert cddh_02.sheet == "Theo đơn vị"
    assert cddh_02.row >= 2
    assert str(cddh_02).startswith(f"Theo đơn vị!{cddh_02.column}{cddh_02.row} (dòng ")
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(SubmissionVersion)) == 0

    # The two cells fixed, the cross-check is the one left.
    wrong[("cddh_02", "v")] = 12
    wrong[("cddh_01", "n")] = 8
    fill(path, {"xa_tai_van": wrong})
    outcome = await ImportService(session_factory, bundled_config, clock, TZ).import_rows(
        PERIOD, read_unit_rows(path, data), file_name=path.name
    )
    [problem] = outcome.problems
    assert problem.indicator == "tthc_14"
    assert "phải bằng số hồ sơ tiếp nhận mới" in problem.message


async def test_an_unknown_or_repeated_unit_code_is_a_problem(
    session_factory: SessionFactory,
    bundled_config: Configuration,
    clock: MovableClock,
    tmp_path: Path,
) -> None:
    path = tmp_path / "ma.xlsx"
    exports = await template(session_factory, bundled_config, clock, path)
    book = openpyxl.load_workbook(path)
    sheet = book["Theo đơn vị"]
    sheet.cell(2, 2, "xa_khong_co")
    sheet.cell(3, 2, sheet.cell(4, 2).value)
    book.save(path)
    data = await exports.export_data(PERIOD)
    outcome = await ImportService(session_factory, bundled_config, clock, TZ).import_rows(
        PERIOD, read_unit_rows(path, data), file_name=path.name, dry_run=True
    )
    messages = [str(problem) for problem in outcome.problems]
    assert any("không có đơn vị mã «xa_khong_co»" in message for message in messages)
    assert any("đơn vị đã có ở dòng 3" in message for message in messages)
