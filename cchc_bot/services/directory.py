"""Read-only listings of units and their linked members for the CLI and the bot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.models import Member, Unit
from db.session import SessionFactory


@dataclass(frozen=True)
class MemberView:
    """A linked account as shown to operators."""

    telegram_user_id: int
    name: str
    role: str
    unit: str | None
    reachable: bool
    linked_at: dt.datetime


@dataclass(frozen=True)
class UnitView:
    """A unit with its linked members."""

    code: str
    name: str
    kind: str
    active: bool
    has_tthc: bool
    members: tuple[MemberView, ...]
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    successors: tuple[str, ...] = ()


async def list_units(
    session_factory: SessionFactory, *, include_inactive: bool = True
) -> list[UnitView]:
    """Every unit (by kind, then code) with its members that are not revoked."""
    async with session_factory() as session:
        query = select(Unit).order_by(Unit.kind, Unit.code)
        if not include_inactive:
            query = query.where(Unit.active.is_(True))
        units = (await session.scalars(query)).all()
        members = (
            await session.scalars(
                select(Member).where(Member.revoked_at.is_(None)).order_by(Member.linked_at)
            )
        ).all()
    by_unit: dict[int | None, list[MemberView]] = {}
    codes = {unit.id: unit.code for unit in units}
    for member in members:
        by_unit.setdefault(member.unit_id, []).append(
            MemberView(
                telegram_user_id=member.telegram_user_id,
                name=member.name,
                role=member.role,
                unit=codes.get(member.unit_id) if member.unit_id is not None else None,
                reachable=member.reachable,
                linked_at=member.linked_at,
            )
        )
    return [
        UnitView(
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            active=unit.active,
            has_tthc=unit.has_tthc,
            members=tuple(by_unit.get(unit.id, [])),
            parent=unit.parent_code,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            successors=tuple(unit.successors or ()),
        )
        for unit in units
    ]


async def list_members(session_factory: SessionFactory) -> list[MemberView]:
    """Every linked account that is not revoked, coordinators first."""
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(Member, Unit.code)
                .outerjoin(Unit, Member.unit_id == Unit.id)
                .where(Member.revoked_at.is_(None))
                .order_by(Unit.code.asc().nulls_first(), Member.role, Member.linked_at)
            )
        ).all()
    return [
        MemberView(
            telegram_user_id=member.telegram_user_id,
            name=member.name,
            role=member.role,
            unit=code,
            reachable=member.reachable,
            linked_at=member.linked_at,
        )
        for member, code in rows
    ]
