"""`cchc-bot sandbox`: the real bot, the local Telegram server and a chat played from a script."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the Telegram-facing commands on the app)
from cchc_bot import period_calendar
from cchc_bot.cli import app
from cchc_bot.config.loading import load_configuration
from cchc_bot.conversation import (
    ButtonPress,
    QuestionView,
    SummaryView,
    TextInput,
    context_for_period,
    start,
    step,
)
from cchc_bot.ops.settings import bundled_config_dir
from cchc_bot.texts.chat_report import BUTTON_LABELS
from tests.bot.reporting import error_rules, figures_of, plausible_answer

ROOT = Path(__file__).resolve().parents[2]
START = "2024-03-05T08:00"
WORKBOOK = "CCHC_2024-Q1_TranDe_20240305.xlsx"
SUBMIT = BUTTON_LABELS["submit"]
runner = CliRunner()


@pytest.fixture
def sandbox_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory without `.env`, on the bundled configuration."""
    monkeypatch.chdir(tmp_path)
    for name in ("CCHC_CONFIG_DIR", "CCHC_DATABASE_URL", "CCHC_BOT_TOKEN", "CCHC_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def full_report_lines(unit_code: str) -> list[str]:
    """What a careful head types (and presses) to file the whole Quý I/2024 report.

    Worked out on the pure conversation engine with the bot tests' `plausible_answer`, so the
    script follows the bundled questionnaire wherever it goes.
    """
    config = load_configuration(bundled_config_dir())
    period = period_calendar.period_by_code(
        config.schedule, "2024-Q1", zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    )
    context = context_for_period(config.questionnaire, config.units.by_code()[unit_code], period)
    outcome = start(context)
    rules = error_rules(config.questionnaire)
    lines: list[str] = []
    for _ in range(200):
        view = outcome.view
        if isinstance(view, SummaryView):
            return [*lines, f"/press {SUBMIT}"]
        assert isinstance(view, QuestionView)
        figures = figures_of(outcome.state.answers)
        kind, value = plausible_answer(view, figures, rules)
        if kind == "say":
            event: TextInput | ButtonPress = TextInput(value)
            lines.append(value)
        else:
            button = next(b for b in view.buttons if BUTTON_LABELS[b.label.value] == value)
            event = ButtonPress(button.action.value, button.argument)
            lines.append(f"/press {value}")
        outcome = step(context, outcome.state, event)
    raise AssertionError("the report did not reach its summary in 200 answers")


def bot_messages(transcript: str) -> list[tuple[str, str]]:
    """The bot's messages in a printed transcript: (persona key, text up to the next line)."""
    found = []
    for chunk in transcript.split("\n🤖 ")[1:]:
        heading, _, body = chunk.partition("\n")
        found.append((heading.split()[0], body))
    return found


def play(script: Path, *extra: str) -> tuple[int, str]:
    """Run `cchc-bot sandbox --script` in-process; exit code and transcript."""
    result = runner.invoke(app, ["sandbox", "--script", str(script), "--now", START, *extra])
    return result.exit_code, result.stdout + result.stderr


def test_a_script_files_a_full_report_then_status_export_and_a_reminder_after_time(
    sandbox_env: Path,
) -> None:
    report = full_report_lines("xa_tai_van")
    assert len(report) >= 30  # every question of a xã (60, some passed over) and the submit
    script = sandbox_env / "training.txt"
    lines = [
        "# The head of Xã Tài Văn files the report",
        "/report",
        *report,
        "/as Phòng Nội vụ",
        "/status",
        "#1",
        "/export",
        "/time 2024-03-07T08:01",
    ]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = sandbox_env / "data"

    code, transcript = play(script, "--data-dir", str(data))

    assert code == 0, transcript
    messages = bot_messages(transcript)
    assert any(
        who == "tai_van" and "Đã gửi báo cáo CCHC Quý I/2024" in text for who, text in messages
    ), transcript
    status = next(text for who, text in messages if who == "noi_vu" and "Tình trạng" in text)
    assert "Nộp đúng hạn: 1" in status
    # Page 2, after pressing #1 (the line may carry the unit's code after its name).
    assert re.search(r"✅ Xã Tài Văn( \(xa_tai_van\))? — nộp 05/03 08:00", transcript)
    saved = data / "files" / WORKBOOK
    assert f"📎 Đã lưu {WORKBOOK} → {saved}" in transcript
    book = load_workbook(io.BytesIO(saved.read_bytes()))
    assert "Xã Tài Văn" in [row[0].value for row in book["Theo đơn vị"].iter_rows(min_row=2)]
    after_time = transcript.split("🕒 Giờ của bot: 08:01 ngày 7/3/2024 (thứ Năm)", 1)[1]
    reminders = [(who, text) for who, text in bot_messages(after_time) if "Nhắc báo cáo" in text]
    # Phòng Tư pháp has not started: reminded two working days ahead; Tài Văn has submitted.
    assert [who for who, _ in reminders] == ["tu_phap"], after_time
    assert "còn 4 ngày" in reminders[0][1]


def test_the_entry_point_plays_the_demo_script_with_its_overdue_reminders(
    tmp_path: Path,
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CCHC_")}
    data = tmp_path / "data"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bot.py"),
            "sandbox",
            "--script",
            str(ROOT / "scripts" / "demo.txt"),
            "--now",
            START,
            "--data-dir",
            str(data),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    transcript = result.stdout
    assert result.returncode == 0, transcript + result.stderr
    assert "Bot hiểu số anh/chị nhập là 1.250" in transcript
    assert "✅ Câu 1: 17/20 = 85 %." in transcript
    assert "Đơn vị quá hạn báo cáo CCHC Quý I/2024" in transcript
    overdue = [who for who, text in bot_messages(transcript) if "QUÁ HẠN 1 ngày" in text]
    assert sorted(overdue) == ["tai_van", "tu_phap"]
    assert (data / "files" / WORKBOOK).is_file()
    assert "Traceback" not in result.stderr
    log = (data / "bot.log").read_text(encoding="utf-8")
    assert "ERROR" not in log
    assert "7100000001:" not in log  # the sandbox's token never reaches the log


def test_a_script_stops_at_the_first_line_it_cannot_carry_out(sandbox_env: Path) -> None:
    script = sandbox_env / "wrong.txt"
    script.write_text("/report\n#9\nnever sent\n", encoding="utf-8")

    code, transcript = play(script)

    assert code == 1
    assert "❌ Dòng 2 của kịch bản: không có nút số 9" in transcript
    assert "never sent" not in transcript
    assert "Đã xoá thư mục tạm" in transcript


def test_the_interactive_chat_reads_lines_until_quit(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CCHC_")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "sandbox", "--now", START],
        cwd=tmp_path,
        env={**env, "COLUMNS": "120"},
        input="/report\n/as tu phap\n!help\n/quit\nnever sent\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "🤖 tai_van #" in result.stdout
    assert "Câu 1/60" in result.stdout
    assert "Bây giờ bạn là tu_phap" in result.stdout
    assert "Lệnh của hộp cát" in result.stdout
    assert "never sent" not in result.stdout
    assert "Kết thúc hộp cát" in result.stdout


def export_script(folder: Path, *, last: str | None = None) -> Path:
    """Phòng Nội vụ asks for the workbook (a document the bot sends), optionally a last line."""
    script = folder / "export.txt"
    lines = ["/as noi_vu", "/export", *([last] if last else [])]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def kept_folder(transcript: str) -> Path:
    """The folder the sandbox says it kept the bot's files in."""
    line = next(line for line in transcript.splitlines() if "được giữ lại tại" in line)
    return Path(line.split("được giữ lại tại ", 1)[1].split(" (", 1)[0])


def test_quit_keeps_the_files_the_bot_sent_and_says_where(sandbox_env: Path) -> None:
    code, transcript = play(export_script(sandbox_env, last="/quit"))

    assert code == 0, transcript
    files = kept_folder(transcript)
    try:
        assert (files / WORKBOOK).is_file()
        assert files.name == "files"
        # The rest of the temporary session (database, log) is cleaned up; the files stay.
        assert not (files.parent / "cchc.db").exists()
        assert "/quit xoa" in transcript  # says how to delete them next time
    finally:
        shutil.rmtree(files.parent, ignore_errors=True)


def test_quit_xoa_deletes_the_files_the_bot_sent(sandbox_env: Path) -> None:
    code, transcript = play(export_script(sandbox_env, last="/quit xoa"))

    assert code == 0, transcript
    saved = next(line for line in transcript.splitlines() if line.startswith("📎 Đã lưu "))
    path = Path(saved.split(" → ", 1)[1])
    assert not path.exists()
    assert not path.parent.parent.exists()  # the whole temporary folder
    assert "🧹" in transcript


def test_quit_xoa_in_a_chosen_folder_deletes_only_the_files(sandbox_env: Path) -> None:
    data = sandbox_env / "data"
    code, transcript = play(export_script(sandbox_env, last="/quit xoa"), "--data-dir", str(data))

    assert code == 0, transcript
    assert not (data / "files" / WORKBOOK).exists()
    assert (data / "cchc.db").is_file()  # the database of a chosen folder is the user's to keep
