"""The `cchc-bot` command line, run in-process like an operator would type it."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the Telegram-facing commands on the app)
from cchc_bot.cli import app

runner = CliRunner()


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a SQLite database URL and a bot username, no token."""
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


def test_init_twice_changes_nothing_the_second_time(operator_env: Path) -> None:
    code, out, _ = invoke("init")
    assert code == 0, out
    assert "added units" in out
    code, out, _ = invoke("init")
    assert code == 0
    assert out.startswith("Up to date")


def test_commands_refuse_an_uninitialised_database(operator_env: Path) -> None:
    code, _, err = invoke("units")
    assert code == 1
    assert "run `cchc-bot init` first" in err
    assert "Traceback" not in err


def test_units_json_has_the_contract_keys(operator_env: Path) -> None:
    invoke("init")
    code, out, _ = invoke("units", "--json")
    assert code == 0
    units = json.loads(out)
    xa = [unit for unit in units if unit["kind"] == "xa"]
    assert len(xa) == 11
    assert {"code", "name", "kind", "active", "members"} <= set(units[0])
    assert {unit["kind"] for unit in units} == {"phong", "dvsn", "co_quan_tinh", "xa"}


def test_invite_json_and_members_after_nothing_linked(operator_env: Path) -> None:
    invoke("init")
    code, out, err = invoke("invite", "--unit", "xa_tai_van", "--role", "head", "--json")
    assert code == 0, err
    invite = json.loads(out)
    assert invite["role"] == "head"
    assert invite["unit"] == "xa_tai_van"
    assert invite["link"] == f"https://t.me/tran_de_cchc_bot?start={invite['token']}"
    assert invite["expires_at"].endswith("+07:00")
    code, out, _ = invoke("invite", "--role", "coordinator", "--json")
    assert code == 0
    assert json.loads(out)["unit"] is None
    code, out, _ = invoke("members", "--json")
    assert code == 0
    assert json.loads(out) == []
    code, out, _ = invoke("invites", "--json")
    assert [row["status"] for row in json.loads(out)] == ["open", "open"]
    assert invite["token"] not in out


def test_a_coordinator_invite_with_a_scope_names_its_unit(operator_env: Path) -> None:
    invoke("init")
    code, out, err = invoke("invite", "--role", "coordinator", "--scope", "xa_tai_van", "--json")
    assert code == 0, err
    invite = json.loads(out)
    assert invite["unit"] is None
    assert invite["scope"] == "xa_tai_van"
    code, out, _ = invoke("invite", "--role", "coordinator", "--json")
    assert json.loads(out)["scope"] is None


def test_invite_all_writes_a_printable_sheet_with_bom(operator_env: Path) -> None:
    invoke("init")
    sheet = operator_env / "moi.csv"
    code, out, err = invoke("invite", "--all", "--role", "head", "--out", str(sheet), "--json")
    assert code == 0, err
    rows = json.loads(out)
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert table[0][0] == "Mã đơn vị"
    assert len(table) == len(rows) + 1
    assert any(row[1] == "Xã Tài Văn" for row in table)


def test_invite_qr_code_is_a_png(operator_env: Path) -> None:
    invoke("init")
    png = operator_env / "qr.png"
    code, _, err = invoke("invite", "--unit", "xa_tai_van", "--role", "staff", "--qr", str(png))
    assert code == 0, err
    assert png.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("invite", "--unit", "xa_khong_co", "--role", "head"), "unknown unit"),
        (("invite", "--role", "head"), "needs --unit"),
        (("invite", "--unit", "xa_tai_van", "--role", "coordinator"), "takes no --unit"),
        (("invite", "--role", "coordinator", "--scope", "xa_khong_co"), "unknown scope unit"),
        (("invite", "--unit", "xa_tai_van", "--role", "head", "--scope", "xa_tai_van"), "--scope"),
        (
            ("invite", "--unit", "xa_tai_van", "--role", "head", "--expires", "0"),
            "between 1 and 365",
        ),
        (("revoke", "123"), "no linked account"),
        (("revoke-invite", "99"), "no invite with id 99"),
    ],
)
def test_operator_mistakes_get_one_line_reasons(
    operator_env: Path, args: tuple[str, ...], message: str
) -> None:
    invoke("init")
    code, _, err = invoke(*args)
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_run_refuses_to_start_without_a_token(operator_env: Path) -> None:
    invoke("init")
    code, _, err = invoke("run")
    assert code == 1
    assert "CCHC_BOT_TOKEN is not set" in err


