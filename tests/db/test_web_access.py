"""Web desk sign-in on SQLite and PostgreSQL: links are hashed, single-use, short-lived."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select

from cchc_bot.access import AccessDenied, Actor, Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.services.accounts import AccountService, TelegramIdentity, hash_token
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.web_access import LINK_LIFETIME, SignInOutcome, WebAccessService
from db.migrate import alembic_config
from db.models import AuditEvent, WebLink, WebSession
from db.session import SessionFactory


async def linked(
    session_factory: SessionFactory, config: Configuration, clock: MovableClock
) -> Actor:
    """The bundled units and one linked head of Tài Văn."""
    await sync_configuration(session_factory, config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    await accounts.link(TelegramIdentity(801, "Lan"), invite.token)
    actor = await accounts.resolve_actor(801)
    assert actor is not None
    return actor


async def test_a_link_is_stored_hashed_and_opens_one_session_once(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    actor = await linked(session_factory, bundled_config, clock)
    access = WebAccessService(session_factory, clock)
    issued = await access.create_link(actor)
    assert issued.expires_at == clock() + LINK_LIFETIME
    async with session_factory() as session:
        stored = (await session.scalars(select(WebLink.token_hash))).all()
    assert stored == [hash_token(issued.token)]
    first, second = await asyncio.gather(
        access.redeem_link(issued.token), access.redeem_link(issued.token)
    )
    outcomes = sorted([first.outcome, second.outcome])
    assert outcomes == sorted([SignInOutcome.SIGNED_IN, SignInOutcome.USED])
    won = first if first.outcome is SignInOutcome.SIGNED_IN else second
    assert won.session_token is not None
    assert await access.actor_for_session(won.session_token) == actor
    async with session_factory() as session:
        sessions = (await session.scalars(select(WebSession.token_hash))).all()
        actions = (await session.scalars(select(AuditEvent.action))).all()
    assert sessions == [hash_token(won.session_token)]
    assert "web_sign_in" in actions
    assert "web_sign_in_failed" in actions
    await access.end_session(won.session_token)
    assert await access.actor_for_session(won.session_token) is None


async def test_links_expire_and_strangers_get_none(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    actor = await linked(session_factory, bundled_config, clock)
    access = WebAccessService(session_factory, clock)
    issued = await access.create_link(actor)
    clock.advance(LINK_LIFETIME)
    assert (await access.redeem_link(issued.token)).outcome is SignInOutcome.EXPIRED
    assert (await access.redeem_link("A" * 32)).outcome is SignInOutcome.UNKNOWN
    with pytest.raises(AccessDenied):
        await access.create_link(None)
    assert (await access.sign_in_telegram(999, "a" * 64)).outcome is SignInOutcome.NOT_LINKED
    signed = await access.sign_in_telegram(801, "b" * 64)
    assert signed.outcome is SignInOutcome.SIGNED_IN
    replayed = await access.sign_in_telegram(801, "b" * 64)
    assert replayed.outcome is SignInOutcome.USED
    assert signed.session_token is not None
    clock.advance(dt.timedelta(hours=12))
    assert await access.actor_for_session(signed.session_token) is None


def test_the_web_sessions_migration_goes_down_and_up(tmp_path: Path) -> None:
    config = alembic_config(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    command.upgrade(config, "head")
    command.downgrade(config, "0003")
    sync = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with sync.connect() as connection:
        assert "web_sessions" not in inspect(connection).get_table_names()
    command.upgrade(config, "head")
    with sync.connect() as connection:
        assert {"web_links", "web_sessions"} <= set(inspect(connection).get_table_names())
    sync.dispose()
