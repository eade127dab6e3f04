"""A successor's earlier figures are its predecessors' combined; a straddled window says so."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import select

from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.units import UnitConfig, UnitsFile
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.exports import ExportService
from cchc_bot.services.reports.references import reference_figures
from cchc_bot.texts import org
from db.models import Unit
from db.session import SessionFactory
from tests.seeding import store_submitted

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_DAY = dt.date(2025, 6, 30)
FIRST_DAY = dt.date(2025, 7, 1)


def merged(config: Configuration) -> Configuration:
    """Xã Tài Văn and Xã Viên An end on 30/6/2025; Xã Mới takes over from 1/7/2025."""
    units = [
        unit.model_copy(update={"valid_to": LAST_DAY, "successors": ["xa_moi"]})
        if unit.code in ("xa_tai_van", "xa_vien_an")
        else unit
        for unit in config.units.units
    ]
    new = UnitConfig(code="xa_moi", name="Xã Mới", kind="xa", has_tthc=True, valid_from=FIRST_DAY)
    return replace(config, units=UnitsFile(units=[*units, new], groups=config.units.groups))


async def submit(
    session_factory: SessionFactory, code: str, period_code: str, answers: dict[str, object]
) -> None:
    """Store a submitted report of a unit with one frozen version."""
    now = dt.datetime(2024, 12, 9, tzinfo=dt.UTC)
    await store_submitted(session_factory, code, period_code, answers, now)


async def merged_world(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> Configuration:
    """The merge synced, with both predecessors' 2024-Y reports submitted."""
    config = merged(bundled_config)
    await sync_configuration(session_factory, config, clock, clock().date())
    await submit(
        session_factory,
        "xa_tai_van",
        "2024-Y",
        {"cddh_02": {"value": "3"}, "tc_02": {"numerator": "4", "denominator": "5"}},
    )
    await submit(
        session_factory,
        "xa_vien_an",
        "2024-Y",
        {"cddh_02": {"value": "4"}, "tc_02": {"numerator": "1", "denominator": "5"}},
    )
    return config


async def test_a_successor_is_checked_against_its_predecessors_figures_combined(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    config = await merged_world(session_factory, bundled_config, clock)
    async with session_factory() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == "xa_moi"))
        assert unit is not None
        figures = await reference_figures(session, unit, "2024-Y", config.questionnaire)
    # 3 + 4 documents; the ratio is (4 + 1) / (5 + 5), never the mean of 80 % and 20 %.
    assert figures["cddh_02"] == Decimal(7)
    assert figures["tc_02.numerator"] == Decimal(5)
    assert figures["tc_02.denominator"] == Decimal(10)
    assert figures["tc_02"] == Decimal(50)


async def test_a_unit_with_its_own_earlier_report_keeps_it(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    config = await merged_world(session_factory, bundled_config, clock)
    await submit(session_factory, "xa_moi", "2024-Y", {"cddh_02": {"value": "11"}})
    async with session_factory() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == "xa_moi"))
        assert unit is not None
        figures = await reference_figures(session, unit, "2024-Y", config.questionnaire)
    assert figures == {"cddh_02": Decimal(11)}


async def test_the_export_compares_a_successor_with_its_predecessors_same_period(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    config = await merged_world(session_factory, bundled_config, clock)
    data = await ExportService(session_factory, config, clock, TZ).export_data("2025-Y")
    assert data.comparisons is not None
    same = data.comparisons.same_last_year
    assert same is not None
    assert same.code == "2024-Y"
    assert same.figures["xa_moi"]["cddh_02"].value == Decimal(7)
    assert same.figures["xa_moi"]["tc_02"].numerator == Decimal(5)
    assert "xa_tai_van" not in same.figures  # ended: not asked in 2025-Y, counted once


async def test_a_window_that_straddles_a_merge_says_so_on_the_workbook(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    config = await merged_world(session_factory, bundled_config, clock)
    service = ExportService(session_factory, config, clock, TZ)
    data = await service.export_data("2025-Y")
    assert sorted(name for name, _, _ in data.unit_changes) == [
        "Xã Mới",
        "Xã Tài Văn",
        "Xã Viên An",
    ]
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    notes = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    note = notes[org.UNIT_CHANGES_LABEL]
    assert "Xã Mới (từ 1/7/2025)" in note
    assert "Xã Tài Văn (đến 30/6/2025)" in note
    # A window with no change (2024-Q1) carries no such note.
    quiet = await service.export_data("2024-Q1")
    assert quiet.unit_changes == []
