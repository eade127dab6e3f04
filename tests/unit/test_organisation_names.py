"""The organisation's and office's names come from units.yaml, never from product code."""

from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from cchc_bot.aggregation import ExportData
from cchc_bot.config.loading import check_configuration, load_configuration
from cchc_bot.config.organisation import Organisation, bundled_organisation
from cchc_bot.config.units import UnitsFile
from cchc_bot.documents import district_report
from cchc_bot.documents.outline import OutlineError, load_outline
from cchc_bot.examples import example_dir
from cchc_bot.exports.naming import export_filename
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.local_bot_api.model.html import parse_html
from cchc_bot.period_calendar import period_by_code
from cchc_bot.services.reminders import ReminderMessage
from cchc_bot.texts import chat_accounts, chat_common
from handlers.telegram.reminder_delivery import render_reminder

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# The bundled names, spelled as code would hard-code them (compared case-insensitively).
NAMES = ("Trần Đề", "Phòng Nội vụ")
PRODUCT = ("bot.py", "cchc_bot", "handlers", "scheduler", "db")
# Not product wording: the texts fill these names in from units.yaml; the sandbox's personas
# are sample people of the bundled configuration, like its unit codes.
EXEMPT = ("cchc_bot/texts/", "cchc_bot/sandbox/personas.py")


def _strings(source: str) -> list[tuple[int, str]]:
    """Every string constant of a module but its docstrings (comments are not constants)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def hard_coded_names(root: Path) -> list[str]:
    """`file:line: text` for each string in product code that names the bundled organisation."""
    found = []
    for top in PRODUCT:
        paths = sorted((root / top).rglob("*.py")) if (root / top).is_dir() else [root / top]
        paths = [path for path in paths if path.is_file()]
        for path in paths:
            relative = path.relative_to(root).as_posix()
            if relative.startswith(EXEMPT):
                continue
            for line, text in _strings(path.read_text(encoding="utf-8")):
                if any(name.casefold() in text.casefold() for name in NAMES):
                    found.append(f"{relative}:{line}: {text[:60]!r}")
    return found


def test_product_code_names_no_organisation_or_office() -> None:
    assert hard_coded_names(ROOT) == []


def test_web_templates_name_no_organisation_or_office() -> None:
    templates = sorted((ROOT / "handlers" / "web" / "templates").rglob("*.html"))
    assert templates
    found = [
        f"{path.name}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(name.casefold() in line.casefold() for name in NAMES)
    ]
    assert found == []


def test_the_scan_finds_a_hard_coded_name_but_not_a_docstring(tmp_path: Path) -> None:
    (tmp_path / "cchc_bot").mkdir()
    (tmp_path / "cchc_bot" / "reply.py").write_text(
        '"""Replies for huyện Trần Đề."""\n\nREPLY = "Liên hệ phòng nội vụ."\n', encoding="utf-8"
    )
    assert hard_coded_names(tmp_path) == ["cchc_bot/reply.py:3: 'Liên hệ phòng nội vụ.'"]


def test_the_bundled_configuration_names_the_district_and_its_office() -> None:
    names = bundled_organisation()
    assert (names.name, names.short_name, names.place, names.office) == (
        "UBND huyện Trần Đề",
        "huyện Trần Đề",
        "Trần Đề",
        "Phòng Nội vụ",
    )
    assert names.issuer == "UBND HUYỆN TRẦN ĐỀ"  # the name in capitals unless written


def commune() -> Organisation:
    """The commune example's names (its units.yaml `organisation:`)."""
    return load_configuration(example_dir("xa_tran_de_2026")).units.organisation


def test_the_commune_example_has_names_of_its_own() -> None:
    names = commune()
    assert names.name == "UBND xã Trần Đề"
    assert names.short_name == "xã Trần Đề"
    assert names.office == "Văn phòng HĐND và UBND xã"
    assert names.issuer == "UBND XÃ TRẦN ĐỀ"


def test_chat_texts_say_the_configured_office_and_area() -> None:
    names = commune()
    greeting = parse_html(chat_common.start_unlinked(42, names)).text
    assert "Bot báo cáo cải cách hành chính xã Trần Đề" in greeting
    assert "do Văn phòng HĐND và UBND xã cấp" in greeting
    assert "Phòng Nội vụ" not in greeting
    assert "Văn phòng HĐND và UBND xã (tổng hợp)" in chat_accounts.role_label("coordinator", names)
    help_text = parse_html(chat_accounts.help_for("coordinator", None, names)).text
    assert "dự thảo báo cáo CCHC của xã Trần Đề" in help_text


