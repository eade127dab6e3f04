"""check-config on aggregation rules and unit groups: file, line, entry, field for each mistake."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc_bot.config.loading import (
    QUESTIONNAIRE_FILE,
    UNITS_FILE,
    check_configuration,
    load_configuration,
)
from cchc_bot.config.questionnaire import AppliesTo
from cchc_bot.config.units import UnitConfig, UnitsFile
from cchc_bot.ops.settings import bundled_config_dir

PAR_INDEX = "        periods: [Y]\n        aggregate: mean\n"  # cddh_07
PAR_APPLIES_TO = (
    "        applies_to: {any_of: [{kinds: [xa]}, {units: [p_noi_vu]}]}\n      - id: cddh_08"
)
GROUPS = '  - {code: cap_xa, label: "Cấp xã (xã, thị trấn)", order: 3}\n'
GROUPS_BEFORE_XA = (
    '  - {code: cap_huyen, label: "Cấp huyện (phòng chuyên môn, đơn vị sự nghiệp)", order: 1}\n'
    '  - {code: nganh_doc, label: "Cơ quan ngành dọc trên địa bàn", order: 2, in_total: false}\n'
)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled configuration."""
    target = tmp_path / "config"
    target.mkdir()
    for path in bundled_config_dir().glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


@dataclass(frozen=True)
class Break:
    """One edit of the bundled files and the issue it must produce."""

    name: str
    file: str
    old: str
    new: str
    entry: str
    field: str
    message: str
    at: str  # text marking the issue's line in the edited file


BREAKS = [
    Break(
        "sum_of_scores",
        QUESTIONNAIRE_FILE,
        PAR_INDEX,
        "        aggregate: sum\n",
        "indicator cddh_07",
        "aggregate",
        "'sum' does not fit a score in điểm; allowed: none, mean, min, max",
        "aggregate: sum",
    ),
    Break(
        "ratio_of_a_count",
        QUESTIONNAIRE_FILE,
        "      - id: cddh_02\n",
        "      - id: cddh_02\n        aggregate: ratio\n",
        "indicator cddh_02",
        "aggregate",
        "'ratio' does not fit the type integer; allowed: sum, mean, min, max, none",
        "aggregate: ratio",
    ),
    Break(
        "mean_of_text",
        QUESTIONNAIRE_FILE,
        "      - id: txt_01\n",
        "      - id: txt_01\n        aggregate: mean\n",
        "indicator txt_01",
        "aggregate",
        "'mean' does not fit the type text; allowed: none, count",
        'aggregate: mean\n        label: "Tồn tại',
    ),
    Break(
        "sum_of_a_ratio",
        QUESTIONNAIRE_FILE,
        "      - id: cddh_01\n",
        "      - id: cddh_01\n        aggregate: sum\n",
        "indicator cddh_01",
        "aggregate",
        "'sum' does not fit the type ratio; allowed: ratio, none",
        "aggregate: sum",
    ),
    Break(
        "mean_of_a_boolean",
        QUESTIONNAIRE_FILE,
        "      - id: cv_03\n",
        "      - id: cv_03\n        aggregate: mean\n",
        "indicator cv_03",
        "aggregate",
        "'mean' does not fit the type boolean; allowed: count, none",
        'aggregate: mean\n        label: "Đơn vị đã có',
    ),
    Break(
        "unknown_rule",
        QUESTIONNAIRE_FILE,
        PAR_INDEX,
        "        aggregate: avg\n",
        "indicator cddh_07",
        "aggregate",
        "'avg' is not allowed; expected 'sum', 'ratio', 'mean', 'min', 'max', 'count' or 'none'",
        "aggregate: avg",
    ),
    Break(
        "unit_in_unknown_group",
        UNITS_FILE,
        '    name: "Phòng Tư pháp"\n',
        '    name: "Phòng Tư pháp"\n    group: cap_tinh\n',
        "unit p_tu_phap",
        "group",
        "unknown group 'cap_tinh'; units.yaml defines: cap_huyen, nganh_doc, cap_xa",
        "group: cap_tinh",
    ),
    Break(
        "kind_default_group_not_declared",
        UNITS_FILE,
        GROUPS,
        "",
        "unit xa_tai_van",
        "group",
        "a unit of kind xa belongs to group 'cap_xa' unless it names one",
        "- code: xa_tai_van",
    ),
    Break(
        "duplicate_group_code",
        UNITS_FILE,
        GROUPS,
        GROUPS + '  - {code: cap_xa, label: "Xã"}\n',
        "group cap_xa",
        "code",
        "duplicate group code 'cap_xa' (also on line",
        '{code: cap_xa, label: "Xã"}',
    ),
    Break(
        "group_without_label",
        UNITS_FILE,
        GROUPS,
        "  - {code: cap_xa, order: 3}\n",
        "group cap_xa",
        "label",
        "required field is missing",
        "{code: cap_xa, order: 3}",
    ),
    Break(
        "applies_to_unknown_group",
        QUESTIONNAIRE_FILE,
        PAR_APPLIES_TO,
        "        applies_to: {groups: [cap_xa, cap_tinh]}\n      - id: cddh_08",
        "indicator cddh_07",
        "applies_to.groups[1]",
        "unknown group 'cap_tinh'; units.yaml defines: cap_huyen, nganh_doc, cap_xa",
        "applies_to: {groups",
    ),
    Break(
        "counted_by_unknown_group",
        QUESTIONNAIRE_FILE,
        PAR_INDEX,
        PAR_INDEX + "        counted_by: mot_cua\n",
        "indicator cddh_07",
        "counted_by",
        "unknown group 'mot_cua'; units.yaml defines: cap_huyen, nganh_doc, cap_xa",
        "counted_by: mot_cua",
    ),
    Break(
        "counted_by_group_left_out_of_total",
        QUESTIONNAIRE_FILE,
        PAR_INDEX,
        PAR_INDEX + "        counted_by: nganh_doc\n",
        "indicator cddh_07",
        "counted_by",
        "group 'nganh_doc' is left out of the total (in_total: false)",
        "counted_by: nganh_doc",
    ),
    Break(
        "counted_by_group_not_asked",
        QUESTIONNAIRE_FILE,
        PAR_APPLIES_TO,
        "        applies_to: [xa]\n        counted_by: cap_huyen\n      - id: cddh_08",
        "indicator cddh_07",
        "counted_by",
        "no unit of group 'cap_huyen' is asked this indicator (see applies_to)",
        "counted_by: cap_huyen",
    ),
    Break(
        "section_applies_to_unknown_group",
        QUESTIONNAIRE_FILE,
        "    applies_to: {has_tthc: true}\n    indicators:\n      - id: tthc_01",
        "    applies_to: {has_tthc: true, groups: [cap_tinh]}\n"
        "    indicators:\n      - id: tthc_01",
        "section TTHC",
        "applies_to.groups[0]",
        "unknown group 'cap_tinh'; units.yaml defines: cap_huyen, nganh_doc, cap_xa",
        "groups: [cap_tinh]",
    ),
    Break(
        "empty_groups_list",
        UNITS_FILE,
        "groups:\n" + GROUPS_BEFORE_XA + GROUPS,
        "groups: []\n",
        "top level",
        "groups",
        "must have at least 1 item",
        "groups: []",
    ),
]


