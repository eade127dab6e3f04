"""`cchc-bot import`: the template, a dry run that finds a wrong cell, and nothing stored."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the Telegram-facing commands on the app)
from cchc_bot.cli import app

runner = CliRunner()


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with an initialised SQLite database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}")
    monkeypatch.delenv("CCHC_CONFIG_DIR", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_template_then_a_wrong_cell_is_named_and_nothing_is_stored(operator_env: Path) -> None:
    template = operator_env / "mau.xlsx"
    code, out, err = invoke("import", "--template", "--period", "2024-Q1", "--out", str(template))
    assert code == 0, err
    assert "38 units to fill in" in out
    code, out, err = invoke("import", "--period", "2024-Q1", str(template), "--dry-run")
    assert code == 0, err
    assert "would import 0 unit(s)" in out
    book = openpyxl.load_workbook(template)
    sheet = book["Theo đơn vị"]
    headers = [cell.value for cell in sheet[1]]
    column = next(i for i, h in enumerate(headers, 1) if str(h).startswith("cddh_02 · "))
    sheet.cell(2, column, "3 cái")
    book.save(template)
    code, out, err = invoke("import", "--period", "2024-Q1", str(template))
    assert code == 1
    letter = openpyxl.utils.get_column_letter(column)
    assert f"Theo đơn vị!{letter}2 (dòng 2, cột {letter})" in err
    assert "cddh_02" in err
    assert "nothing was stored" in err
    assert "Traceback" not in err
    code, _, err = invoke("import", "--period", "2024-Q1", str(operator_env / "khong-co.xlsx"))
    assert code == 1
    assert "no such file" in err
