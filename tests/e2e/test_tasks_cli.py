"""`cchc-bot tasks [--period CODE] [--json]`: the annex's tasks, overdue first, with rates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cchc_bot.cli import app

runner = CliRunner()


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a SQLite database and the bundled configuration."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}")
    monkeypatch.setenv("CCHC_BOT_USERNAME", "tran_de_cchc_bot")
    monkeypatch.delenv("CCHC_BOT_TOKEN", raising=False)
    monkeypatch.delenv("CCHC_CONFIG_DIR", raising=False)
    return tmp_path


def test_tasks_json_lists_overdue_tasks_first_with_district_rates(operator_env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["tasks", "--period", "2024-H1", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"] == "2024-H1"
    tasks = data["tasks"]
    # Nothing was reported: every task due by 10/6/2024 is overdue and not started.
    # Q1: the two CCHC plans and the law-monitoring plan (3); H1: Một cửa list, commune
    # staffing, financial autonomy, document system (4); the recurring ones (3).
    overdue = [task for task in tasks if task["overdue"]]
    assert len(overdue) == 10
    assert tasks[: len(overdue)] == overdue
    assert data["district"] == {
        "due": 10,
        "done_on_time": 0,
        "done_late": 0,
        "in_progress": 0,
        "not_started": 10,
        "overdue": 10,
        "on_time_rate": 0.0,
    }
    noi_vu = next(agency for agency in data["agencies"] if agency["unit"] == "p_noi_vu")
    # kh_tuyen_truyen, kh_kiem_tra (Q1), sap_xep_can_bo_xa (H1), bao_cao_cchc (recurring).
    assert noi_vu["due"] == 4
    first = tasks[0]
    assert set(first) >= {"id", "title", "area", "lead", "due", "status", "overdue", "document"}


def test_tasks_text_names_the_period_and_the_rate(operator_env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["tasks", "--period", "2024-Q1"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Nhiệm vụ theo Kế hoạch CCHC — Quý I/2024"
    assert lines[2] == "Tỷ lệ hoàn thành nhiệm vụ đúng hạn: 0 %"
    assert any("⚠️ Ban hành Kế hoạch tuyên truyền" in line for line in lines)


def test_tasks_refuses_an_unknown_period(operator_env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["tasks", "--period", "2024-Q9"])
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr


def test_tasks_reopen_names_the_rows_or_refuses_an_unknown_task(operator_env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["tasks", "--reopen", "p_noi_vu:kh_tuyen_truyen"])
    assert result.exit_code == 0, result.stderr
    assert "0 báo cáo" in result.stdout  # nothing was reported done yet
    bad = runner.invoke(app, ["tasks", "--reopen", "p_noi_vu:khong_co"])
    assert bad.exit_code != 0
    assert "unknown task" in bad.stderr
    assert "Traceback" not in bad.stderr