def edit(directory: Path, file: str, old: str, new: str) -> str:
    """Replace the one occurrence of `old` in a file; return the new text."""
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("broken", BREAKS, ids=[b.name for b in BREAKS])
def test_wrong_rule_or_group_is_reported_precisely(config_dir: Path, broken: Break) -> None:
    text = edit(config_dir, broken.file, broken.old, broken.new)
    line = text.count("\n", 0, text.index(broken.at)) + 1
    issues = check_configuration(config_dir)
    matching = [
        issue
        for issue in issues
        if (issue.file, issue.entry, issue.field, issue.line)
        == (broken.file, broken.entry, broken.field, line)
    ]
    assert matching, "\n".join(str(issue) for issue in issues)
    assert any(broken.message in issue.message for issue in matching), matching


def test_fitting_rules_and_groups_are_accepted(config_dir: Path) -> None:
    edit(config_dir, QUESTIONNAIRE_FILE, PAR_INDEX, "        aggregate: max\n")
    edit(
        config_dir,
        QUESTIONNAIRE_FILE,
        "      - id: cddh_02\n",
        "      - id: cddh_02\n        aggregate: mean\n        counted_by: cap_huyen\n",
    )
    edit(
        config_dir,
        UNITS_FILE,
        '    name: "Phòng Tư pháp"\n',
        '    name: "Phòng Tư pháp"\n    group: cap_xa\n',
    )
    assert check_configuration(config_dir) == []


def test_bundled_units_carry_the_three_groups() -> None:
    units = load_configuration(bundled_config_dir()).units
    groups = [(g.code, g.in_total) for g in units.unit_groups()]
    assert groups == [("cap_huyen", True), ("nganh_doc", False), ("cap_xa", True)]
    by_code = units.by_code()
    assert by_code["p_tu_phap"].group_code == "cap_huyen"
    assert by_code["xa_tai_van"].group_code == "cap_xa"
    kinds = {unit.kind: unit.group_code for unit in units.units}
    assert kinds == {
        "phong": "cap_huyen",
        "dvsn": "cap_huyen",
        "co_quan_tinh": "nganh_doc",
        "xa": "cap_xa",
    }


def test_a_file_without_groups_means_what_it_meant_before() -> None:
    units = UnitsFile.model_validate({"units": [{"code": "a", "name": "A", "kind": "xa"}]})
    assert all(group.in_total for group in units.unit_groups())
    assert [g.code for g in units.unit_groups()] == ["cap_huyen", "nganh_doc", "cap_xa"]


def test_groups_without_order_follow_the_ordered_ones_in_file_order() -> None:
    units = UnitsFile.model_validate(
        {
            "units": [{"code": "a", "name": "A", "kind": "xa", "group": "b"}],
            "groups": [
                {"code": "c", "label": "C"},
                {"code": "b", "label": "B", "order": 2},
                {"code": "a", "label": "A", "order": 1},
                {"code": "d", "label": "D"},
            ],
        }
    )
    assert [g.code for g in units.unit_groups()] == ["a", "b", "c", "d"]


def test_applies_to_a_group_selects_its_units() -> None:
    rule = AppliesTo.model_validate({"groups": ["cap_xa"], "has_tthc": True})
    assert rule.flags == {"has_tthc": True}
    xa = UnitConfig(code="x", name="X", kind="xa", has_tthc=True)
    moved = UnitConfig(code="y", name="Y", kind="xa", has_tthc=True, group="cap_huyen")
    assert rule.matches(xa)
    assert not rule.matches(moved)


def test_an_empty_groups_list_is_one_issue_not_one_per_unit(config_dir: Path) -> None:
    edit(config_dir, UNITS_FILE, "groups:\n" + GROUPS_BEFORE_XA + GROUPS, "groups: []\n")
    issues = check_configuration(config_dir)
    assert [(i.entry, i.field) for i in issues] == [("top level", "groups")]
