"""Account records: invite tokens, value types, the actor of a member, audit events."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import Actor, Role
from db import repositories
from db.models import AuditEvent, Member, Unit

# 24 random bytes = 192 bits, 32 URL-safe characters: fits a t.me deep link (≤ 64 of A-Za-z0-9_-).
TOKEN_BYTES = 24
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
DEFAULT_INVITE_DAYS = 14
FAILED_LINK_LIMIT = 5
FAILED_LINK_WINDOW = dt.timedelta(minutes=10)


class AccountError(Exception):
    """An operator request that cannot be carried out (unknown unit, bad role, ...)."""


def hash_token(token: str) -> str:
    """The SHA-256 of an invite token: the only form it is stored in."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def new_token() -> str:
    """A fresh, random, URL-safe invite token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class CreatedInvite:
    """An invite as printed once to the operator (the token is not stored)."""

    invite_id: int
    token: str
    role: Role
    unit_code: str | None
    unit_name: str | None
    expires_at: dt.datetime
    # A coordinator invite's subtree (`--scope UNIT`); None: the whole tree.
    scope_code: str | None = None
    scope_name: str | None = None


@dataclass(frozen=True)
class InviteView:
    """An invite as listed for operators (never the token)."""

    invite_id: int
    role: Role
    unit_code: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    status: str
    used_by_telegram_user_id: int | None


class LinkOutcome(StrEnum):
    """What happened to a /start TOKEN."""

    LINKED = "linked"
    CONFIRM = "confirm"
    ALREADY_LINKED = "already_linked"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"
    UNIT_INACTIVE = "unit_inactive"
    TOO_MANY_ATTEMPTS = "too_many_attempts"


@dataclass(frozen=True)
class LinkTarget:
    """The role and unit an invite would give."""

    role: Role
    unit_code: str | None
    unit_name: str | None


@dataclass(frozen=True)
class LinkResult:
    """The outcome of a link attempt, with what the handler needs to reply."""

    outcome: LinkOutcome
    actor: Actor | None = None
    target: LinkTarget | None = None
    retry_after: dt.timedelta | None = None


@dataclass(frozen=True)
class TelegramIdentity:
    """Who is linking: the Telegram account's id and display name."""

    telegram_user_id: int
    name: str
    username: str | None = None


def actor_from(member: Member, unit: Unit | None) -> Actor:
    """Build the acting member's view from its rows."""
    return Actor(
        member_id=member.id,
        telegram_user_id=member.telegram_user_id,
        name=member.name,
        role=Role(member.role),
        unit_id=unit.id if unit is not None else None,
        unit_code=unit.code if unit is not None else None,
        unit_name=unit.name if unit is not None else None,
        scope_code=member.scope_unit.code if member.scope_unit is not None else None,
    )


async def active_member(
    session: AsyncSession, telegram_user_id: int
) -> tuple[Member, Unit | None] | None:
    """The linked, unrevoked member of a Telegram account, with its unit."""
    row = (
        await session.execute(
            repositories.ACTIVE_MEMBER_WITH_UNIT, {"telegram_user_id": telegram_user_id}
        )
    ).first()
    return None if row is None else (row[0], row[1])


def audit(
    session: AsyncSession,
    now: dt.datetime,
    action: str,
    *,
    actor_member_id: int | None = None,
    telegram_user_id: int | None = None,
    unit_id: int | None = None,
    **details: object,
) -> None:
    """Add an audit event to the caller's transaction."""
    session.add(
        AuditEvent(
            at=now,
            action=action,
            actor_member_id=actor_member_id,
            actor_telegram_user_id=telegram_user_id,
            unit_id=unit_id,
            details=dict(details),
        )
    )
