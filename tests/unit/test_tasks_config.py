"""`tasks.yaml`: optional, validated like the other files (file, line, task, field)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cchc_bot.config.loading import TASKS_FILE, check_configuration, load_configuration
from cchc_bot.config.tasks import Recurrence
from cchc_bot.ops.settings import bundled_config_dir

GOOD = """\
year: 2024
tasks:
  - id: kh_tuyen_truyen
    title: "Ban hành Kế hoạch tuyên truyền CCHC"
    area: CDDH
    lead: [p_noi_vu]
    cooperate: [p_vh_tt]
    due: Q1
    product: "Kế hoạch"
    indicator: cddh_05
  - id: so_hoa
    title: "Số hóa hồ sơ"
    area: CQS
    lead: [vp_hdnd_ubnd, cap_xa]
    recurring: each_period
    product: "Báo cáo"
  - id: ra_soat
    title: "Rà soát văn bản"
    area: TC
    lead: p_tu_phap
    due: 2024-11-30
    product: "Báo cáo"
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled configuration without its tasks file."""
    target = tmp_path / "config"
    shutil.copytree(bundled_config_dir(), target)
    (target / TASKS_FILE).unlink()
    return target


def task_issues(directory: Path, text: str) -> list[str]:
    """Write `tasks.yaml` and return its issues as rendered lines."""
    (directory / TASKS_FILE).write_text(text, encoding="utf-8")
    return [str(issue) for issue in check_configuration(directory) if issue.file == TASKS_FILE]


def test_a_folder_without_tasks_file_loads_with_no_tasks(config_dir: Path) -> None:
    assert check_configuration(config_dir) == []
    assert load_configuration(config_dir).tasks is None


def test_a_good_tasks_file_loads_days_period_kinds_groups_and_recurrence(
    config_dir: Path,
) -> None:
    (config_dir / TASKS_FILE).write_text(GOOD, encoding="utf-8")
    tasks = load_configuration(config_dir).tasks
    assert tasks is not None
    by_id = tasks.by_id()
    assert by_id["kh_tuyen_truyen"].due_kind == "Q1"
    assert by_id["kh_tuyen_truyen"].due_day is None
    assert by_id["so_hoa"].recurring is Recurrence.EACH_PERIOD
    assert by_id["so_hoa"].lead == ["vp_hdnd_ubnd", "cap_xa"]
    assert by_id["ra_soat"].lead == ["p_tu_phap"]
    assert by_id["ra_soat"].due_day == dt.date(2024, 11, 30)


def test_the_bundled_annex_passes_and_marks_uncertain_assignments() -> None:
    assert check_configuration(bundled_config_dir()) == []
    tasks = load_configuration(bundled_config_dir()).tasks
    assert tasks is not None
    assert tasks.year == 2024
    ids = set(tasks.by_id())
    assert {"kh_tuyen_truyen", "kh_kiem_tra", "ra_soat_vbqppl", "so_hoa_ho_so"} <= ids
    assert {"iso_dien_tu", "chi_so_cchc", "khao_sat_hai_long"} <= ids
    assert any("CẦN XÁC MINH" in (task.note or "") for task in tasks.tasks)
    assert "CẦN XÁC MINH" in (bundled_config_dir() / TASKS_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "lead: [p_noi_vu]",
            "lead: [p_noi_vuu]",
            "tasks.yaml:6: task kh_tuyen_truyen: lead[0]: unknown unit or group 'p_noi_vuu'; "
            "did you mean 'p_noi_vu'?",
        ),
        (
            "cooperate: [p_vh_tt]",
            "cooperate: [zzz_qqq]",
            "tasks.yaml:7: task kh_tuyen_truyen: cooperate[0]: unknown unit or group 'zzz_qqq'; "
            "units.yaml defines: vp_hdnd_ubnd, p_noi_vu, p_tu_phap, p_tc_kh, p_tn_mt, p_ldtbxh, "
            "p_vh_tt, p_gd_dt, p_y_te, thanh_tra, p_kt_ht, p_nn_ptnt, ...",
        ),
        (
            "due: 2024-11-30",
            "due: 2025-01-15",
            "tasks.yaml:21: task ra_soat: due: due date 2025-01-15 is outside the year 2024 "
            "of this file",
        ),
        (
            "  - id: so_hoa\n",
            "  - id: kh_tuyen_truyen\n",
            "tasks.yaml:11: task kh_tuyen_truyen: id: duplicate task id 'kh_tuyen_truyen' "
            "(also on line 3)",
        ),
        (
            "area: CQS",
            "area: XYZ",
            "tasks.yaml:13: task so_hoa: area: unknown area 'XYZ'; questionnaire.yaml defines: "
            "CDDH, TC, TTHC, TCBM, CV, TCC, CQS, TEXT",
        ),
        (
            "indicator: cddh_05",
            "indicator: cddh_55",
            "tasks.yaml:10: task kh_tuyen_truyen: indicator: unknown indicator 'cddh_55'; "
            "did you mean 'cddh_05'?",
        ),
        (
            "due: Q1",
            "due: Q2",
            "tasks.yaml:8: task kh_tuyen_truyen: due: unknown period 'Q2'; schedule.yaml "
            "defines: Q1, H1, Q3, Y",
        ),
        (
            "due: Q1",
            "due: sớm",
            "tasks.yaml:8: task kh_tuyen_truyen: due: must be a date written as YYYY-MM-DD or "
            "a period code of schedule.yaml such as H1 (got 'sớm')",
        ),
        (
            "    due: Q1\n",
            "",
            "tasks.yaml:3: task kh_tuyen_truyen: give exactly one of `due` (a date or a period "
            "code) and `recurring: each_period`",
        ),
        (
            "    recurring: each_period\n",
            "    recurring: each_period\n    due: Y\n",
            "tasks.yaml:11: task so_hoa: give exactly one of `due` (a date or a period code) "
            "and `recurring: each_period`",
        ),
        (
            "cooperate: [p_vh_tt]",
            "cooperate: [p_noi_vu]",
            "tasks.yaml:7: task kh_tuyen_truyen: cooperate: p_noi_vu cannot both lead and "
            "cooperate on the same task",
        ),
        (
            '    product: "Kế hoạch"\n',
            "",
            "tasks.yaml:3: task kh_tuyen_truyen: product: required field is missing",
        ),
        (
            "lead: [p_noi_vu]",
            "lead: []",
            "tasks.yaml:6: task kh_tuyen_truyen: lead: must have at least 1 item",
        ),
        (
            "area: CDDH",
            "aera: CDDH",
            "tasks.yaml:5: task kh_tuyen_truyen: aera: unknown field 'aera'; did you mean 'area'?",
        ),
    ],
)
def test_every_task_error_names_file_line_task_and_field(
    config_dir: Path, old: str, new: str, expected: str
) -> None:
    assert old in GOOD
    assert expected in task_issues(config_dir, GOOD.replace(old, new, 1))


def test_a_missing_year_and_a_broken_file_are_reported(config_dir: Path) -> None:
    assert task_issues(config_dir, GOOD.replace("year: 2024\n", "")) == [
        "tasks.yaml:1: top level: year: required field is missing"
    ]
    assert task_issues(config_dir, "year: 2024\ntasks: [\n") == [
        "tasks.yaml:3: file: YAML syntax error: expected the node content, but found "
        "'<stream end>' (while parsing a flow node)"
    ]


def test_task_errors_come_after_the_other_files_and_block_loading(config_dir: Path) -> None:
    (config_dir / TASKS_FILE).write_text(GOOD.replace("area: CQS", "area: XYZ"), encoding="utf-8")
    issues = check_configuration(config_dir)
    assert [issue.file for issue in issues] == [TASKS_FILE]
    with pytest.raises(Exception, match="unknown area 'XYZ'"):
        load_configuration(config_dir)
