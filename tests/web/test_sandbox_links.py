"""`cchc-bot sandbox --web`: the desk served locally and a sign-in link printed per persona."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot  # noqa: F401  (registers the Telegram-facing commands on the CLI)
from cchc_bot.cli import app
from cchc_bot.sandbox import PERSONAS


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_sandbox_prints_a_sign_in_link_for_each_persona(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("CCHC_WEB_PORT", str(port))
    monkeypatch.delenv("CCHC_BOT_TOKEN", raising=False)
    script = tmp_path / "chat.txt"
    script.write_text("# chỉ xem đường dẫn\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sandbox", "--web", "--script", str(script)])
    assert result.exit_code == 0, result.output
    assert f"Bàn làm việc trên web: http://127.0.0.1:{port}" in result.output
    pattern = rf"http://127\.0\.0\.1:{port}/login\?token=([A-Za-z0-9_-]{{32}})"
    links = re.findall(pattern, result.output)
    assert len(links) == len(PERSONAS) == 3
    assert len(set(links)) == 3
    for persona in PERSONAS:
        assert f"  {persona.label}: http://127.0.0.1:{port}/login?token=" in result.output
