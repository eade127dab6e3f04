"""The district's CCHC report as DOCX: header block, sentences, missed targets, placeholders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
from docx.enum.text import WD_COLOR_INDEX

from cchc_bot.aggregation import ExportData, Figure, UnitReport
from cchc_bot.config.loading import Configuration, load_configuration
from cchc_bot.config.tasks import TaskConfig
from cchc_bot.config.units import UnitConfig
from cchc_bot.documents import district_report
from cchc_bot.documents.outline import ReportOutline, load_outline
from cchc_bot.documents.pdf import convert_to_pdf
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.period_calendar import period_by_code
from cchc_bot.tasks.progress import TaskReport, TaskStanding, TaskStatus
from cchc_bot.tasks.rates import summarise
from tests.unit.test_workbook import soffice

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DRAFTED = dt.datetime(2024, 3, 12, 9, 0, tzinfo=TZ)
HOSTILE = 'Mạng yếu & "máy chủ" <lỗi> 🙁'


@functools.cache
def config() -> Configuration:
    """The bundled Trần Đề 2024 configuration."""
    return load_configuration(bundled_config_dir())


@functools.cache
def outline() -> ReportOutline:
    """The bundled report outline."""
    return load_outline(bundled_config_dir(), config().questionnaire)


def unit(code: str, state: str, figures: Mapping[str, Figure], *, late: bool = False) -> UnitReport:
    """A unit of the bundled units.yaml with its report."""
    found: UnitConfig = config().units.by_code()[code]
    applicable = frozenset(i.id for i in config().questionnaire.questions_for(found, "Q1"))
    return UnitReport(
        code=code,
        name=found.name,
        kind=found.kind,
        state=state,
        late=late,
        figures=figures,
        applicable=applicable,
        group=found.group_code,
    )


def export(units: list[UnitReport], code: str = "2024-Q1", **extra: object) -> ExportData:
    """An export of the bundled configuration for the given units."""
    schedule = config().schedule
    return ExportData(
        period=period_by_code(schedule, code, TZ),
        questionnaire=config().questionnaire,
        units=units,
        previous=extra.get("previous"),  # type: ignore[arg-type]
        reminders=[],
        generated_at=DRAFTED,
        tz=TZ,
        previous_label=extra.get("previous_label"),  # type: ignore[arg-type]
        groups=config().units.unit_groups(),
    )


# Hand-computed: received 3.000 + 2.091 = 5.091; solved 3.100 + 2.135 = 5.235; on time
# 3.080 + 2.109 = 5.189 (= 5.235 - 46 late); 5.189 / 5.235 = 99,1213... % -> "99,12 %".
# Apologies for late files (tthc_06, target >= 100 %): 20/20 and 20/26 -> 40/46 = 86,96 %.
OFFICE = {
    "tthc_02": Figure.number(3000),
    "tthc_03": Figure.number(3100),
    "tthc_04": Figure.ratio(3080, 3100),
    "tthc_05": Figure.number(20),
    "tthc_06": Figure.ratio(20, 20),
    "txt_02": Figure.answer("Đề nghị mở lớp tập huấn   về dịch vụ công."),
}
COMMUNE = {
    "tthc_02": Figure.number(2091),
    "tthc_03": Figure.number(2135),
    "tthc_04": Figure.ratio(2109, 2135),
    "tthc_05": Figure.number(26),
    "tthc_06": Figure.ratio(20, 26, explanation=HOSTILE),
    "txt_01": Figure.answer("Thiếu máy scan & đường truyền " + "rất chậm " * 400),
    "txt_02": Figure.answer("đề nghị mở lớp tập huấn về dịch vụ công."),
}


def sample() -> ExportData:
    """Two reports (one late), one unit returned and one that never reported."""
    return export(
        [
            unit("vp_hdnd_ubnd", "submitted", OFFICE),
            unit("xa_tai_van", "submitted", COMMUNE, late=True),
            unit("xa_vien_an", "returned", {}),
            unit("p_tu_phap", "not_started", {}),
        ]
    )


def read(data: ExportData) -> docx.document.Document:
    """Build the draft and read it back with python-docx."""
    buffer = io.BytesIO()
    district_report.write(data, outline(), buffer)
    buffer.seek(0)
    return docx.Document(buffer)


def texts(document: docx.document.Document) -> list[str]:
    """The body paragraphs' texts (the no-break space before "%" read as a space)."""
    return [paragraph.text.replace("\u00a0", " ") for paragraph in document.paragraphs]


