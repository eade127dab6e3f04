"""Settings from the environment and the token-scrubbing log filter."""

from __future__ import annotations

import io
import logging

import pytest
from pydantic import ValidationError

from cchc_bot.ops.logs import REDACTED, TokenRedactingFilter, configure_logging
from cchc_bot.ops.settings import MissingTokenError, Settings, bundled_config_dir

TOKEN = "7312345678:AAHk3vJxQ_real-looking-token-value-1234567"


def test_defaults_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CCHC_BOT_TOKEN", "CCHC_DATABASE_URL", "CCHC_CONFIG_DIR", "CCHC_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_url == "https://api.telegram.org/file/bot"
    assert settings.database_url == "sqlite+aiosqlite:///cchc.db"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.config_dir == bundled_config_dir()
    assert (settings.config_dir / "units.yaml").is_file()


def test_missing_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_BOT_TOKEN", raising=False)
    with pytest.raises(MissingTokenError, match="CCHC_BOT_TOKEN is not set"):
        Settings(_env_file=None).require_token()


def test_token_is_secret_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_BOT_TOKEN", TOKEN)
    settings = Settings(_env_file=None)
    assert TOKEN not in repr(settings)
    assert settings.require_token() == TOKEN


def test_settings_read_dotenv(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    (tmp_path / ".env").write_text("CCHC_TIMEZONE=Asia/Bangkok\nCCHC_BOT_USERNAME=tran_de_bot\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCHC_TIMEZONE", raising=False)
    settings = Settings()
    assert settings.timezone == "Asia/Bangkok"
    assert settings.bot_username == "tran_de_bot"


def test_unknown_timezone_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_TIMEZONE", "Asia/Nowhere")
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        Settings(_env_file=None)


@pytest.mark.parametrize(
    "message",
    [
        f"HTTP Request: POST https://api.telegram.org/bot{TOKEN}/getUpdates",
        f"token={TOKEN}",
        "other token 123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef012 leaked",
    ],
)
def test_token_never_reaches_the_log_output(message: str) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TokenRedactingFilter([TOKEN]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("%s", message)
        try:
            raise RuntimeError(message)
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef012" not in output
    assert REDACTED in output


def test_json_log_lines_are_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json", secrets=[TOKEN])
    try:
        logging.getLogger("cchc_bot.test").info("calling %s", TOKEN, extra={"update_id": 7})
    finally:
        logging.getLogger().handlers.clear()
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert TOKEN not in line
    assert '"update_id": 7' in line
