"""Roles and who may do what: checked in the service layer on every call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cchc_bot.tree import subtree


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
    # A coordinator's node (`invite --scope UNIT`): they act on its subtree; None: everything.
    scope_code: str | None = None

    @property
    def is_coordinator(self) -> bool:
        """Whether the actor is a coordinator (of the whole tree or of one subtree)."""
        return self.role is Role.COORDINATOR

    @property
    def is_scoped(self) -> bool:
        """Whether the actor coordinates one subtree only."""
        return self.role is Role.COORDINATOR and self.scope_code is not None


class AccessDenied(Exception):
    """The actor's role does not allow this action; nothing was changed."""

    def __init__(self, action: str, actor: Actor | None) -> None:
        self.action = action
        self.actor = actor
        who = "an unlinked account" if actor is None else f"{actor.role} {actor.telegram_user_id}"
        super().__init__(f"{who} may not {action}")


class OutOfScope(AccessDenied):
    """A scoped coordinator asked about a unit outside their subtree; nothing was changed."""

    def __init__(self, action: str, actor: Actor, unit_code: str | None) -> None:
        super().__init__(action, actor)
        self.unit_code = unit_code


def units_in_scope(actor: Actor, parents: Mapping[str, str | None]) -> frozenset[str]:
    """The unit codes an actor may act on: all, a coordinator's subtree, or one's own unit."""
    if actor.role is Role.COORDINATOR:
        if actor.scope_code is None:
            return frozenset(parents)
        return subtree(actor.scope_code, parents)
    return frozenset({actor.unit_code}) if actor.unit_code is not None else frozenset()


def require_in_scope(
    actor: Actor, unit_code: str, parents: Mapping[str, str | None], action: str
) -> Actor:
    """Allow a coordinator acting on a unit of their subtree (every unit when unscoped)."""
    require_coordinator(actor, action)
    if actor.scope_code is not None and unit_code not in subtree(actor.scope_code, parents):
        raise OutOfScope(action, actor, unit_code)
    return actor


def require_whole_tree(actor: Actor | None, action: str) -> Actor:
    """Allow only coordinators of the whole tree (an action that is not per unit)."""
    coordinator = require_coordinator(actor, action)
    if coordinator.scope_code is not None:
        raise OutOfScope(action, coordinator, None)
    return coordinator


def require_coordinator(actor: Actor | None, action: str) -> Actor:
    """Allow coordinators only."""
    if actor is None or actor.role is not Role.COORDINATOR:
        raise AccessDenied(action, actor)
    return actor


def require_unit_access(
    actor: Actor | None,
    unit_code: str,
    action: str,
    parents: Mapping[str, str | None] | None = None,
) -> Actor:
    """Allow coordinators (of a subtree holding the unit), and heads and staff of that unit.

    A scoped coordinator is refused when `parents` (the tree) is not given: fail closed.
    """
    if actor is None:
        raise AccessDenied(action, actor)
    if actor.role is Role.COORDINATOR:
        if actor.scope_code is None:
            return actor
        return require_in_scope(actor, unit_code, parents or {}, action)
    if actor.unit_code == unit_code:
        return actor
    raise AccessDenied(action, actor)


def require_unit_member(actor: Actor | None, action: str) -> Actor:
    """Allow heads and staff (who report for their own unit)."""
    if actor is None or actor.role not in (Role.HEAD, Role.STAFF) or actor.unit_code is None:
        raise AccessDenied(action, actor)
    return actor