def test_header_block_follows_decree_30() -> None:
    document = read(sample())
    header = document.tables[0]
    left, right = (cell.text.splitlines() for cell in header.rows[0].cells)
    assert left == ["UBND HUYỆN TRẦN ĐỀ", "———", "Số:      /BC-UBND"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right[-1] == "Trần Đề, ngày … tháng … năm 2024"
    body = texts(document)
    assert body[1:3] == [
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính Quý I năm 2024",
    ]
    section = document.sections[0]
    measured = [section.page_width, section.page_height, section.top_margin]
    measured += [section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(length.mm) if length else 0 for length in measured] == [210, 297, 20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_headings_follow_the_outline() -> None:
    document = read(sample())
    headings = [p.text for p in document.paragraphs if p.style and p.style.name == "Heading 1"]
    assert headings == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
        "PHỤ LỤC: SỐ LIỆU KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
    ]


def test_tthc_sentence_from_hand_computed_figures() -> None:
    raw = [paragraph.text for paragraph in read(sample()).paragraphs]
    assert any("đạt 99,12\u00a0%;" in line for line in raw)  # the sign never wraps alone
    assert (
        "Trong kỳ, các cơ quan, đơn vị tiếp nhận 5.091 hồ sơ thủ tục hành chính, đã giải quyết "
        "5.235 hồ sơ, trong đó trước hạn và đúng hạn 5.189 hồ sơ, đạt 99,12 %; quá hạn 46 hồ sơ."
    ) in texts(read(sample()))


def test_tthc_sentence_compares_with_the_previous_period() -> None:
    # Q1: 4.936 / 5.000 = 98,72 %; H1 99,1213 % - 98,72 % = 0,4013 -> "tăng 0,4 điểm %".
    previous = {"vp_hdnd_ubnd": {"tthc_04": Figure.ratio(4936, 5000)}}
    data = export(
        [unit("vp_hdnd_ubnd", "submitted", OFFICE), unit("xa_tai_van", "submitted", COMMUNE)],
        "2024-H1",
        previous=previous,
        previous_label="Quý I/2024",
    )
    body = "\n".join(texts(read(data)))
    assert "đạt 99,12 %, tăng 0,4 điểm % so với Quý I/2024; quá hạn 46 hồ sơ." in body


def test_missed_target_names_units_and_explanations() -> None:
    body = texts(read(sample()))
    line = (
        "- Tỷ lệ hồ sơ quá hạn có phiếu xin lỗi và hẹn lại ngày trả kết quả: "
        "toàn huyện Trần Đề đạt 86,96 % (mục tiêu ≥ 100 %); "
        f"đơn vị chưa đạt: Xã Tài Văn (giải trình: {HOSTILE})."
    )
    assert line in body


def test_submission_record_counts_and_names() -> None:
    body = texts(read(sample()))
    assert "Có 2/4 cơ quan, đơn vị gửi báo cáo, trong đó đúng hạn 1, trễ hạn 1." in body
    assert "Gửi trễ hạn: Xã Tài Văn." in body
    assert "Chưa gửi báo cáo (2): Xã Viên An, Phòng Tư pháp." in body


def test_text_answers_are_attributed_and_deduplicated() -> None:
    body = texts(read(sample()))
    merged = [line for line in body if "tập huấn" in line]
    assert merged == [
        "- Văn phòng HĐND và UBND huyện, Xã Tài Văn: Đề nghị mở lớp tập huấn   về dịch vụ công."
    ]
    long_answer = next(line for line in body if line.startswith("- Xã Tài Văn: Thiếu máy scan"))
    assert long_answer == "- Xã Tài Văn: " + COMMUNE["txt_01"].text.strip()  # type: ignore[union-attr]


def test_placeholders_are_highlighted() -> None:
    document = read(sample())
    marked = [
        run.text
        for paragraph in document.paragraphs
        for run in paragraph.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert "[Phòng Nội vụ bổ sung: đánh giá chung, ưu điểm]" in marked
    assert "[Phòng Nội vụ bổ sung: phương hướng, nhiệm vụ kỳ tới]" in marked


def test_annex_tables_show_groups_and_total() -> None:
    document = read(sample())
    tables = document.tables[2:]  # header block, signature, then the annex
    tthc = next(
        t for t in tables if any("Số hồ sơ TTHC tiếp nhận" in c.text for c in t.columns[1].cells)
    )
    head = [cell.text for cell in tthc.rows[0].cells]
    assert head[3:6] == [
        "Cấp huyện (phòng chuyên môn, đơn vị sự nghiệp)",
        "Cơ quan ngành dọc trên địa bàn",
        "Cấp xã (xã, thị trấn)",
    ]
    row = next(r for r in tthc.rows if r.cells[1].text == "Số hồ sơ TTHC tiếp nhận mới trong kỳ")
    assert [cell.text for cell in row.cells[2:7]] == ["hồ sơ", "3.000", "", "2.091", "5.091"]


def test_rates_that_differ_by_group_are_given_per_group() -> None:
    body = texts(read(sample()))
    # Hand-computed: cấp huyện 3.080/3.100 = 99,3548 % -> "99,35 %", cấp xã 2.109/2.135
    # = 98,7822 % -> "98,78 %"; no target for tthc_04. Letters of apology (target >= 100 %):
    # cấp huyện 20/20 = 100 %, cấp xã 20/26 = 76,923 % -> "76,92 %", missed. Ngành dọc: no report.
    assert (
        "Theo nhóm, tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn: "
        "cấp huyện 99,35 %, cấp xã 98,78 %."
    ) in body
    assert (
        "Theo nhóm, tỷ lệ hồ sơ quá hạn có phiếu xin lỗi và hẹn lại ngày trả kết quả: "
        "cấp huyện 100 %, cấp xã 76,92 % (chưa đạt mục tiêu ≥ 100 %)."
    ) in body
    assert not any("ngành dọc" in line for line in body if line.startswith("Theo nhóm"))


def test_groups_that_agree_get_no_sentence_by_group() -> None:
    same = {"tthc_04": Figure.ratio(50, 100), "tthc_03": Figure.number(100)}
    both = [unit("vp_hdnd_ubnd", "submitted", same), unit("xa_tai_van", "submitted", same)]
    body = texts(read(export(both)))
    assert not any(line.startswith("Theo nhóm") for line in body)


def test_hostile_unit_names_and_long_answers_land_intact() -> None:
    name = 'Xã "Tài Văn" & <Viên An> 🏛️'
    answer = 'Đề xuất <b>&amp;</b> "ngay" 😀 ' + "x" * 4000
    figures = {**COMMUNE, "txt_02": Figure.answer(answer)}
    reports = [
        dataclasses.replace(unit("xa_tai_van", "submitted", figures), name=name),
        dataclasses.replace(unit("xa_vien_an", "not_started", {}), name=name + " 2"),
    ]
    body = texts(read(export(reports)))
    assert f"- {name}: {answer}" in body
    assert f"Chưa gửi báo cáo (1): {name} 2." in body
    assert any(f"đơn vị chưa đạt: {name} (giải trình: {HOSTILE})." in line for line in body)


def test_period_without_submissions_says_so() -> None:
    body = texts(read(export([unit("xa_tai_van", "not_started", {})])))
    nobody = (
        "Trong kỳ, chưa có cơ quan, đơn vị nào gửi báo cáo kết quả thực hiện (0/1 cơ quan, đơn vị)."
    )
    assert nobody in body
    assert "Chưa gửi báo cáo (1): Xã Tài Văn." in body


def test_file_name_uses_the_place_from_configuration() -> None:
    assert (
        district_report.report_filename(sample(), outline())
        == "BaoCao_CCHC_2024-Q1_TranDe_20240312.docx"
    )


def test_libreoffice_converts_the_draft_to_pdf(tmp_path: Path) -> None:
    source = tmp_path / "draft.docx"
    district_report.write(sample(), outline(), source)
    pdf = convert_to_pdf(source, tmp_path, soffice())
    assert pdf is not None
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_a_folder_without_outline_gets_the_bundled_one(tmp_path: Path) -> None:
    fallback = load_outline(tmp_path, config().questionnaire)
    assert fallback == outline()


def test_an_area_text_lands_under_its_own_area_with_the_unit_named() -> None:
    figures = {**COMMUNE, "tthc_nx": Figure.answer("Bưu chính công ích nhận hồ sơ còn ít.")}
    body = texts(read(export([unit("xa_tai_van", "submitted", figures)])))
    line = body.index("- Xã Tài Văn: Bưu chính công ích nhận hồ sơ còn ít.")
    area = max(i for i, text in enumerate(body[:line]) if text[:2] in {"1.", "2.", "3."})
    assert body[area] == "2. Cải cách thủ tục hành chính"


def standing(task: str, lead: str, due: dt.date, status: TaskStatus, **report: Any) -> TaskStanding:
    """A lead agency's standing on a task at 31/3/2024, made by hand as `standing()` would."""
    config_task = TaskConfig(
        id=task, title=f"Nhiệm vụ {task}", area="CDDH", lead=[lead], due=due, product="Kế hoạch"
    )
    done = status is TaskStatus.DONE
    filed = TaskReport(task, lead, "2024-Q1", AS_OF, status, **report) if report or done else None
    return TaskStanding(
        task=config_task,
        unit=lead,
        due=due,
        status=status,
        report=filed,
        counted=done or due <= AS_OF,
        overdue=not done and due < AS_OF,
    )


AS_OF = dt.date(2024, 3, 31)


def test_the_plan_tasks_are_listed_done_late_and_not_started() -> None:
    rows = [
        standing(
            "a",
            "p_noi_vu",
            dt.date(2024, 3, 15),
            TaskStatus.DONE,
            completed_on=dt.date(2024, 3, 10),
        ),
        standing(
            "b", "p_tu_phap", dt.date(2024, 3, 1), TaskStatus.DONE, completed_on=dt.date(2024, 3, 5)
        ),
        standing(
            "c",
            "xa_tai_van",
            dt.date(2024, 3, 20),
            TaskStatus.IN_PROGRESS,
            percent=50.0,
            explanation="Thiếu   máy & <người>",
        ),
        standing("c", "xa_vien_an", dt.date(2024, 3, 20), TaskStatus.NOT_STARTED),
        standing("d", "p_noi_vu", dt.date(2024, 3, 31), TaskStatus.NOT_STARTED),
        standing("e", "p_noi_vu", dt.date(2024, 6, 30), TaskStatus.NOT_STARTED),  # not yet due
    ]
    names = {
        code: config().units.by_code()[code].name
        for code in ("p_noi_vu", "p_tu_phap", "xa_tai_van", "xa_vien_an")
    }
    data = dataclasses.replace(sample(), tasks=summarise(rows, AS_OF, names))
    body = texts(read(data))
    start = body.index("Thực hiện các nhiệm vụ của Kế hoạch (tính đến ngày 31/3/2024):")
    # Hand-counted: 5 due (e is not); on time a; late b; in progress c/Tài Văn; not started
    # c/Viên An and d; overdue c twice; 1/5 on time = 20 %. Overdue first, as /tasks lists.
    assert body[start + 1 : start + 9] == [
        "Có 5 nhiệm vụ đến hạn (theo cơ quan chủ trì): hoàn thành đúng hạn 1, hoàn thành trễ "
        "hạn 1, đang thực hiện 1, chưa thực hiện 2; quá hạn chưa hoàn thành 2; tỷ lệ hoàn "
        "thành đúng hạn 20 %.",
        "Đã hoàn thành:",
        "- Nhiệm vụ b (hạn 1/3/2024): Phòng Tư pháp (trễ hạn, xong ngày 5/3/2024).",
        "- Nhiệm vụ a (hạn 15/3/2024): Phòng Nội vụ.",
        "Quá hạn, chưa hoàn thành:",
        "- Nhiệm vụ c (hạn 20/3/2024): Xã Viên An (chưa thực hiện), Xã Tài Văn (đang thực "
        "hiện, đạt 50 %; lý do: Thiếu máy & <người>).",
        "Đến hạn, chưa thực hiện:",
        "- Nhiệm vụ d (hạn 31/3/2024): Phòng Nội vụ (chưa thực hiện).",
    ]
    assert not any("Nhiệm vụ e" in line for line in body)


def test_without_tasks_yaml_the_report_has_no_task_lines() -> None:
    assert not any(line.startswith("Thực hiện các nhiệm vụ") for line in texts(read(sample())))
