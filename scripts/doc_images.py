"""Draw the user guide's pictures: the /status chart and the export workbook (sample data).

Needs LibreOffice (`soffice`) and poppler's `pdftoppm` (Debian: libreoffice-calc, poppler-utils).
Run: `.venv/bin/python scripts/doc_images.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.export import revision, status_of, submissions_by_day
from cchc_bot import period_calendar
from cchc_bot.aggregation import ExportData, UnitReport
from cchc_bot.config.loading import load_configuration
from cchc_bot.exports import charts, workbook
from cchc_bot.ops.settings import bundled_config_dir

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def sample() -> ExportData:
    """Quý I/2024 of the bundled units: most submitted, some late, drafting or returned."""
    config = load_configuration(bundled_config_dir())
    period = period_calendar.period_by_code(config.schedule, "2024-Q1", TZ)
    rng = random.Random(2024)
    indicators = [indicator for _, indicator in config.questionnaire.indicators()]
    reports = []
    for unit in config.units.units:
        applicable = frozenset(i.id for i in config.questionnaire.questions_for(unit, period.kind))
        roll = rng.random()
        state = "submitted" if roll < 0.7 else "draft" if roll < 0.85 else "not_started"
        if roll > 0.97:
            state = "returned"
        late = state == "submitted" and rng.random() < 0.2
        hours = rng.randint(2, 150)
        submitted = period.deadline + dt.timedelta(hours=hours if late else -hours)
        figures = revision(indicators, applicable, period.kind, rng) if state == "submitted" else {}
        reports.append(
            UnitReport(
                code=unit.code,
                name=unit.name,
                kind=str(unit.kind),
                state=state,
                late=late,
                submitted_at=submitted if state in ("submitted", "returned") else None,
                submitted_by="Nguyễn Văn An" if state == "submitted" else None,
                version=1 if state in ("submitted", "returned") else 0,
                returned_reason="Số hồ sơ quá hạn chưa khớp phần mềm một cửa"
                if state == "returned"
                else None,
                figures=figures,
                applicable=applicable,
            )
        )
    return ExportData(
        period=period,
        questionnaire=config.questionnaire,
        units=reports,
        previous=None,
        reminders=[],
        generated_at=period.deadline + dt.timedelta(hours=9),
        organisation=config.units.organisation,
        tz=TZ,
    )


def main() -> None:
    """Write docs/images/status-chart.png and docs/images/workbook.png."""
    data = sample()
    status = status_of(data)
    status = dataclasses.replace(
        status,
        units=tuple(
            dataclasses.replace(unit, answered=unit.total // 2) if unit.state == "draft" else unit
            for unit in status.units
        ),
    )
    OUT.mkdir(parents=True, exist_ok=True)
    today = data.generated_at.astimezone(TZ).date()
    chart = charts.status_chart(status, submissions_by_day(data), today=today)
    (OUT / "status-chart.png").write_bytes(chart)
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "CCHC_2024-Q1_TranDe.xlsx"
        workbook.write_xlsx(data, book)
        # LibreOffice prints the workbook to PDF; poppler's pdftoppm crops the top-left corner.
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(book)],
            check=True,
            capture_output=True,
        )
        crop = ["-x", "100", "-y", "150", "-W", "1500", "-H", "750"]
        target = Path(folder) / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "200",
                "-f",
                "1",
                "-l",
                "1",
                *crop,
                str(book.with_suffix(".pdf")),
                str(target),
            ],
            check=True,
            capture_output=True,
        )
        (OUT / "workbook.png").write_bytes(next(Path(folder).glob("page*.png")).read_bytes())
    print(f"wrote {OUT / 'status-chart.png'} and {OUT / 'workbook.png'}")


if __name__ == "__main__":
    main()
