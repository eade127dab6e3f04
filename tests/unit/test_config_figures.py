"""check-config on the figures block's settings: carry-over ratios, applies_to by unit, any_of."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc_bot.config.loading import QUESTIONNAIRE_FILE, check_configuration, load_configuration
from cchc_bot.documents.outline import load_outline
from cchc_bot.ops.settings import bundled_config_dir

PAR_APPLIES_TO = (
    "        applies_to: {any_of: [{kinds: [xa]}, {units: [p_noi_vu]}]}\n      - id: cddh_08"
)
CARRY_OVER = "        numerator_above_denominator: warning\n        help: >-\n          Theo sổ"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled configuration."""
    target = tmp_path / "config"
    target.mkdir()
    for path in bundled_config_dir().glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def edit(directory: Path, old: str, new: str) -> str:
    """Replace the one occurrence of `old` in questionnaire.yaml; return the new text."""
    path = directory / QUESTIONNAIRE_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


@dataclass(frozen=True)
class Break:
    """One edit of the bundled questionnaire and the issue it must produce."""

    name: str
    old: str
    new: str
    entry: str
    field: str
    message: str
    at: str  # text marking the issue's line in the edited file


BREAKS = [
    Break(
        "carry_over_on_a_count",
        "      - id: cddh_02\n",
        "      - id: cddh_02\n        numerator_above_denominator: warning\n",
        "indicator cddh_02",
        "numerator_above_denominator",
        "only a ratio has a numerator and a denominator, but the type is integer",
        'numerator_above_denominator: warning\n        label: "Số văn bản chỉ đạo',
    ),
    Break(
        "carry_over_setting_misspelt",
        CARRY_OVER,
        "        numerator_above_denominator: warn\n        help: >-\n          Theo sổ",
        "indicator tthc_10",
        "numerator_above_denominator",
        "'error' or 'warning'",
        "numerator_above_denominator: warn\n",
    ),
    Break(
        "applies_to_unknown_unit",
        PAR_APPLIES_TO,
        "        applies_to: {any_of: [{kinds: [xa]}, {units: [p_noi_vuu]}]}\n      - id: cddh_08",
        "indicator cddh_07",
        "applies_to.any_of[1].units[0]",
        "unknown unit 'p_noi_vuu' (not in units.yaml); did you mean 'p_noi_vu'?",
        "{units: [p_noi_vuu]}",
    ),
    Break(
        "any_of_unknown_flag",
        PAR_APPLIES_TO,
        "        applies_to: {any_of: [{kinds: [xa]}, {has_tthcc: true}]}\n      - id: cddh_08",
        "indicator cddh_07",
        "applies_to.any_of[1].flags.has_tthcc",
        "unknown flag 'has_tthcc'; allowed flags: has_tthc, active",
        "{has_tthcc: true}",
    ),
    Break(
        "any_of_empty",
        PAR_APPLIES_TO,
        "        applies_to: {any_of: []}\n      - id: cddh_08",
        "indicator cddh_07",
        "applies_to.any_of",
        "at least 1 item",
        "applies_to: {any_of: []}",
    ),
]


@pytest.mark.parametrize("broken", BREAKS, ids=[b.name for b in BREAKS])
def test_wrong_figures_setting_is_reported_with_line_entry_and_field(
    config_dir: Path, broken: Break
) -> None:
    text = edit(config_dir, broken.old, broken.new)
    line = text.count("\n", 0, text.index(broken.at)) + 1
    issues = check_configuration(config_dir)
    matching = [
        issue
        for issue in issues
        if (issue.file, issue.entry, issue.field, issue.line)
        == (QUESTIONNAIRE_FILE, broken.entry, broken.field, line)
    ]
    assert matching, "\n".join(str(issue) for issue in issues)
    assert any(broken.message in issue.message for issue in matching), matching


def test_bundled_block_asks_the_one_stop_figures_with_their_cross_checks() -> None:
    questionnaire = load_configuration(bundled_config_dir()).questionnaire
    checks = {
        check.rule: check.level
        for _, indicator in questionnaire.indicators()
        for check in indicator.checks
    }
    assert checks["tthc_11 + tthc_02 == tthc_03 + tthc_17"] == "error"
    assert checks["tthc_12 + tthc_13 + tthc_14 == tthc_02"] == "error"
    assert checks["tthc_04.numerator + tthc_05 == tthc_03"] == "error"
    assert checks["tthc_16 == tthc_05 + tthc_18"] == "error"
    by_id = questionnaire.by_id()
    assert by_id["tthc_06"].denominator_source == "tthc_16"  # xin lỗi over every late hồ sơ
    assert by_id["tthc_04"].denominator_source == "tthc_03"  # on time over resolved
    assert by_id["tthc_10"].numerator_may_exceed
    assert by_id["cddh_04"].numerator_may_exceed
    assert not by_id["tthc_04"].numerator_may_exceed


def test_every_indicator_added_for_the_figures_says_where_its_figure_comes_from() -> None:
    questionnaire = load_configuration(bundled_config_dir()).questionnaire
    added = [
        "tthc_11", "tthc_12", "tthc_13", "tthc_14", "tthc_15", "tthc_16", "tthc_17", "tthc_18",
        "tthc_19", "tthc_20", "tthc_21", "tthc_22", "cqs_06", "cqs_07", "cqs_08", "tc_05",
        "cddh_08", "cddh_09", "tcbm_04", "tcbm_05", "tcbm_06", "tcbm_07", "cv_04", "cv_05",
    ]  # fmt: skip
    by_id = questionnaire.by_id()
    for ident in added:
        assert by_id[ident].help, ident


def test_area_text_questions_are_optional_and_one_per_area() -> None:
    questionnaire = load_configuration(bundled_config_dir()).questionnaire
    for section in questionnaire.sections:
        if section.code == "TEXT":
            continue
        texts = [ind for ind in section.indicators if ind.type == "text"]
        assert [ind.id for ind in texts] == [f"{section.code.lower()}_nx"], section.code
        assert not texts[0].required


def test_the_district_report_outline_feeds_each_area_text_into_its_area() -> None:
    config = load_configuration(bundled_config_dir())
    outline = load_outline(config.directory, config.questionnaire)
    texts = {
        ident: part.title or section.title
        for section in outline.sections
        for part in section.parts
        for ident in part.texts
    }
    assert texts["cddh_nx"] == "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    assert texts["tc_nx"] == "1. Cải cách thể chế"
    assert texts["tthc_nx"] == "2. Cải cách thủ tục hành chính"
    assert texts["tcbm_nx"] == "3. Cải cách tổ chức bộ máy hành chính nhà nước"
    assert texts["cv_nx"] == "4. Cải cách chế độ công vụ"
    assert texts["tcc_nx"] == "5. Cải cách tài chính công"
    assert texts["cqs_nx"] == "6. Xây dựng và phát triển chính quyền điện tử, chính quyền số"