def test_the_overdue_reminder_names_the_configured_office_and_organisation() -> None:
    config = load_configuration(example_dir("xa_tran_de_2026"))
    period = period_by_code(config.schedule, "2026-Q1", TZ)
    message = ReminderMessage(
        kind="overdue-1",
        telegram_user_id=1001,
        period=period,
        overdue=True,
        unit_code="vp_hdnd_ubnd",
        unit_name="Văn phòng HĐND và UBND xã",
        days_left_or_late=-2,
        answered=3,
        total=10,
        organisation=config.units.organisation,
    )
    shown = parse_html(render_reminder(message)).text
    assert "Văn phòng HĐND và UBND xã đang chờ để tổng hợp báo cáo của UBND xã Trần Đề." in shown


def commune_export() -> ExportData:
    """An empty export of the commune example's first quarter of 2026."""
    config = load_configuration(example_dir("xa_tran_de_2026"))
    return ExportData(
        period=period_by_code(config.schedule, "2026-Q1", TZ),
        questionnaire=config.questionnaire,
        units=[],
        previous=None,
        reminders=[],
        generated_at=dt.datetime(2026, 3, 12, 9, 0, tzinfo=TZ),
        tz=TZ,
        organisation=config.units.organisation,
        groups=config.units.unit_groups(),
    )


def test_the_workbook_title_and_file_name_name_the_configured_organisation() -> None:
    data = commune_export()
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book["Tổng hợp"]["A2"].value == "UBND xã Trần Đề — Quý I/2026"
    assert book.properties.title is not None
    assert "UBND xã Trần Đề" in book.properties.title
    name = export_filename(data.period, data.generated_at, place=data.organisation.place)
    assert name == "CCHC_2026-Q1_TranDe_20260312.xlsx"


def test_the_document_header_names_the_configured_organisation() -> None:
    data = commune_export()
    config_dir = example_dir("xa_tran_de_2026")
    outline = load_outline(config_dir, data.questionnaire)  # the bundled outline, its names
    document = district_report.build(data, outline)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    body = [paragraph.text for paragraph in document.paragraphs]
    assert any("UBND XÃ TRẦN ĐỀ" in text for text in cells)
    assert any("Trần Đề, ngày" in text for text in cells)
    assert not any("HUYỆN" in text for text in cells)
    assert any("UBND xã Trần Đề báo cáo" in text for text in body)


def test_an_outline_that_still_names_the_organisation_is_told_where_the_names_went(
    tmp_path: Path,
) -> None:
    bundled = (ROOT / "cchc_bot" / "bundled" / "report_outline.yaml").read_text(encoding="utf-8")
    (tmp_path / "report_outline.yaml").write_text(
        'organisation:\n  issuer: "UBND HUYỆN MẪU"\n' + bundled, encoding="utf-8"
    )
    with pytest.raises(OutlineError) as raised:
        load_outline(tmp_path)
    (issue,) = raised.value.issues
    assert issue.line == 1
    assert "moved to units.yaml" in issue.message


def test_a_broken_organisation_block_is_reported_by_file_line_entry_and_field(
    tmp_path: Path,
) -> None:
    bundled = ROOT / "cchc_bot" / "bundled"
    for name in ("questionnaire.yaml", "schedule.yaml"):
        (tmp_path / name).write_bytes((bundled / name).read_bytes())
    units = (bundled / "units.yaml").read_text(encoding="utf-8")
    assert units.count('  office: "Phòng Nội vụ"\n') == 1
    assert units.count('  place: "Trần Đề"\n') == 1
    broken = units.replace('  office: "Phòng Nội vụ"\n', "").replace(
        '  place: "Trần Đề"\n', '  place: ""\n'
    )
    (tmp_path / "units.yaml").write_text(broken, encoding="utf-8")
    block = broken.splitlines().index("organisation:") + 1
    place = broken.splitlines().index('  place: ""') + 1
    found = [(i.file, i.line, i.entry, i.field, i.message) for i in check_configuration(tmp_path)]
    assert found == [
        ("units.yaml", block, "organisation", "office", "required field is missing"),
        ("units.yaml", place, "organisation", "place", "must not be empty"),
    ]


def test_a_units_file_without_an_organisation_block_gets_the_bundled_names() -> None:
    config = load_configuration(example_dir("tran_de_2024_2025"))
    assert config.units.organisation == bundled_organisation()
    bare = UnitsFile.model_validate({"units": [{"code": "a", "name": "Xã A", "kind": "xa"}]})
    assert bare.organisation == bundled_organisation()
