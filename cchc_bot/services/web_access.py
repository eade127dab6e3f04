"""Web desk sign-in: single-use `/web` links, Mini App sign-ins, browser sessions, logout."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.access import AccessDenied, Actor
from cchc_bot.clock import Clock
from cchc_bot.services.accounts.records import (
    active_member,
    actor_from,
    audit,
    hash_token,
    new_token,
)
from db.models import Member, Unit, WebLink, WebSession
from db.session import SessionFactory

LINK_LIFETIME = dt.timedelta(minutes=10)
DEFAULT_SESSION_LIFETIME = dt.timedelta(hours=12)
TOKEN_LENGTH = 32  # new_token(): 24 random bytes, URL-safe


class SignInOutcome(StrEnum):
    """What happened to a sign-in attempt."""

    SIGNED_IN = "signed_in"
    UNKNOWN = "unknown"  # no such link (mistyped, forged)
    EXPIRED = "expired"
    USED = "used"  # the link was already opened once (a replay)
    NOT_LINKED = "not_linked"  # the account is unlinked or was revoked


@dataclass(frozen=True)
class IssuedLink:
    """A sign-in link's token as sent once in the chat (only its hash is stored)."""

    token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in, with the new session's token when it succeeded."""

    outcome: SignInOutcome
    session_token: str | None = None
    actor: Actor | None = None
    expires_at: dt.datetime | None = None


class WebAccessService:
    """Who is signed in to the web desk; one transaction per call, all audited."""

    def __init__(
        self,
        session_factory: SessionFactory,
        clock: Clock,
        session_lifetime: dt.timedelta = DEFAULT_SESSION_LIFETIME,
    ) -> None:
        self._sessions = session_factory
        self._clock = clock
        self._lifetime = session_lifetime

    async def create_link(self, actor: Actor | None) -> IssuedLink:
        """A fresh single-use link for a linked account (AccessDenied for anyone else)."""
        if actor is None:
            raise AccessDenied("open the web desk", actor)
        now = self._clock()
        token = new_token()
        async with self._sessions.begin() as session:
            if await active_member(session, actor.telegram_user_id) is None:
                raise AccessDenied("open the web desk", actor)
            session.add(
                WebLink(
                    token_hash=hash_token(token),
                    member_id=actor.member_id,
                    created_at=now,
                    expires_at=now + LINK_LIFETIME,
                )
            )
            audit(
                session,
                now,
                "web_link_created",
                actor_member_id=actor.member_id,
                telegram_user_id=actor.telegram_user_id,
                unit_id=actor.unit_id,
            )
        return IssuedLink(token, now + LINK_LIFETIME)

    async def redeem_link(self, token: str) -> SignIn:
        """Open a session through a link: once only, within its 10 minutes, for a linked member."""
        now = self._clock()
        digest = hash_token(token)
        async with self._sessions.begin() as session:
            link = await session.scalar(select(WebLink).where(WebLink.token_hash == digest))
            if link is None:
                return SignIn(SignInOutcome.UNKNOWN)
            if link.used_at is not None:
                outcome = SignInOutcome.USED
            elif link.expires_at <= now:
                outcome = SignInOutcome.EXPIRED
            else:
                # Two tabs opening one link at once: only the one whose update lands signs in.
                claimed = await session.execute(
                    update(WebLink)
                    .where(WebLink.id == link.id, WebLink.used_at.is_(None))
                    .values(used_at=now)
                )
                won = claimed.rowcount == 1  # type: ignore[attr-defined]
                outcome = SignInOutcome.SIGNED_IN if won else SignInOutcome.USED
            member = await session.get(Member, link.member_id)
            if outcome is not SignInOutcome.SIGNED_IN or member is None:
                audit(
                    session,
                    now,
                    "web_sign_in_failed",
                    actor_member_id=link.member_id,
                    reason=outcome.value,
                )
                return SignIn(outcome)
            return await self._open(session, member, "link", now)

    async def sign_in_telegram(self, telegram_user_id: int, signature: str) -> SignIn:
        """Open a session for a Telegram account whose Mini App initData the caller verified.

        `signature` is the initData's `hash`: each initData opens one session, so a copied
        one cannot be replayed while it is still young enough to pass the age check.
        """
        now = self._clock()
        digest = hash_token(signature)
        try:
            async with self._sessions.begin() as session:
                taken = await session.scalar(
                    select(WebSession.id).where(WebSession.init_data_hash == digest)
                )
                found = await active_member(session, telegram_user_id)
                if taken is not None or found is None:
                    outcome = SignInOutcome.USED if taken is not None else SignInOutcome.NOT_LINKED
                    audit(
                        session,
                        now,
                        "web_sign_in_failed",
                        telegram_user_id=telegram_user_id,
                        reason=outcome.value,
                    )
                    return SignIn(outcome)
                return await self._open(session, found[0], "miniapp", now, digest)
        except IntegrityError:  # the same initData posted twice at once: one of them wins
            return SignIn(SignInOutcome.USED)

    async def _open(
        self,
        session: AsyncSession,
        member: Member,
        via: str,
        now: dt.datetime,
        init_data_hash: str | None = None,
    ) -> SignIn:
        if member.revoked_at is not None:
            audit(
                session,
                now,
                "web_sign_in_failed",
                actor_member_id=member.id,
                telegram_user_id=member.telegram_user_id,
                reason=SignInOutcome.NOT_LINKED.value,
            )
            return SignIn(SignInOutcome.NOT_LINKED)
        unit = await session.get(Unit, member.unit_id) if member.unit_id is not None else None
        token = new_token()
        expires = now + self._lifetime
        session.add(
            WebSession(
                token_hash=hash_token(token),
                member_id=member.id,
                via=via,
                init_data_hash=init_data_hash,
                created_at=now,
                expires_at=expires,
            )
        )
        audit(
            session,
            now,
            "web_sign_in",
            actor_member_id=member.id,
            telegram_user_id=member.telegram_user_id,
            unit_id=member.unit_id,
            via=via,
        )
        return SignIn(SignInOutcome.SIGNED_IN, token, actor_from(member, unit), expires)

    async def actor_for_session(self, token: str) -> Actor | None:
        """The account behind a session cookie; None when expired, ended or revoked since."""
        if len(token) != TOKEN_LENGTH:
            return None
        now = self._clock()
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(Member, Unit)
                    .join(WebSession, WebSession.member_id == Member.id)
                    .outerjoin(Unit, Unit.id == Member.unit_id)
                    .where(
                        WebSession.token_hash == hash_token(token),
                        WebSession.ended_at.is_(None),
                        WebSession.expires_at > now,
                        Member.revoked_at.is_(None),
                    )
                )
            ).first()
        return None if row is None else actor_from(row[0], row[1])

    async def end_session(self, token: str) -> None:
        """Log out: the session's cookie opens nothing any more."""
        now = self._clock()
        async with self._sessions.begin() as session:
            await session.execute(
                update(WebSession)
                .where(WebSession.token_hash == hash_token(token), WebSession.ended_at.is_(None))
                .values(ended_at=now)
            )
