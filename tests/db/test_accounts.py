"""Invites and linking: hashing, expiry, single use under concurrency, brute-force guard, audit."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.services.accounts import (
    TOKEN_PATTERN,
    AccountError,
    AccountService,
    LinkOutcome,
    TelegramIdentity,
    hash_token,
    new_token,
)
from cchc_bot.services.config_sync import sync_configuration
from db.models import AuditEvent, Invite, Member
from db.session import SessionFactory, create_engine, create_session_factory

HEAD_A = TelegramIdentity(1001, "Nguyễn Văn A", "nva")
HEAD_B = TelegramIdentity(1002, "Trần Thị B", None)
STRANGER = TelegramIdentity(9999, "Người lạ", None)


@pytest.fixture
async def accounts(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> AccountService:
    """An account service on a database synced with the bundled configuration."""
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    return AccountService(session_factory, clock)


async def audit_actions(session_factory: SessionFactory) -> list[str]:
    """Every audit action, oldest first."""
    async with session_factory() as session:
        return list(
            (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
        )


def test_tokens_are_unique_random_and_fit_a_deep_link() -> None:
    tokens = {new_token() for _ in range(10_000)}
    assert len(tokens) == 10_000
    for token in list(tokens)[:500]:
        assert TOKEN_PATTERN.fullmatch(token)
        assert len(token) <= 64
        assert len(token) * 6 >= 128


async def test_only_the_hash_of_a_token_is_stored(
    accounts: AccountService, session_factory: SessionFactory, database_url: str
) -> None:
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    async with session_factory() as session:
        row = await session.scalar(select(Invite))
    assert row is not None
    assert row.token_hash == hash_token(invite.token)
    assert invite.token not in repr(vars(row))
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1]
        for suffix in ("", "-wal"):
            try:
                content = open(path + suffix, "rb").read()  # noqa: SIM115, ASYNC230
            except FileNotFoundError:
                continue
            assert invite.token.encode() not in content


async def test_a_token_links_once_and_greets_by_unit(
    accounts: AccountService, session_factory: SessionFactory
) -> None:
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    result = await accounts.link(HEAD_A, invite.token)
    assert result.outcome is LinkOutcome.LINKED
    assert result.actor is not None
    assert result.actor.unit_name == "Xã Tài Văn"
    assert result.actor.role is Role.HEAD

    again = await accounts.link(HEAD_B, invite.token)
    assert again.outcome is LinkOutcome.USED
    assert await accounts.resolve_actor(HEAD_B.telegram_user_id) is None
    assert await audit_actions(session_factory) == [
        "config_synced",
        "invite_created",
        "linked",
        "link_failed",
    ]


@pytest.mark.parametrize(
    ("token", "outcome"),
    [
        ("abc", LinkOutcome.MALFORMED),
        ("x" * 65, LinkOutcome.MALFORMED),
        ("bad token with spaces!", LinkOutcome.MALFORMED),
        ("A" * 32, LinkOutcome.UNKNOWN),
    ],
)
async def test_wrong_tokens_link_nothing(
    accounts: AccountService, session_factory: SessionFactory, token: str, outcome: LinkOutcome
) -> None:
    result = await accounts.link(STRANGER, token)
    assert result.outcome is outcome
    assert result.actor is None
    async with session_factory() as session:
        assert (await session.scalars(select(Member))).all() == []
    assert (await audit_actions(session_factory))[-1] == "link_failed"


async def test_expired_and_revoked_invites_are_refused(
    accounts: AccountService, clock: MovableClock
) -> None:
    expiring = await accounts.create_invite(Role.HEAD, "xa_tai_van", expires_days=1)
    revoked = await accounts.create_invite(Role.STAFF, "xa_tai_van")
    await accounts.revoke_invite(revoked.invite_id)
    clock.advance(dt.timedelta(days=1, seconds=1))
    assert (await accounts.link(HEAD_A, expiring.token)).outcome is LinkOutcome.EXPIRED
    assert (await accounts.link(HEAD_A, revoked.token)).outcome is LinkOutcome.REVOKED
    statuses = {view.invite_id: view.status for view in await accounts.list_invites()}
    assert statuses == {expiring.invite_id: "expired", revoked.invite_id: "revoked"}


async def test_five_wrong_tokens_lock_the_account_for_ten_minutes(
    accounts: AccountService, clock: MovableClock, session_factory: SessionFactory
) -> None:
    good = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    for attempt in range(5):
        assert (
            await accounts.link(STRANGER, f"{'B' * 31}{attempt}")
        ).outcome is LinkOutcome.UNKNOWN
        clock.advance(dt.timedelta(minutes=1))
    blocked = await accounts.link(STRANGER, good.token)
    assert blocked.outcome is LinkOutcome.TOO_MANY_ATTEMPTS
    assert blocked.retry_after is not None
    assert dt.timedelta(0) < blocked.retry_after <= dt.timedelta(minutes=10)
    # Another account is not affected by the stranger's lock.
    other = await accounts.create_invite(Role.HEAD, "xa_vien_an")
    assert (await accounts.link(HEAD_B, other.token)).outcome is LinkOutcome.LINKED

    clock.advance(dt.timedelta(minutes=6))
    assert (await accounts.link(STRANGER, good.token)).outcome is LinkOutcome.LINKED
    assert "link_blocked" in await audit_actions(session_factory)


async def test_two_accounts_racing_for_one_token_exactly_one_wins(
    accounts: AccountService, session_factory: SessionFactory
) -> None:
    for round_number in range(5):
        invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
        racers = [TelegramIdentity(5000 + round_number * 10 + i, f"Racer {i}") for i in range(2)]
        results = await asyncio.gather(*(accounts.link(racer, invite.token) for racer in racers))
        outcomes = sorted(result.outcome.value for result in results)
        assert outcomes == ["linked", "used"], outcomes
    async with session_factory() as session:
        members = (await session.scalars(select(Member))).all()
    assert len(members) == 5


async def test_relinking_asks_first_then_changes_role_and_keeps_history(
    accounts: AccountService, session_factory: SessionFactory
) -> None:
    first = await accounts.create_invite(Role.STAFF, "xa_tai_van")
    await accounts.link(HEAD_A, first.token)
    same = await accounts.create_invite(Role.STAFF, "xa_tai_van")
    assert (await accounts.link(HEAD_A, same.token)).outcome is LinkOutcome.ALREADY_LINKED

    second = await accounts.create_invite(Role.HEAD, "xa_vien_an")
    asked = await accounts.link(HEAD_A, second.token)
    assert asked.outcome is LinkOutcome.CONFIRM
    assert asked.actor is not None
    assert asked.actor.unit_code == "xa_tai_van"
    assert asked.target is not None
    assert asked.target.unit_code == "xa_vien_an"
    still = await accounts.resolve_actor(HEAD_A.telegram_user_id)
    assert still is not None
    assert still.unit_code == "xa_tai_van"

    done = await accounts.link(HEAD_A, second.token, confirmed=True)
    assert done.outcome is LinkOutcome.LINKED
    now = await accounts.resolve_actor(HEAD_A.telegram_user_id)
    assert now is not None
    assert (now.role, now.unit_code) == (Role.HEAD, "xa_vien_an")
    async with session_factory() as session:
        rows = (await session.scalars(select(Member).order_by(Member.id))).all()
    assert [row.revoked_at is not None for row in rows] == [True, False]
    assert "role_changed" in await audit_actions(session_factory)


async def test_revoked_account_loses_access_at_once(
    accounts: AccountService, session_factory: SessionFactory
) -> None:
    invite = await accounts.create_invite(Role.COORDINATOR, None)
    await accounts.link(HEAD_A, invite.token)
    assert await accounts.resolve_actor(HEAD_A.telegram_user_id) is not None
    revoked = await accounts.revoke_member(HEAD_A.telegram_user_id)
    assert revoked.role is Role.COORDINATOR
    assert await accounts.resolve_actor(HEAD_A.telegram_user_id) is None
    with pytest.raises(AccountError, match="no linked account"):
        await accounts.revoke_member(HEAD_A.telegram_user_id)
    assert (await audit_actions(session_factory))[-1] == "revoked"


async def test_unreachable_is_recorded_once_and_cleared(accounts: AccountService) -> None:
    invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
    await accounts.link(HEAD_A, invite.token)
    assert await accounts.set_reachable(HEAD_A.telegram_user_id, False) is True
    assert await accounts.set_reachable(HEAD_A.telegram_user_id, False) is False
    assert await accounts.set_reachable(HEAD_A.telegram_user_id, True) is True


@pytest.mark.parametrize(
    ("role", "unit", "message"),
    [
        (Role.COORDINATOR, "xa_tai_van", "takes no --unit"),
        (Role.HEAD, None, "needs --unit"),
        (Role.STAFF, "khong_co", "unknown unit"),
    ],
)
async def test_bad_invite_requests_are_refused(
    accounts: AccountService, role: Role, unit: str | None, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        await accounts.create_invite(role, unit)


async def test_invites_for_all_units_cover_every_active_unit(
    accounts: AccountService, bundled_config: Configuration
) -> None:
    invites = await accounts.create_invites_for_all_units(Role.HEAD)
    active = {unit.code for unit in bundled_config.units.units if unit.active}
    assert {invite.unit_code for invite in invites} == active
    assert len({invite.token for invite in invites}) == len(invites)


async def _link_in_own_session(
    database_url: str, clock: MovableClock, identity: TelegramIdentity, token: str, **kw: bool
) -> LinkOutcome:
    """Link through a service on its own engine, as a second bot process would."""
    engine = create_engine(database_url)
    try:
        service = AccountService(create_session_factory(engine), clock)
        return (await service.link(identity, token, **kw)).outcome
    finally:
        await engine.dispose()


async def test_forty_concurrent_wrong_tokens_evaluate_at_most_five(
    accounts: AccountService, session_factory: SessionFactory
) -> None:
    tokens = [f"{'C' * 30}{attempt:02d}" for attempt in range(40)]
    results = await asyncio.gather(*(accounts.link(STRANGER, token) for token in tokens))
    outcomes = [result.outcome for result in results]
    assert outcomes.count(LinkOutcome.UNKNOWN) == 5, outcomes
    assert outcomes.count(LinkOutcome.TOO_MANY_ATTEMPTS) == 35
    actions = await audit_actions(session_factory)
    assert actions.count("link_failed") == 5
    assert actions.count("link_blocked") == 35


async def test_wrong_tokens_from_two_processes_share_one_lockout(
    accounts: AccountService, database_url: str, clock: MovableClock
) -> None:
    tokens = [f"{'D' * 30}{attempt:02d}" for attempt in range(12)]
    outcomes = await asyncio.gather(
        *(_link_in_own_session(database_url, clock, STRANGER, token) for token in tokens)
    )
    assert outcomes.count(LinkOutcome.UNKNOWN) == 5, outcomes
    assert outcomes.count(LinkOutcome.TOO_MANY_ATTEMPTS) == 7


async def test_one_account_sending_its_token_twice_at_once_links_once(
    accounts: AccountService, session_factory: SessionFactory
) -> None:
    for round_number in range(5):
        invite = await accounts.create_invite(Role.HEAD, "xa_tai_van")
        identity = TelegramIdentity(6000 + round_number, f"Double {round_number}")
        results = await asyncio.gather(
            accounts.link(identity, invite.token), accounts.link(identity, invite.token)
        )
        outcomes = sorted(result.outcome.value for result in results)
        assert outcomes == ["already_linked", "linked"], outcomes
        assert all(result.actor is not None for result in results)
    async with session_factory() as session:
        members = (await session.scalars(select(Member))).all()
    assert len(members) == 5
    # The repeat is not a wrong token: it does not count towards the lockout.
    assert "link_failed" not in await audit_actions(session_factory)


async def test_one_account_linking_two_invites_at_once_never_raises(
    accounts: AccountService, session_factory: SessionFactory
) -> None:
    for round_number in range(5):
        first = await accounts.create_invite(Role.HEAD, "xa_tai_van")
        second = await accounts.create_invite(Role.STAFF, "xa_vien_an")
        identity = TelegramIdentity(7000 + round_number, f"Twice {round_number}")
        results = await asyncio.gather(
            accounts.link(identity, first.token, confirmed=True),
            accounts.link(identity, second.token, confirmed=True),
        )
        assert all(result.outcome is LinkOutcome.LINKED for result in results), results
        # Both were confirmed: the later one replaced the earlier; one account is active.
        async with session_factory() as session:
            active = (
                await session.scalars(
                    select(Member).where(
                        Member.telegram_user_id == identity.telegram_user_id,
                        Member.revoked_at.is_(None),
                    )
                )
            ).all()
        assert len(active) == 1


async def test_one_account_linking_two_invites_unconfirmed_asks_for_the_second(
    accounts: AccountService,
) -> None:
    for round_number in range(5):
        first = await accounts.create_invite(Role.HEAD, "xa_tai_van")
        second = await accounts.create_invite(Role.STAFF, "xa_vien_an")
        identity = TelegramIdentity(8000 + round_number, f"Ask {round_number}")
        results = await asyncio.gather(
            accounts.link(identity, first.token), accounts.link(identity, second.token)
        )
        outcomes = sorted(result.outcome.value for result in results)
        assert outcomes == ["confirm", "linked"], outcomes
