"""Draw the user guide's pictures of the Word reports: the first page of each (sample data).

Needs LibreOffice (`soffice`) and poppler's `pdftoppm` (Debian: libreoffice-writer,
poppler-utils, fonts-liberation for Times New Roman's metrics).
Run: `.venv/bin/python scripts/report_images.py`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from doc_images import sample

from cchc_bot.config.loading import load_configuration
from cchc_bot.documents import district_report, unit_report
from cchc_bot.documents.outline import load_outline
from cchc_bot.documents.pdf import convert_to_pdf
from cchc_bot.ops.settings import bundled_config_dir

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def first_page_png(docx: Path, png: Path) -> None:
    """Convert a DOCX to PDF and its first page to a PNG."""
    pdf = convert_to_pdf(docx, docx.parent)
    if pdf is None:
        raise SystemExit("LibreOffice (soffice) could not convert the document")
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
    )


def main() -> None:
    """Write docs/images/district-report.png and docs/images/unit-report.png."""
    config = load_configuration(bundled_config_dir())
    outline = load_outline(bundled_config_dir(), config.questionnaire)
    data = sample()
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "district.docx"
        district_report.write(data, outline, draft)
        first_page_png(draft, OUT / "district-report.png")
        unit = next(u for u in data.units if u.counted and u.kind == "xa")
        submission = unit_report.UnitSubmission(
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            period=data.period,
            figures=unit.figures,
            submitted_at=unit.submitted_at or data.generated_at,
            group=unit.group_code,
        )
        own = Path(folder) / "unit.docx"
        unit_report.write(submission, config.questionnaire, outline, own)
        first_page_png(own, OUT / "unit-report.png")
    print(f"wrote {OUT / 'district-report.png'} and {OUT / 'unit-report.png'}")


if __name__ == "__main__":
    main()
