"""Roles and who may do what: checked in the service layer on every call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles a linked Telegram account can have."""

    HEAD = "head"
    STAFF = "staff"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Actor:
    """The linked account acting in a service call."""

    member_id: int
    telegram_user_id: int
    name: str
    role: Role
    unit_id: int | None
    unit_code: str | None
    unit_name: str | None

    @property
    def is_coordinator(self) -> bool:
        """Whether the actor coordinates the whole district."""
        return self.role is Role.COORDINATOR


class AccessDenied(Exception):
    """The actor's role does not allow this action; nothing was changed."""

    def __init__(self, action: str, actor: Actor | None) -> None:
        self.action = action
        self.actor = actor
        who = "an unlinked account" if actor is None else f"{actor.role} {actor.telegram_user_id}"
        super().__init__(f"{who} may not {action}")


def require_coordinator(actor: Actor | None, action: str) -> Actor:
    """Allow coordinators only."""
    if actor is None or actor.role is not Role.COORDINATOR:
        raise AccessDenied(action, actor)
    return actor


def require_unit_access(actor: Actor | None, unit_code: str, action: str) -> Actor:
    """Allow coordinators, and heads and staff of that very unit."""
    if actor is None:
        raise AccessDenied(action, actor)
    if actor.role is Role.COORDINATOR or actor.unit_code == unit_code:
        return actor
    raise AccessDenied(action, actor)


def require_unit_member(actor: Actor | None, action: str) -> Actor:
    """Allow heads and staff (who report for their own unit)."""
    if actor is None or actor.role not in (Role.HEAD, Role.STAFF) or actor.unit_code is None:
        raise AccessDenied(action, actor)
    return actor
