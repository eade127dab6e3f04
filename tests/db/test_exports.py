"""The export read on SQLite and PostgreSQL: latest versions, returned reports, previous period."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import select

from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.exports import ExportService
from db import repositories
from db.models import QuestionnaireVersion, Submission, SubmissionVersion, Unit
from db.session import SessionFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def submit(
    session_factory: SessionFactory,
    unit_code: str,
    period_code: str,
    versions: list[dict[str, dict[str, str]]],
    state: str = "submitted",
) -> None:
    """Store a report with its frozen versions."""
    now = dt.datetime(2024, 3, 8, tzinfo=dt.UTC)
    async with session_factory.begin() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        version = await session.scalar(select(QuestionnaireVersion))
        assert unit is not None
        assert version is not None
        year, kind = period_code.split("-")
        period = await repositories.get_or_create_period(session, period_code, kind, int(year))
        submission = Submission(
            unit_id=unit.id,
            period_id=period.id,
            questionnaire_version_id=version.id,
            state=state,
            created_at=now,
            updated_at=now,
            submitted_at=now,
            version=len(versions),
        )
        session.add(submission)
        await session.flush()
        for number, answers in enumerate(versions, start=1):
            session.add(
                SubmissionVersion(
                    submission_id=submission.id,
                    version=number,
                    questionnaire_version_id=version.id,
                    submitted_at=now,
                    answers=answers,
                )
            )


async def test_export_reads_latest_versions_and_leaves_returned_reports_out(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    await submit(
        session_factory,
        "xa_tai_van",
        "2024-H1",
        [
            {"cddh_02": {"value": "3"}},
            {"cddh_02": {"value": "7"}, "tc_02": {"numerator": "4", "denominator": "5"}},
        ],
    )
    await submit(
        session_factory, "xa_vien_an", "2024-H1", [{"cddh_02": {"value": "9"}}], state="returned"
    )
    await submit(session_factory, "xa_tai_van", "2024-Q1", [{"cddh_02": {"value": "2"}}])
    service = ExportService(session_factory, bundled_config, clock, TZ)
    data = await service.export_data("2024-H1")
    units = {unit.code: unit for unit in data.units}
    assert len(units) == len(bundled_config.units.units)
    tai_van = units["xa_tai_van"]
    assert tai_van.state == "submitted"
    assert tai_van.version == 2
    assert tai_van.figures["cddh_02"].value == Decimal(7)
    assert tai_van.figures["tc_02"].numerator == Decimal(4)
    assert units["xa_vien_an"].state == "returned"
    assert units["xa_vien_an"].figures == {}
    assert units["xa_vien_an"].version == 1
    assert data.previous is not None
    assert data.previous["xa_tai_van"]["cddh_02"].value == Decimal(2)
    assert data.previous_label == "Quý I/2024"


async def test_export_reads_the_earlier_periods_its_comparisons_need(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    # 2025-Y is compared with 2024-Y (cùng kỳ), 2025-Q3 (kỳ trước) and, for its own
    # increment, 2025-H1 + 2025-Q3 (their windows tile 11/12/2024 to 10/9/2025).
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    await submit(session_factory, "xa_tai_van", "2024-Y", [{"cddh_02": {"value": "20"}}])
    await submit(
        session_factory,
        "xa_tai_van",
        "2025-H1",
        [{"cddh_02": {"value": "6"}, "tcc_01": {"value": "1"}, "txt_01": {"text_value": "x"}}],
    )
    await submit(session_factory, "xa_tai_van", "2025-Q3", [{"cddh_02": {"value": "4"}}])
    await submit(session_factory, "xa_tai_van", "2025-Y", [{"cddh_02": {"value": "15"}}])
    service = ExportService(session_factory, bundled_config, clock, TZ)
    data = await service.export_data("2025-Y")
    comparisons = data.comparisons
    assert comparisons is not None
    assert comparisons.same_last_year is not None
    assert comparisons.same_last_year.label == "Năm 2024"
    assert comparisons.same_last_year.figures["xa_tai_van"]["cddh_02"].value == Decimal(20)
    assert comparisons.previous is not None
    assert comparisons.previous.code == "2025-Q3"
    assert [period.code for period in comparisons.basis] == ["2025-H1", "2025-Q3"]
    assert comparisons.basis[0].figures["xa_tai_van"]["cddh_02"].value == Decimal(6)
    assert comparisons.increment_start == dt.date(2025, 9, 11)
    # Only what a comparison uses is kept: H1, read only as a basis, keeps the cumulative
    # count and neither the non-cumulative boolean nor the text answer.
    assert set(comparisons.basis[0].figures["xa_tai_van"]) == {"cddh_02"}
    # The previous-period mapping the report drafts read is kept as it was.
    assert data.previous is not None
    assert data.previous["xa_tai_van"]["cddh_02"].value == Decimal(4)
    # And the workbook says it: Y 15 = H1 6 + Q3 4 + this period's own 5; a year ago 20.
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    buffer.seek(0)
    table = list(openpyxl.load_workbook(buffer)["Tổng hợp"].iter_rows(values_only=True))
    header = next(row for row in table if row[0] == "Mã chỉ tiêu")
    line = dict(zip(header, next(row for row in table if row[0] == "cddh_02"), strict=False))
    assert line["Số liệu tổng hợp"] == 15
    assert line["Trong đó kỳ này (từ 11/9/2025 đến 10/12/2025)"] == 5
    assert line["Cùng kỳ năm trước (Năm 2024)"] == 20
    assert line["Kỳ trước (Quý III/2025)"] == "—"  # cumulative: never against Q3 alone


async def test_a_first_period_has_no_earlier_figures_to_compare_with(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    service = ExportService(session_factory, bundled_config, clock, TZ)
    data = await service.export_data("2024-Q1")
    comparisons = data.comparisons
    assert comparisons is not None
    assert comparisons.same_last_year is not None
    assert comparisons.same_last_year.figures == {}
    assert comparisons.basis == ()
    assert comparisons.increment_start is None
