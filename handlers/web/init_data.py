"""Telegram Mini App `initData`: verified with HMAC-SHA-256 as Telegram specifies."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

# A signature dated this far after the server's clock is clock skew, not a replay.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


class InitDataError(Exception):
    """The initData is malformed, forged or too old; nobody is signed in."""


@dataclass(frozen=True)
class MiniAppUser:
    """The Telegram account the verified initData speaks for."""

    telegram_user_id: int
    first_name: str
    auth_date: dt.datetime
    signature: str  # the initData's `hash`, unique to this launch


def _secret_key(bot_token: str) -> bytes:
    # Telegram: secret_key = HMAC_SHA256(key="WebAppData", message=bot_token).
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields))


def sign_init_data(fields: Mapping[str, str], bot_token: str) -> str:
    """The initData Telegram would send with these fields (tests and the sandbox sign with it)."""
    digest = hmac.new(
        _secret_key(bot_token), _check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    return urlencode({**fields, "hash": digest})


def verify_init_data(
    raw: str, bot_token: str, *, max_age: dt.timedelta, now: dt.datetime
) -> MiniAppUser:
    """Check the signature and age of initData and return its user (InitDataError if not)."""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError("malformed initData") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("a field appears twice")
    given = fields.pop("hash", "")
    expected = hmac.new(
        _secret_key(bot_token), _check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise InitDataError("the signature does not match")
    try:
        auth_date = dt.datetime.fromtimestamp(int(fields["auth_date"]), dt.UTC)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
        first_name = str(user.get("first_name", ""))
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise InitDataError("auth_date or user is missing or malformed") from exc
    if now - auth_date > max_age:
        raise InitDataError("the initData is too old")
    if auth_date - now > FUTURE_TOLERANCE:
        raise InitDataError("the initData is dated in the future")
    return MiniAppUser(user_id, first_name, auth_date, given)
