"""Service-layer authorization: each entry point × each kind of account; refusals change nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from cchc_bot import period_calendar
from cchc_bot.access import AccessDenied, Actor, Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.conversation import TextInput
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.coordination import CoordinationService
from cchc_bot.services.exports import ExportService
from cchc_bot.services.reminders import (
    DeliveryOutcome,
    DeliveryResult,
    ReminderMessage,
    ReminderService,
)
from cchc_bot.services.reports import ReportOutcome, ReportService
from cchc_bot.services.status import StatusService
from db.models import AuditEvent, Period, ReminderLog, Submission
from db.session import SessionFactory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ACCOUNTS = ("stranger", "head_a", "staff_a", "head_b", "coordinator", "revoked")


class World:
    """Services on one database and the actors of the matrix (None = not linked)."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: MovableClock
    ) -> None:
        self.reports = ReportService(session_factory, config, clock, TZ)
        self.status = StatusService(session_factory, config, clock, TZ)
        self.coordination = CoordinationService(session_factory, config, clock, TZ)
        self.reminders = ReminderService(session_factory, config, clock, TZ)
        self.exports = ExportService(session_factory, config, clock, TZ)
        self.accounts = AccountService(session_factory, clock)
        self.sessions = session_factory
        self.actors: dict[str, Actor | None] = {}
        self.period = period_calendar.period_by_code(config.schedule, "2024-Q1", TZ)

    async def footprint(self) -> tuple[int, ...]:
        """Counts of the rows a refused call must not touch."""
        async with self.sessions() as session:
            return (
                await session.scalar(select(func.count()).select_from(Submission)) or 0,
                await session.scalar(select(func.count()).select_from(ReminderLog)) or 0,
                await session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
                await session.scalar(
                    select(func.count()).select_from(Period).where(Period.override.is_not(None))
                )
                or 0,
            )


@pytest.fixture
async def world(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> World:
    """The bundled units with one account of every kind linked."""
    await sync_configuration(session_factory, bundled_config, clock, clock().date())
    world = World(session_factory, bundled_config, clock)
    people = {
        "head_a": (601, Role.HEAD, "xa_tai_van"),
        "staff_a": (602, Role.STAFF, "xa_tai_van"),
        "head_b": (603, Role.HEAD, "xa_vien_an"),
        "coordinator": (604, Role.COORDINATOR, None),
        "revoked": (605, Role.HEAD, "xa_tai_van"),
    }
    for key, (user_id, role, unit) in people.items():
        invite = await world.accounts.create_invite(role, unit)
        await world.accounts.link(TelegramIdentity(user_id, key), invite.token)
        world.actors[key] = await world.accounts.resolve_actor(user_id)
    await world.accounts.revoke_member(605)
    world.actors["revoked"] = await world.accounts.resolve_actor(605)
    world.actors["stranger"] = None
    return world


async def sent_ok(message: ReminderMessage) -> DeliveryResult:
    """A delivery that always succeeds."""
    return DeliveryResult(DeliveryOutcome.SENT, message_id=1)


Call = Callable[[World, Actor], Awaitable[object]]
UNIT_CALLS: dict[str, Call] = {
    "reports.start": lambda w, a: w.reports.start(a),
    "reports.answer": lambda w, a: w.reports.answer(a, TextInput("5")),
    "reports.cancel": lambda w, a: w.reports.cancel(a),
    "reports.attach": lambda w, a: w.reports.attach(a, "bao-cao.pdf", "application/pdf", b"%PDF"),
    "reports.missing_questions": lambda w, a: w.reports.missing_questions(a, w.period),
    "reports.current_screen": lambda w, a: w.reports.current_screen(a),
}
COORDINATOR_CALLS: dict[str, Call] = {
    "coordination.return_report": lambda w, a: w.coordination.return_report(
        a, "xa_tai_van", "2024-Q1", "lý do"
    ),
    "coordination.close": lambda w, a: w.coordination.set_period_state(a, "2024-Q1", open_=False),
    "coordination.ask_return_reason": lambda w, a: w.coordination.ask_return_reason(
        a, "xa_tai_van", "2024-Q1", 1, 1
    ),
    "coordination.cancel_prompt": lambda w, a: w.coordination.cancel_prompt(a),
    "coordination.answer_prompt": lambda w, a: w.coordination.answer_prompt(a, "lý do", None),
    "coordination.views.submitted_report": lambda w, a: w.coordination.views.submitted_report(
        a, "xa_tai_van", "2024-Q1"
    ),
    "reminders.plan_nudge": lambda w, a: w.reminders.plan_nudge(a, w.period),
    "reminders.nudge": lambda w, a: w.reminders.nudge(a, w.period, sent_ok),
    "exports.export_for": lambda w, a: w.exports.export_for(a, "2024-Q1"),
}


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("name", list(UNIT_CALLS))
async def test_unit_entry_points_are_for_heads_and_staff_only(
    world: World, account: str, name: str
) -> None:
    actor = world.actors[account]
    before = await world.footprint()
    if account in ("head_a", "staff_a", "head_b"):
        assert actor is not None
        await UNIT_CALLS[name](world, actor)
        return
    with pytest.raises(AccessDenied):
        await UNIT_CALLS[name](world, actor)  # type: ignore[arg-type]
    assert await world.footprint() == before


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("name", list(COORDINATOR_CALLS))
async def test_coordinator_entry_points_check_the_role_on_every_call(
    world: World, account: str, name: str
) -> None:
    actor = world.actors[account]
    before = await world.footprint()
    if account == "coordinator":
        assert actor is not None
        await COORDINATOR_CALLS[name](world, actor)
        return
    with pytest.raises(AccessDenied):
        await COORDINATOR_CALLS[name](world, actor)  # type: ignore[arg-type]
    assert await world.footprint() == before


async def test_heads_read_and_write_only_their_own_unit(world: World) -> None:
    head_a, head_b, staff_a = (
        world.actors["head_a"],
        world.actors["head_b"],
        world.actors["staff_a"],
    )
    assert head_a is not None
    assert head_b is not None
    assert staff_a is not None
    started = await world.reports.start(head_a)
    assert started.outcome is ReportOutcome.SCREEN
    assert started.screen is not None
    submission_id = started.screen.submission_id
    # Head B cannot revise, approve or see A's report, nor read A's status.
    before = await world.footprint()
    assert (
        await world.reports.revise(head_b, submission_id)
    ).outcome is ReportOutcome.NOT_IN_REPORT
    assert (
        await world.reports.decide_approval(head_b, submission_id, True)
    ).outcome is ReportOutcome.STALE
    assert await world.reports.pending_approval_summary(head_b, submission_id) is None
    with pytest.raises(AccessDenied):
        await world.reports.decide_approval(staff_a, submission_id, True)
    assert await world.footprint() == before
    status_b = await world.status.status_for(head_b, "2024-Q1")
    assert [unit.code for unit in status_b.units] == ["xa_vien_an"]
    coordinator = world.actors["coordinator"]
    assert coordinator is not None
    assert len((await world.status.status_for(coordinator, "2024-Q1")).units) == 38


async def test_a_revoked_account_resolves_to_nobody(world: World) -> None:
    assert world.actors["revoked"] is None
    assert await world.accounts.resolve_actor(605) is None
    assert dt.datetime.now(dt.UTC) > dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
