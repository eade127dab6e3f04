"""The return prompt is stored state: only the bot's own prompt to a coordinator takes a reason."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.access import AccessDenied, Actor, Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.coordination import CoordinationService, ReturnOutcome
from db.session import SessionFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROMPT_MESSAGE = 41


async def linked(accounts: AccountService, user_id: int, role: Role, unit: str | None) -> Actor:
    """Invite and link an account."""
    invite = await accounts.create_invite(role, unit)
    await accounts.link(TelegramIdentity(user_id, f"user {user_id}"), invite.token)
    actor = await accounts.resolve_actor(user_id)
    assert actor is not None
    return actor


@pytest.fixture
async def parts(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> tuple[CoordinationService, Actor, Actor, Actor]:
    """The service, two coordinators and a head."""
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    accounts = AccountService(session_factory, clock)
    service = CoordinationService(session_factory, bundled_config, clock, TZ)
    first = await linked(accounts, 901, Role.COORDINATOR, None)
    second = await linked(accounts, 902, Role.COORDINATOR, None)
    head = await linked(accounts, 903, Role.HEAD, "xa_tai_van")
    return service, first, second, head


async def test_without_a_prompt_no_text_is_a_reason(
    parts: tuple[CoordinationService, Actor, Actor, Actor],
) -> None:
    service, first, _, head = parts
    assert await service.answer_prompt(first, "Sai số liệu", None) is None
    assert await service.answer_prompt(first, "Sai số liệu", PROMPT_MESSAGE) is None
    with pytest.raises(AccessDenied):
        await service.answer_prompt(head, "Sai số liệu", PROMPT_MESSAGE)
    with pytest.raises(AccessDenied):
        await service.ask_return_reason(head, "xa_vien_an", "2024-Q1", 903, PROMPT_MESSAGE)


async def test_the_next_text_or_a_reply_to_the_prompt_is_taken_once(
    parts: tuple[CoordinationService, Actor, Actor, Actor],
) -> None:
    service, first, second, _ = parts
    await service.ask_return_reason(first, "xa_tai_van", "2024-Q1", 901, PROMPT_MESSAGE)
    assert await service.answer_prompt(second, "Sai", None) is None  # another coordinator
    assert await service.answer_prompt(first, "Sai", PROMPT_MESSAGE + 1) is None  # other message
    taken = await service.answer_prompt(first, "Sai", None)
    assert taken is not None
    # Nothing was submitted yet, so the return itself is refused, but the prompt is used up.
    assert taken.outcome is ReturnOutcome.NOT_SUBMITTED
    assert taken.unit_code == "xa_tai_van"
    assert await service.answer_prompt(first, "Sai", None) is None
    await service.ask_return_reason(first, "xa_vien_an", "2024-Q1", 901, PROMPT_MESSAGE)
    replied = await service.answer_prompt(first, "Sai", PROMPT_MESSAGE)
    assert replied is not None
    assert replied.unit_code == "xa_vien_an"


async def test_an_old_prompt_takes_only_a_reply_and_can_be_cancelled(
    parts: tuple[CoordinationService, Actor, Actor, Actor], clock: MovableClock
) -> None:
    service, first, _, _ = parts
    await service.ask_return_reason(first, "xa_tai_van", "2024-Q1", 901, PROMPT_MESSAGE)
    clock.advance(dt.timedelta(minutes=31))
    assert await service.answer_prompt(first, "Chào chị", None) is None  # stale: dropped
    assert await service.answer_prompt(first, "Sai", PROMPT_MESSAGE) is None
    await service.ask_return_reason(first, "xa_tai_van", "2024-Q1", 901, PROMPT_MESSAGE)
    clock.advance(dt.timedelta(hours=2))
    assert await service.answer_prompt(first, "Sai", PROMPT_MESSAGE) is not None
    await service.ask_return_reason(first, "xa_tai_van", "2024-Q1", 901, PROMPT_MESSAGE)
    assert await service.cancel_prompt(first) is True
    assert await service.cancel_prompt(first) is False
    assert await service.answer_prompt(first, "Sai", PROMPT_MESSAGE) is None