def test_python_bot_py_is_the_same_cli(operator_env: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(root / "bot.py"), "calendar", "--year", "2024", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [period["code"] for period in json.loads(result.stdout)] == [
        "2024-Q1",
        "2024-H1",
        "2024-Q3",
        "2024-Y",
    ]


def test_status_json_lists_every_active_unit_not_started(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("init")
    code, out, err = invoke("status", "--period", "2024-Q1", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert status["period"] == "2024-Q1"
    assert status["deadline"] == "2024-03-11T23:59:59+07:00"
    assert {unit["state"] for unit in status["units"]} == {"not_started"}
    assert all(unit["late"] for unit in status["units"])  # 2024-Q1 is long past
    tai_van = next(unit for unit in status["units"] if unit["code"] == "xa_tai_van")
    assert tai_van["answered"] == 0
    assert tai_van["total"] > 20
    assert tai_van["reachable"] is False
    code, _, err = invoke("status", "--period", "2024-Q9")
    assert code == 1
    assert "2024-Q9" in err


def test_export_writes_xlsx_and_csv_with_every_active_unit(operator_env: Path) -> None:
    from openpyxl import load_workbook

    invoke("init")
    xlsx = operator_env / "tong-hop.xlsx"
    code, _, err = invoke("export", "--period", "2024-Q1", "--out", str(xlsx))
    assert code == 0, err
    book = load_workbook(xlsx)
    assert book.sheetnames[0] == "Tổng hợp"
    assert book["Theo đơn vị"].max_row == 39  # header + 38 active units
    csv_file = operator_env / "theo-don-vi.csv"
    code, _, err = invoke("export", "--period", "2024-Q1", "--out", str(csv_file))
    assert code == 0, err
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert not raw[3:].startswith(b"\xef\xbb\xbf")
    code, _, err = invoke("export", "--period", "2024-Q1", "--out", str(operator_env / "x.pdf"))
    assert code == 1
    assert ".xlsx, .csv or .docx" in err


def test_check_config_passes_the_bundled_files_and_names_each_problem(
    operator_env: Path,
) -> None:
    import shutil

    from cchc_bot.ops.settings import bundled_config_dir

    code, out, _ = invoke("check-config")
    assert code == 0
    assert out.startswith("OK:")
    broken = operator_env / "config"
    shutil.copytree(bundled_config_dir(), broken)
    units = broken / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace("kind: xa", "kind: huyen", 1), encoding="utf-8"
    )
    code, _, err = invoke("check-config", str(broken))
    assert code == 1
    first = err.strip().splitlines()[0]
    assert first.startswith("units.yaml:")
    assert "kind" in first
    assert "Traceback" not in err


def test_calendar_json_gives_the_plan_windows_and_deadlines(operator_env: Path) -> None:
    code, out, _ = invoke("calendar", "--year", "2024", "--json")
    assert code == 0
    periods = json.loads(out)
    assert [(p["code"], p["window_start"], p["window_end"], p["deadline"]) for p in periods] == [
        ("2024-Q1", "2023-12-11", "2024-03-10", "2024-03-11T23:59:59+07:00"),
        ("2024-H1", "2023-12-11", "2024-06-10", "2024-06-11T23:59:59+07:00"),
        ("2024-Q3", "2024-06-11", "2024-09-10", "2024-09-11T23:59:59+07:00"),
        ("2024-Y", "2023-12-11", "2024-12-10", "2024-12-11T23:59:59+07:00"),
    ]
    assert all(len(p["reminders"]) == 7 for p in periods)
    assert periods[0]["reminders"][0] == "2024-02-26T08:00:00+07:00"
