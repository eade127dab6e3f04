"""check-config on targets by period, group and kind, and plans: file, line, entry, field."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc_bot.config.loading import QUESTIONNAIRE_FILE, check_configuration, load_configuration
from cchc_bot.ops.settings import bundled_config_dir

CDDH_01 = '        target: {op: ">=", value: 100, periods: [Y]}\n'  # the ratio cddh_01
CDDH_02 = "      - id: cddh_02\n"  # an integer count of văn bản


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
    assert text.count(old) == 1
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


@dataclass(frozen=True)
class Break:
    """One wrong target and the issue it must produce."""

    name: str
    old: str
    new: str
    entry: str
    field: str
    message: str
    at: str


BREAKS = [
    Break(
        "unknown_key",
        CDDH_01,
        '        target: {default: {op: ">=", value: 100}, cap_xaa: {op: ">=", value: 90}}\n',
        "indicator cddh_01",
        "target.cap_xaa",
        "unknown key 'cap_xaa'; did you mean 'cap_xa'?",
        "target: {default",
    ),
    Break(
        "unknown_period_key",
        CDDH_01,
        '        target: {default: {op: ">=", value: 100}, Q4: {op: ">=", value: 75}}\n',
        "indicator cddh_01",
        "target.Q4",
        "unknown key 'Q4'",
        "target: {default",
    ),
    Break(
        "value_and_plan",
        CDDH_02,
        CDDH_02 + '        target: {op: ">=", value: 5, plan: 60}\n',
        "indicator cddh_02",
        "target",
        "give either value (a level to reach) or plan (a planned figure), not both",
        "value: 5, plan",
    ),
    Break(
        "neither_value_nor_plan",
        CDDH_02,
        CDDH_02 + '        target: {Q1: {op: ">="}}\n',
        "indicator cddh_02",
        "target.Q1",
        "not neither",
        "target: {Q1",
    ),
    Break(
        "plan_on_a_ratio",
        CDDH_01,
        '        target: {op: ">=", plan: 60}\n',
        "indicator cddh_01",
        "target.plan",
        "a plan is a planned number of things; for the type ratio give value (in %) instead",
        "target: {op",
    ),
    Break(
        "unknown_period_in_a_rule",
        CDDH_01,
        '        target: {xa: {op: ">=", value: 90, periods: [Y, Q9]}}\n',
        "indicator cddh_01",
        "target.xa.periods[1]",
        "unknown period kind 'Q9'",
        "target: {xa",
    ),
    Break(
        "period_entry_that_never_applies",
        CDDH_01,
        '        target: {H1: {op: ">=", value: 50, periods: [Y]}}\n',
        "indicator cddh_01",
        "target.H1.periods",
        "the entry for period H1 leaves out H1 itself, so it never applies",
        "target: {H1",
    ),
    Break(
        "wrong_operator_in_a_table",
        CDDH_01,
        '        target: {default: {op: "=>", value: 100}}\n',
        "indicator cddh_01",
        "target.default.op",
        "'=>' is not allowed",
        "target: {default",
    ),
]


@pytest.mark.parametrize("broken", BREAKS, ids=[b.name for b in BREAKS])
def test_wrong_target_is_reported_precisely(config_dir: Path, broken: Break) -> None:
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


def test_tables_by_period_group_and_kind_and_plans_are_accepted(config_dir: Path) -> None:
    edit(
        config_dir,
        CDDH_01,
        '        target: {default: {op: ">=", value: 100}, Q1: {op: ">=", value: 25},\n'
        '                 cap_xa: {op: ">=", value: 80}, co_quan_tinh: null}\n',
    )
    edit(config_dir, CDDH_02, CDDH_02 + '        target: {op: ">=", plan: 60, periods: [Y]}\n')
    assert check_configuration(config_dir) == []
    questionnaire = load_configuration(config_dir).questionnaire
    plan = questionnaire.by_id()["cddh_02"].target_for("Y")
    assert plan is not None
    assert (plan.op, plan.plan, plan.value) == (">=", 60, None)
