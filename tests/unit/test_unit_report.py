"""One unit's own report as DOCX: its header, its figures, targets, explanations, answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import docx

from cchc_bot.aggregation import Figure
from cchc_bot.documents import unit_report
from cchc_bot.documents.pdf import convert_to_pdf
from cchc_bot.documents.unit_report import UnitSubmission
from cchc_bot.period_calendar import period_by_code
from tests.unit.test_district_report import HOSTILE, TZ, config, outline
from tests.unit.test_workbook import soffice


def submission(code: str = "xa_tai_van") -> UnitSubmission:
    """Xã Tài Văn's Quý I report with a missed target and a text answer."""
    found = config().units.by_code()[code]
    return UnitSubmission(
        code=code,
        name=found.name,
        kind=found.kind,
        group=found.group_code,
        period=period_by_code(config().schedule, "2024-Q1", TZ),
        figures={
            "tthc_02": Figure.number(2091),
            "tthc_04": Figure.ratio(2109, 2135),
            "tthc_06": Figure.ratio(20, 26, explanation=HOSTILE),
            "tthc_07": Figure(not_applicable=True),
            "cqs_05": Figure.answer("Đang xây dựng"),
            "txt_02": Figure.answer("Đề nghị tập huấn <dịch vụ công> & ký số 😀"),
        },
        submitted_at=dt.datetime(2024, 3, 9, 10, 0, tzinfo=TZ),
    )


def read(data: UnitSubmission) -> docx.document.Document:
    """Build the unit's report and read it back."""
    buffer = io.BytesIO()
    unit_report.write(data, config().questionnaire, outline(), buffer)
    buffer.seek(0)
    return docx.Document(buffer)


def test_commune_report_is_headed_and_signed_by_its_people_committee() -> None:
    document = read(submission())
    left, right = (cell.text.splitlines() for cell in document.tables[0].rows[0].cells)
    assert left == ["UBND XÃ TÀI VĂN", "———", "Số:      /BC-UBND"]
    assert right[-1] == "Trần Đề, ngày … tháng … năm 2024"
    signature = document.tables[1].rows[0].cells
    assert signature[0].text.splitlines() == [
        "Nơi nhận:",
        "- UBND huyện Trần Đề (qua Phòng Nội vụ);",
        "- Lưu: VT.",
    ]
    assert signature[1].text.splitlines()[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_office_report_carries_the_district_above_its_name() -> None:
    document = read(submission("p_tu_phap"))
    left = document.tables[0].rows[0].cells[0].text.splitlines()
    assert left[:2] == ["UBND HUYỆN TRẦN ĐỀ", "PHÒNG TƯ PHÁP"]


def test_unit_figures_targets_and_explanations_are_written() -> None:
    body = [p.text.replace("\u00a0", " ") for p in read(submission()).paragraphs]
    assert body[1:3] == [
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính Quý I năm 2024",
    ]
    assert "- Số hồ sơ TTHC tiếp nhận mới trong kỳ: 2.091 hồ sơ." in body
    # 2.109 / 2.135 = 98,7822... % -> "98,78 %".
    assert "- Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn: 2.109/2.135 hồ sơ, đạt 98,78 %." in body
    # 20 / 26 = 76,923... % -> "76,92 %", under the ≥ 100 % target.
    assert (
        "- Tỷ lệ hồ sơ quá hạn có phiếu xin lỗi và hẹn lại ngày trả kết quả: 20/26 hồ sơ, "
        f"đạt 76,92 % (chưa đạt mục tiêu ≥ 100 %). Giải trình: {HOSTILE}."
    ) in body
    assert any(line.endswith("bằng phương thức điện tử: không phát sinh.") for line in body)
    assert "- Đề xuất, kiến nghị: Đề nghị tập huấn <dịch vụ công> & ký số 😀." in body
    headings = [
        p.text for p in read(submission()).paragraphs if p.style and p.style.name == "Heading 2"
    ]
    assert headings == [
        "3. Cải cách thủ tục hành chính",
        "7. Xây dựng và phát triển chính quyền điện tử, chính quyền số",
        "8. Đánh giá chung và kiến nghị",
    ]


def test_unit_file_name() -> None:
    assert unit_report.unit_filename(submission()) == "BaoCao_CCHC_2024-Q1_XaTaiVan.docx"


def test_libreoffice_converts_the_unit_report_to_pdf(tmp_path: Path) -> None:
    source = tmp_path / "unit.docx"
    unit_report.write(submission(), config().questionnaire, outline(), source)
    pdf = convert_to_pdf(source, tmp_path, soffice())
    assert pdf is not None
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_hostile_unit_name_and_a_4000_character_answer_land_intact() -> None:
    name = 'Xã "Tài Văn" & <Viên An> 🏛️'
    answer = 'Đề xuất <b>&amp;</b> "ngay" 😀 ' + "x" * 4000
    hostile = dataclasses.replace(
        submission(), name=name, figures={"txt_02": Figure.answer(answer)}
    )
    document = read(hostile)
    header = document.tables[0].rows[0].cells[0].text.splitlines()
    assert header[0] == 'UBND XÃ "TÀI VĂN" & <VIÊN AN> 🏛️'
    body = [p.text for p in document.paragraphs]
    assert f"- Đề xuất, kiến nghị: {answer}." in body
    assert unit_report.unit_filename(hostile) == "BaoCao_CCHC_2024-Q1_XaTaiVanVienAn.docx"
