"""`units.yaml` trees and life spans: parents, kinds, levels, valid_from/valid_to, successors."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cchc_bot import period_calendar, unit_life
from cchc_bot.config.base import UnitKind, kind_label
from cchc_bot.config.loading import (
    TASKS_FILE,
    UNITS_FILE,
    check_configuration,
    load_configuration,
)
from cchc_bot.ops.settings import bundled_config_dir

TREE = """\
district: "Xã Mẫu"
units:
  - {code: ubnd, name: "UBND xã", kind: phong}
  - {code: vp, name: "Văn phòng", kind: phong, parent: ubnd}
  - {code: tt, name: "Trung tâm", kind: dvsn, parent: vp}
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled configuration."""
    target = tmp_path / "config"
    target.mkdir()
    for path in bundled_config_dir().glob("*.yaml"):
        if path.name != TASKS_FILE:  # the bundled annex names units these trees replace
            shutil.copy(path, target / path.name)
    return target


def units_issues(directory: Path, text: str) -> list[str]:
    """Write `units.yaml` and return its issues as rendered lines."""
    (directory / UNITS_FILE).write_text(text, encoding="utf-8")
    return [str(issue) for issue in check_configuration(directory) if issue.file == UNITS_FILE]


def test_a_tree_with_parents_loads_and_knows_depths_and_levels(config_dir: Path) -> None:
    text = TREE.replace('district: "Xã Mẫu"\n', 'levels: ["Xã", "Phòng", "Đơn vị"]\n')
    (config_dir / UNITS_FILE).write_text(text, encoding="utf-8")
    units = load_configuration(config_dir).units
    assert [units.depth_of(code) for code in ("ubnd", "vp", "tt")] == [0, 1, 2]
    assert units.level_label("tt") == "Đơn vị"
    assert units.by_code()["vp"].parent == "ubnd"


def test_a_file_without_kinds_keeps_the_four_default_kinds(config_dir: Path) -> None:
    (config_dir / UNITS_FILE).write_text(TREE, encoding="utf-8")
    units = load_configuration(config_dir).units
    assert [kind.code for kind in units.unit_kinds()] == [str(kind) for kind in UnitKind]
    assert units.by_code()["ubnd"].kind is UnitKind.PHONG
    assert kind_label("xa") == "Xã, thị trấn"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "parent: vp}",
            "parent: vp_zzz}",
            "units.yaml:5: unit tt: parent: unknown unit 'vp_zzz'",
        ),
        (
            "parent: vp}",
            "parent: tt}",
            "units.yaml:5: unit tt: parent: a unit cannot be its own parent",
        ),
        (
            "kind: phong}\n  - {code: vp",
            "kind: phong, parent: tt}\n  - {code: vp",
            "units.yaml:3: unit ubnd: parent: parents form a cycle: ubnd -> tt -> vp -> ubnd",
        ),
    ],
)
def test_broken_parents_are_reported_with_line_unit_and_field(
    config_dir: Path, old: str, new: str, expected: str
) -> None:
    assert expected in units_issues(config_dir, TREE.replace(old, new))


def test_a_consolidating_unit_loads_and_one_without_units_below_is_reported(
    config_dir: Path,
) -> None:
    text = TREE.replace(
        "kind: phong, parent: ubnd}", "kind: phong, parent: ubnd, consolidates: true}"
    )
    assert units_issues(config_dir, text) == []
    assert load_configuration(config_dir).units.by_code()["vp"].consolidates
    leaf = TREE.replace("kind: dvsn, parent: vp}", "kind: dvsn, parent: vp, consolidates: true}")
    assert units_issues(config_dir, leaf) == [
        "units.yaml:5: unit tt: consolidates: a consolidating unit needs units below it "
        "(their parent: this unit)"
    ]


def test_a_tree_deeper_than_its_levels_is_reported(config_dir: Path) -> None:
    text = TREE.replace('district: "Xã Mẫu"\n', 'levels: ["Xã", "Phòng"]\n')
    assert units_issues(config_dir, text) == [
        "units.yaml:5: unit tt: parent: the unit is on level 3 of the tree, and levels names only 2"
    ]


def test_declared_kinds_give_labels_and_default_groups(config_dir: Path) -> None:
    text = (
        "kinds:\n"
        "  - {code: phong, label: Phòng chuyên môn}\n"
        "  - {code: dvsn, label: Đơn vị sự nghiệp}\n"
        "  - {code: xa, label: Xã}\n"
        "  - {code: co_quan_tinh, label: Cơ quan ngành dọc}\n"
        '  - {code: so, label: "Sở, ban, ngành", group: cap_tinh}\n'
        + TREE
        + '  - {code: so_nv, name: "Sở Nội vụ", kind: so}\n'
    )
    (config_dir / UNITS_FILE).write_text(text, encoding="utf-8")
    units = load_configuration(config_dir).units
    assert kind_label("so", units.unit_kinds()) == "Sở, ban, ngành"
    assert units.by_code()["so_nv"].group_code == "cap_tinh"
    assert units.by_code()["so_nv"].kind == "so"


def test_a_kind_not_declared_is_reported(config_dir: Path) -> None:
    text = "kinds:\n  - {code: phong, label: Phòng}\n" + TREE
    assert units_issues(config_dir, text) == [
        "units.yaml:7: unit tt: kind: unknown unit kind 'dvsn'; allowed kinds: phong"
    ]


def test_applies_to_may_name_a_default_kind_or_a_declared_one_only(config_dir: Path) -> None:
    text = "kinds:\n  - {code: phong, label: Phòng}\n  - {code: dvsn, label: ĐVSN}\n" + TREE
    (config_dir / UNITS_FILE).write_text(text, encoding="utf-8")
    assert check_configuration(config_dir) == []  # the bundled questionnaire names xa too
    path = config_dir / "questionnaire.yaml"
    questionnaire = path.read_text(encoding="utf-8")
    assert questionnaire.count("applies_to: [dvsn]") == 1
    path.write_text(questionnaire.replace("applies_to: [dvsn]", "applies_to: [so]"), "utf-8")
    issues = [str(issue) for issue in check_configuration(config_dir)]
    assert len(issues) == 1
    assert issues[0].endswith(
        "applies_to.kinds[0]: unknown unit kind 'so'; allowed kinds: phong, dvsn, co_quan_tinh, xa"
    )


LIFE = """\
units:
  - {code: xa_a, name: "Xã A", kind: xa, valid_to: 2025-06-30, successors: [xa_moi]}
  - {code: xa_b, name: "Xã B", kind: xa, valid_to: 2025-06-30, successors: [xa_moi]}
  - {code: xa_moi, name: "Xã Mới", kind: xa, valid_from: 2025-07-01}
