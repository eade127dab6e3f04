"""Process settings read from `CCHC_*` environment variables and `.env` (CONTRACT.md)."""

from __future__ import annotations

import re
import zoneinfo
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def bundled_config_dir() -> Path:
    """Return the folder of the bundled Trần Đề 2024 configuration."""
    return Path(str(resources.files("cchc_bot") / "bundled"))


class Settings(BaseSettings):
    """Everything the process reads from its environment; built once in `main()`."""

    model_config = SettingsConfigDict(
        env_prefix="CCHC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    database_url: str = "sqlite+aiosqlite:///cchc.db"
    config_dir: Path = Field(default_factory=bundled_config_dir)
    timezone: str = "Asia/Ho_Chi_Minh"
    bot_username: str | None = None
    files_dir: Path = Path("cchc-files")
    log_format: str = "text"
    log_level: str = "INFO"
    webhook_secret: SecretStr | None = None
    # "one": `cchc-bot run` refuses to start beside another on the same database; "many":
    # several webhook processes behind one load balancer share it (polling is always one).
    instances: Literal["one", "many"] = "one"
    # SQLite's `PRAGMA synchronous`: "full" (an acknowledged answer survives a power cut) or
    # "normal" (faster commits; the last transactions may be lost on power loss, not corrupted).
    sqlite_synchronous: Literal["full", "normal"] = "full"
    # Proxy for every Telegram call (http://host:port); unset: HTTPS_PROXY / ALL_PROXY apply.
    proxy_url: str | None = None
    # Public base URL of the web desk (https://desk.example.vn); unset: no web desk, no /web.
    web_url: str | None = None
    # How long a web desk session lasts, and how old a Mini App's signed initData may be.
    web_session_hours: float = Field(default=12, gt=0)
    web_init_data_max_age: int = Field(default=3600, gt=0)
    # Where `cchc-bot run` serves the web desk when CCHC_WEB_URL is set.
    web_listen: str = "127.0.0.1"
    web_port: int = 8080

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("sqlite_synchronous", mode="before")
    @classmethod
    def _lower_synchronous(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("proxy_url")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None  # `CCHC_PROXY_URL=` left blank in .env means "no proxy of our own"
        value = value.strip()
        if not re.fullmatch(r"https?://[^/\s]+/?", value):
            raise ValueError("must look like http://proxy.example:3128")
        return value

    @field_validator("web_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
            raise ValueError("must look like https://desk.example.vn")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_token(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token.
        if value is None or not value.get_secret_value():
            return None  # `CCHC_WEBHOOK_SECRET=` left blank in .env means "generate one"
        if not WEBHOOK_SECRET_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters among A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The zone every shown or scheduled date is in."""
        return zoneinfo.ZoneInfo(self.timezone)

    def require_token(self) -> str:
        """Return the bot token or raise a clear error when it is unset."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise MissingTokenError(
                "CCHC_BOT_TOKEN is not set: put the token from @BotFather in the environment "
                "or in .env (CCHC_BOT_TOKEN=123456:ABC...)"
            )
        return self.bot_token.get_secret_value().strip()


class MissingTokenError(RuntimeError):
    """The bot token is required for this command but is not configured."""
