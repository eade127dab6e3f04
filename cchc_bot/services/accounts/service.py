"""Invites, linking Telegram accounts, revoking them, reachability and audit of it all."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import Actor, Role
from cchc_bot.clock import Clock
from cchc_bot.services.accounts.records import (
    DEFAULT_INVITE_DAYS,
    FAILED_LINK_LIMIT,
    FAILED_LINK_WINDOW,
    TOKEN_PATTERN,
    AccountError,
    CreatedInvite,
    InviteView,
    LinkOutcome,
    LinkResult,
    LinkTarget,
    TelegramIdentity,
    active_member,
    actor_from,
    audit,
    hash_token,
    new_token,
)
from db import repositories
from db.models import AuditEvent, Invite, Member, Unit
from db.session import SessionFactory


class AccountService:
    """Everything about who may use the bot."""

    def __init__(self, session_factory: SessionFactory, clock: Clock) -> None:
        self._sessions = session_factory
        self._clock = clock

    async def resolve_actor(self, telegram_user_id: int) -> Actor | None:
        """The linked, not revoked account behind a Telegram user id, or None."""
        async with self._sessions() as session:
            found = await active_member(session, telegram_user_id)
        return None if found is None else actor_from(*found)

    async def create_invite(
        self,
        role: Role,
        unit_code: str | None,
        *,
        expires_days: int = DEFAULT_INVITE_DAYS,
        scope: str | None = None,
    ) -> CreatedInvite:
        """Create one single-use invite (operator, CLI); `scope`: a coordinator's subtree."""
        return (
            await self.create_invites(role, [unit_code], expires_days=expires_days, scope=scope)
        )[0]

    async def create_invites_for_all_units(
        self, role: Role, *, expires_days: int = DEFAULT_INVITE_DAYS
    ) -> list[CreatedInvite]:
        """One invite per active unit that has not ended (operator, CLI)."""
        if role is Role.COORDINATOR:
            raise AccountError("coordinator invites belong to no unit; use --role head or staff")
        # A unit that ended (valid_to passed: merged, split) gets none; one that begins later does.
        today = self._clock().date()
        async with self._sessions() as session:
            codes: list[str | None] = list(
                (
                    await session.scalars(
                        select(Unit.code)
                        .where(
                            Unit.active.is_(True),
                            or_(Unit.valid_to.is_(None), Unit.valid_to >= today),
                        )
                        .order_by(Unit.kind, Unit.code)
                    )
                ).all()
            )
        return await self.create_invites(role, codes, expires_days=expires_days)

    async def create_invites(
        self,
        role: Role,
        unit_codes: list[str | None],
        *,
        expires_days: int = DEFAULT_INVITE_DAYS,
        scope: str | None = None,
    ) -> list[CreatedInvite]:
        """Create invites for several units in one transaction."""
        if not 1 <= expires_days <= 365:
            raise AccountError("--expires must be between 1 and 365 days")
        if scope is not None and role is not Role.COORDINATOR:
            raise AccountError("--scope is for --role coordinator only")
        now = self._clock()
        expires_at = now + dt.timedelta(days=expires_days)
        created: list[CreatedInvite] = []
        async with self._sessions.begin() as session:
            scope_unit = None
            if scope is not None:
                scope_unit = await session.scalar(select(Unit).where(Unit.code == scope))
                if scope_unit is None:
                    raise AccountError(f"unknown scope unit {scope!r}; see `cchc-bot units`")
            for unit_code in unit_codes:
                unit = await self._invite_unit(session, role, unit_code)
                token = new_token()
                invite = Invite(
                    token_hash=hash_token(token),
                    role=role.value,
                    unit_id=unit.id if unit is not None else None,
                    scope_unit_id=scope_unit.id if scope_unit is not None else None,
                    created_at=now,
                    expires_at=expires_at,
                )
                session.add(invite)
                await session.flush()
                audit(
                    session,
                    now,
                    "invite_created",
                    unit_id=invite.unit_id,
                    invite_id=invite.id,
                    role=role.value,
                    scope=scope,
                )
                created.append(
                    CreatedInvite(
                        invite_id=invite.id,
                        token=token,
                        role=role,
                        unit_code=unit.code if unit is not None else None,
                        unit_name=unit.name if unit is not None else None,
                        expires_at=expires_at,
                        scope_code=scope,
                        scope_name=scope_unit.name if scope_unit is not None else None,
                    )
                )
        return created

    @staticmethod
    async def _invite_unit(session: AsyncSession, role: Role, unit_code: str | None) -> Unit | None:
        if role is Role.COORDINATOR:
            if unit_code is not None:
                raise AccountError("a coordinator invite takes no --unit")
            return None
        if unit_code is None:
            raise AccountError(f"a {role} invite needs --unit CODE")
        unit = await session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise AccountError(f"unknown unit {unit_code!r}; see `cchc-bot units`")
        if not unit.active:
            raise AccountError(f"unit {unit_code!r} is inactive")
        return unit

    async def list_invites(self) -> list[InviteView]:
        """Every invite with its status (operator, CLI)."""
        now = self._clock()
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(Invite, Unit.code)
                    .outerjoin(Unit, Invite.unit_id == Unit.id)
                    .order_by(Invite.id)
                )
            ).all()
        views = []
        for invite, code in rows:
            if invite.used_at is not None:
                status = "used"
            elif invite.revoked_at is not None:
                status = "revoked"
            elif invite.expires_at <= now:
                status = "expired"
            else:
                status = "open"
            views.append(
                InviteView(
                    invite_id=invite.id,
                    role=Role(invite.role),
                    unit_code=code,
                    created_at=invite.created_at,
                    expires_at=invite.expires_at,
                    status=status,
                    used_by_telegram_user_id=invite.used_by_telegram_user_id,
                )
            )
        return views

    async def revoke_invite(self, invite_id: int) -> None:
        """Make an unused invite unusable (operator, CLI)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            invite = await session.get(Invite, invite_id)
            if invite is None:
                raise AccountError(f"no invite with id {invite_id}")
            if invite.used_at is not None:
                raise AccountError(
                    f"invite {invite_id} was already used; revoke the member instead"
                )
            if invite.revoked_at is None:
                invite.revoked_at = now
                audit(session, now, "invite_revoked", unit_id=invite.unit_id, invite_id=invite_id)

    async def link(
        self, identity: TelegramIdentity, token: str, *, confirmed: bool = False
    ) -> LinkResult:
        """Link an account through an invite token; single use, even under concurrent attempts."""
        now = self._clock()
        async with self._sessions.begin() as session:
            # One attempt of an account at a time, on every database: the lockout count read
            # below is then never stale, and the account cannot get two active memberships.
            await repositories.lock_link_guard(session, identity.telegram_user_id, now)
            since = now - FAILED_LINK_WINDOW
            failures = await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.action == "link_failed",
                    AuditEvent.actor_telegram_user_id == identity.telegram_user_id,
                    AuditEvent.at > since,
                )
            )
            if (failures or 0) >= FAILED_LINK_LIMIT:
                oldest = await session.scalar(
                    select(func.min(AuditEvent.at)).where(
                        AuditEvent.action == "link_failed",
                        AuditEvent.actor_telegram_user_id == identity.telegram_user_id,
                        AuditEvent.at > since,
                    )
                )
                retry = (
                    (oldest + FAILED_LINK_WINDOW - now)
                    if oldest is not None
                    else FAILED_LINK_WINDOW
                )
                audit(session, now, "link_blocked", telegram_user_id=identity.telegram_user_id)
                return LinkResult(LinkOutcome.TOO_MANY_ATTEMPTS, retry_after=retry)

            outcome, invite, unit = await self._check_invite(session, token, now)
            current = await active_member(session, identity.telegram_user_id)
            if (
                outcome is LinkOutcome.USED
                and invite is not None
                and current is not None
                and current[0].invite_id == invite.id
            ):
                # The same /start TOKEN twice (a double tap, a retried update): not a wrong token.
                member, member_unit = current
                return LinkResult(
                    LinkOutcome.ALREADY_LINKED,
                    actor=actor_from(member, member_unit),
                    target=LinkTarget(
                        Role(member.role),
                        member_unit.code if member_unit else None,
                        member_unit.name if member_unit else None,
                    ),
                )
            if outcome is not None:
                audit(
                    session,
                    now,
                    "link_failed",
                    telegram_user_id=identity.telegram_user_id,
                    reason=outcome.value,
                    invite_id=invite.id if invite is not None else None,
                )
                return LinkResult(outcome)
            assert invite is not None
            target = LinkTarget(
                Role(invite.role), unit.code if unit else None, unit.name if unit else None
            )
            if current is not None:
                member, member_unit = current
                if (
                    member.role == invite.role
                    and member.unit_id == invite.unit_id
                    and member.scope_unit_id == invite.scope_unit_id
                ):
                    return LinkResult(
                        LinkOutcome.ALREADY_LINKED,
                        actor=actor_from(member, member_unit),
                        target=target,
                    )
                if not confirmed:
                    return LinkResult(
                        LinkOutcome.CONFIRM, actor=actor_from(member, member_unit), target=target
                    )

            claimed = await session.execute(
                update(Invite)
                .where(
                    Invite.id == invite.id,
                    Invite.used_at.is_(None),
                    Invite.revoked_at.is_(None),
                    Invite.expires_at > now,
                )
                .values(used_at=now, used_by_telegram_user_id=identity.telegram_user_id)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                audit(
                    session,
                    now,
                    "link_failed",
                    telegram_user_id=identity.telegram_user_id,
                    reason="used",
                    invite_id=invite.id,
                )
                return LinkResult(LinkOutcome.USED)

            if current is not None:
                old, old_unit = current
                old.revoked_at = now
                audit(
                    session,
                    now,
                    "role_changed",
                    actor_member_id=old.id,
                    telegram_user_id=identity.telegram_user_id,
                    unit_id=invite.unit_id,
                    old_role=old.role,
                    old_unit=old_unit.code if old_unit else None,
                    new_role=invite.role,
                    new_unit=unit.code if unit else None,
                )
                await session.flush()
            member = Member(
                telegram_user_id=identity.telegram_user_id,
                name=identity.name[:200] or str(identity.telegram_user_id),
                username=identity.username,
                role=invite.role,
                unit_id=invite.unit_id,
                invite_id=invite.id,
                linked_at=now,
                reachable=True,
                scope_unit_id=invite.scope_unit_id,
                scope_unit=(
                    await session.get(Unit, invite.scope_unit_id)
                    if invite.scope_unit_id is not None
                    else None
                ),
            )
            session.add(member)
            await session.flush()
            audit(
                session,
                now,
                "linked",
                actor_member_id=member.id,
                telegram_user_id=identity.telegram_user_id,
                unit_id=invite.unit_id,
                role=invite.role,
                invite_id=invite.id,
                scope=member.scope_unit.code if member.scope_unit is not None else None,
            )
            return LinkResult(LinkOutcome.LINKED, actor=actor_from(member, unit), target=target)

    @staticmethod
    async def _check_invite(
        session: AsyncSession, token: str, now: dt.datetime
    ) -> tuple[LinkOutcome | None, Invite | None, Unit | None]:
        if not TOKEN_PATTERN.fullmatch(token):
            return LinkOutcome.MALFORMED, None, None
        invite = await session.scalar(select(Invite).where(Invite.token_hash == hash_token(token)))
        if invite is None:
            return LinkOutcome.UNKNOWN, None, None
        if invite.used_at is not None:
            return LinkOutcome.USED, invite, None
        if invite.revoked_at is not None:
            return LinkOutcome.REVOKED, invite, None
        if invite.expires_at <= now:
            return LinkOutcome.EXPIRED, invite, None
        unit = await session.get(Unit, invite.unit_id) if invite.unit_id is not None else None
        if unit is not None and not unit.active:
            return LinkOutcome.UNIT_INACTIVE, invite, unit
        return None, invite, unit

    async def revoke_member(self, telegram_user_id: int) -> Actor:
        """Unlink an account at once; its past submissions stay attributed (operator, CLI)."""
        now = self._clock()
        async with self._sessions.begin() as session:
            found = await active_member(session, telegram_user_id)
            if found is None:
                raise AccountError(f"no linked account with Telegram id {telegram_user_id}")
            member, unit = found
            member.revoked_at = now
            audit(
                session,
                now,
                "revoked",
                actor_member_id=member.id,
                telegram_user_id=telegram_user_id,
                unit_id=member.unit_id,
                role=member.role,
            )
            return actor_from(member, unit)

    async def set_reachable(self, telegram_user_id: int, reachable: bool) -> bool:
        """Record whether Telegram delivers to this account (403 = blocked); True if it changed."""
        now = self._clock()
        async with self._sessions.begin() as session:
            found = await active_member(session, telegram_user_id)
            if found is None or found[0].reachable == reachable:
                return False
            member = found[0]
            member.reachable = reachable
            member.unreachable_since = None if reachable else now
            audit(
                session,
                now,
                "reachable" if reachable else "unreachable",
                actor_member_id=member.id,
                telegram_user_id=telegram_user_id,
                unit_id=member.unit_id,
            )
            return True