"""


def test_life_spans_and_successors_load(config_dir: Path) -> None:
    (config_dir / UNITS_FILE).write_text(LIFE, encoding="utf-8")
    units = load_configuration(config_dir).units.by_code()
    assert units["xa_a"].valid_to == dt.date(2025, 6, 30)
    assert units["xa_a"].successors == ["xa_moi"]
    assert units["xa_moi"].valid_on(dt.date(2025, 7, 1))
    assert not units["xa_moi"].valid_on(dt.date(2025, 6, 30))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "valid_from: 2025-07-01}",
            "valid_from: 2025-07-01, valid_to: 2025-01-01}",
            "units.yaml:4: unit xa_moi: valid_to: 2025-01-01 is before valid_from 2025-07-01",
        ),
        (
            "successors: [xa_moi]}\n  - {code: xa_b",
            "successors: [xa_zzz]}\n  - {code: xa_b",
            "units.yaml:2: unit xa_a: successors[0]: unknown unit 'xa_zzz'",
        ),
        (
            "successors: [xa_moi]}\n  - {code: xa_b",
            "successors: [xa_a]}\n  - {code: xa_b",
            "units.yaml:2: unit xa_a: successors[0]: a unit cannot succeed itself",
        ),
        (
            "valid_from: 2025-07-01}",
            "valid_from: 2025-07-01, valid_to: 2026-01-01, successors: [xa_a]}",
            "units.yaml:4: unit xa_moi: successors: "
            "successors form a cycle: xa_moi -> xa_a -> xa_moi",
        ),
        (
            "kind: xa, valid_to: 2025-06-30, successors: [xa_moi]}\n  - {code: xa_b",
            "kind: xa, successors: [xa_moi]}\n  - {code: xa_b",
            "units.yaml:2: unit xa_a: successors: a unit with successors needs valid_to",
        ),
        (
            "valid_from: 2025-07-01}",
            "valid_from: 1/7/2025}",
            "units.yaml:4: unit xa_moi: valid_from: must be a date written as YYYY-MM-DD, "
            "e.g. 2024-04-29 (got '1/7/2025')",
        ),
    ],
)
def test_broken_life_spans_are_reported_with_line_unit_and_field(
    config_dir: Path, old: str, new: str, expected: str
) -> None:
    assert LIFE.count(old) == 1
    assert expected in units_issues(config_dir, LIFE.replace(old, new))


def test_a_period_asks_the_units_valid_on_its_window_last_day(config_dir: Path) -> None:
    (config_dir / UNITS_FILE).write_text(LIFE, encoding="utf-8")
    config = load_configuration(config_dir)
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    units = config.units.units
    h1 = period_calendar.period_by_code(config.schedule, "2025-H1", tz)
    year = period_calendar.period_by_code(config.schedule, "2025-Y", tz)
    assert [u.code for u in unit_life.units_asked(units, h1)] == ["xa_a", "xa_b"]
    assert [u.code for u in unit_life.units_asked(units, year)] == ["xa_moi"]
    assert [u.code for u in unit_life.changed_in_window(units, year)] == ["xa_a", "xa_b", "xa_moi"]
    assert unit_life.changed_in_window(units, h1) == []
    successors = {u.code: u.successors for u in units}
    assert unit_life.predecessors(successors) == {"xa_moi": ["xa_a", "xa_b"]}
