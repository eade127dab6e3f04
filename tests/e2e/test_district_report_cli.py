"""`cchc-bot district-report` and the report outline's checks in `cchc-bot check-config`."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the Telegram-facing commands on the app)
from cchc_bot.cli import app
from cchc_bot.ops.settings import bundled_config_dir

runner = CliRunner()


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a SQLite database URL, no token, the bundled configuration."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cchc.db'}")
    monkeypatch.setenv("CCHC_BOT_USERNAME", "tran_de_cchc_bot")
    monkeypatch.delenv("CCHC_BOT_TOKEN", raising=False)
    monkeypatch.delenv("CCHC_CONFIG_DIR", raising=False)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the CLI and return exit code, stdout and stderr."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_district_report_of_a_period_without_submissions(operator_env: Path) -> None:
    assert invoke("init")[0] == 0
    out = operator_env / "du-thao.docx"
    code, stdout, err = invoke("district-report", "--period", "2024-q1", "--out", str(out))
    assert code == 0, err
    assert "0 submitted" in stdout
    body = [paragraph.text for paragraph in docx.Document(str(out)).paragraphs]
    assert "Kết quả thực hiện công tác cải cách hành chính Quý I năm 2024" in body
    assert any(
        line.startswith("Trong kỳ, chưa có cơ quan, đơn vị nào gửi báo cáo kết quả thực hiện (0/")
        for line in body
    )


def test_district_report_into_a_folder_uses_the_usual_name(operator_env: Path) -> None:
    invoke("init")
    folder = operator_env / "bao-cao"
    folder.mkdir()
    code, _, err = invoke("district-report", "--period", "2024-Q1", "--out", str(folder))
    assert code == 0, err
    [written] = folder.iterdir()
    assert written.name.startswith("BaoCao_CCHC_2024-Q1_TranDe_")
    assert written.suffix == ".docx"


def test_export_to_a_docx_writes_the_district_report(operator_env: Path) -> None:
    invoke("init")
    out = operator_env / "bao-cao.docx"
    code, stdout, err = invoke("export", "--period", "2024-Q1", "--out", str(out))
    assert code == 0, err
    assert "0 submitted" in stdout
    body = [paragraph.text for paragraph in docx.Document(str(out)).paragraphs]
    assert "Kết quả thực hiện công tác cải cách hành chính Quý I năm 2024" in body
    code, _, err = invoke("export", "--period", "2024-Q1", "--out", "x.pdf")
    assert code == 1
    assert ".docx" in err


def test_district_report_refuses_other_extensions(operator_env: Path) -> None:
    invoke("init")
    code, _, err = invoke("district-report", "--period", "2024-Q1", "--out", "x.pdf")
    assert code == 1
    assert ".docx" in err


def test_broken_outline_tag_is_named_with_file_and_line(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = operator_env / "config"
    shutil.copytree(bundled_config_dir(), folder)
    outline = folder / "report_outline.yaml"
    text = outline.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "{tthc_02}" in row)
    outline.write_text(text.replace("{tthc_02}", "{tthc_99}", 1), encoding="utf-8")
    code, _, err = invoke("check-config", str(folder))
    assert code == 1
    first = err.strip().splitlines()[0]
    assert first.startswith(f"report_outline.yaml:{line}: section II: parts[1].sentences[1]:")
    assert "{tthc_99}" in first
    assert "unknown indicator 'tthc_99'" in first
    monkeypatch.setenv("CCHC_CONFIG_DIR", str(folder))
    invoke("init")
    code, _, err = invoke("district-report", "--period", "2024-Q1", "--out", "x.docx")
    assert code == 1
    assert "report_outline.yaml" in err
    assert "Traceback" not in err


def test_outline_with_unknown_indicator_and_bad_field(operator_env: Path) -> None:
    folder = operator_env / "config"
    shutil.copytree(bundled_config_dir(), folder)
    outline = folder / "report_outline.yaml"
    text = outline.read_text(encoding="utf-8")
    text = text.replace("indicators: [tc_01,", "indicators: [tc_77, tc_01,", 1)
    text = text.replace("{tc_03}", "{tc_03.percent}", 1)
    text = text.replace(
        '- title: "1. Cải cách thể chế"', '- title: "1. Thể chế"\n        section: TTC', 1
    )
    outline.write_text(text, encoding="utf-8")
    code, _, err = invoke("check-config", str(folder))
    assert code == 1
    assert "parts[0].indicators[0]: unknown indicator 'tc_77'" in err
    assert "section II: parts[0].section: unknown questionnaire section 'TTC'" in err
    assert "{tc_03.percent}: tc_03 is not a ratio" in err
