"""Telegram Mini App initData: the signature as Telegram specifies it, and its age."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest

from handlers.web.init_data import InitDataError, sign_init_data, verify_init_data

TOKEN = "7000000001:AAH-cchc-web-tests-token-0123456789abc"
NOW = dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def telegram_signed(fields: dict[str, str], token: str = TOKEN) -> str:
    """Signed exactly as https://core.telegram.org/bots/webapps describes, written out here."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def fields(at: dt.datetime = NOW, user_id: int = 42) -> dict[str, str]:
    """A Mini App launch's fields."""
    return {
        "auth_date": str(int(at.timestamp())),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Lan"}, ensure_ascii=False),
    }


def test_initdata_signed_as_telegram_specifies_is_accepted() -> None:
    user = verify_init_data(telegram_signed(fields()), TOKEN, max_age=HOUR, now=NOW)
    assert user.telegram_user_id == 42
    assert user.first_name == "Lan"
    assert sign_init_data(fields(), TOKEN) == telegram_signed(fields())


@pytest.mark.parametrize(
    "raw",
    [
        telegram_signed(fields(), token="7000000002:AAH-another-bot"),
        telegram_signed(fields()).replace("42", "43"),
        urlencode(fields()),
        telegram_signed(fields(NOW - HOUR - dt.timedelta(seconds=1))),
        telegram_signed(fields(NOW + dt.timedelta(minutes=10))),
        telegram_signed({"auth_date": fields()["auth_date"]}),
        telegram_signed({**fields(), "user": "not json"}),
        "",
        "hash=&hash=",
    ],
    ids=[
        "other_bot",
        "tampered",
        "unsigned",
        "too_old",
        "future",
        "no_user",
        "bad_user",
        "empty",
        "duplicate",
    ],
)
def test_forged_altered_or_stale_initdata_is_refused(raw: str) -> None:
    with pytest.raises(InitDataError):
        verify_init_data(raw, TOKEN, max_age=HOUR, now=NOW)
