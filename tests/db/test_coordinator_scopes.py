"""Coordinators per node: every coordinator action acts on the coordinator's subtree only.

The tree has two sibling subtrees, Khối A (three levels) and Khối B; coordinators of A, of B
and of the whole tree meet a unit of each side. Refusals change nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from cchc_bot import period_calendar
from cchc_bot.access import AccessDenied, Actor, OutOfScope, Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.units import UnitConfig, UnitsFile
from cchc_bot.documents import district_report
from cchc_bot.documents.outline import load_outline
from cchc_bot.exports.workbook import write_xlsx
from cchc_bot.node_totals import aggregate_by_node
from cchc_bot.services.accounts import AccountError, AccountService, LinkOutcome, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.coordination import CoordinationService, ReturnOutcome
from cchc_bot.services.exports import ExportService
from cchc_bot.services.reminders import (
    DeliveryOutcome,
    DeliveryResult,
    ReminderMessage,
    ReminderService,
)
from cchc_bot.services.status import StatusService
from cchc_bot.services.unit_view import UnitViewService, ViewOutcome
from cchc_bot.texts import org
from db.models import (
    AuditEvent,
    CoordinatorPrompt,
    Period,
    Submission,
)
from db.session import SessionFactory
from tests.seeding import store_submitted

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = "2024-Q1"
SIDE_A = {"khoi_a", "a_xa_1", "a_xa_1_vp", "a_xa_2"}
SIDE_B = {"khoi_b", "b_xa_1"}
# The unit each side's calls aim at (A's is two levels below its scope node).
TARGETS = {"a": "a_xa_1_vp", "b": "b_xa_1"}
COORDINATORS = {"all": None, "a": "khoi_a", "b": "khoi_b"}


def tree_config(config: Configuration) -> Configuration:
    """The bundled questionnaire and calendar over a tree of two sibling subtrees."""

    def unit(code: str, name: str, kind: str, parent: str | None = None) -> UnitConfig:
        return UnitConfig(code=code, name=name, kind=kind, has_tthc=True, parent=parent)

    units = [
        unit("khoi_a", "Khối A", "phong"),
        unit("a_xa_1", "Xã A1", "xa", "khoi_a"),
        unit("a_xa_1_vp", "Văn phòng xã A1", "phong", "a_xa_1"),
        unit("a_xa_2", "Xã A2", "xa", "khoi_a"),
        unit("khoi_b", "Khối B", "phong"),
        unit("b_xa_1", "Xã B1", "xa", "khoi_b"),
    ]
    return replace(config, units=UnitsFile(district="Tỉnh Thử", units=units))


async def submit(session_factory: SessionFactory, code: str, value: int) -> None:
    """Store a submitted 2024-Q1 report of a unit with one figure (cddh_02)."""
    now = dt.datetime(2024, 3, 8, tzinfo=dt.UTC)
    await store_submitted(session_factory, code, PERIOD, {"cddh_02": {"value": str(value)}}, now)


class Tree:
    """The services on one database and a coordinator of each scope."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: MovableClock
    ) -> None:
        self.sessions = session_factory
        self.accounts = AccountService(session_factory, clock)
        self.status = StatusService(session_factory, config, clock, TZ)
        self.coordination = CoordinationService(session_factory, config, clock, TZ)
        self.views = UnitViewService(session_factory, config, clock, TZ)
        self.exports = ExportService(session_factory, config, clock, TZ)
        self.reminders = ReminderService(session_factory, config, clock, TZ)
        self.h1 = period_calendar.period_by_code(config.schedule, "2024-H1", TZ)
        self.coordinators: dict[str, Actor] = {}

    async def footprint(self) -> tuple[int, ...]:
        """Counts of the rows a refused call must not touch."""
        async with self.sessions() as session:
            return (
                await session.scalar(
                    select(func.count())
                    .select_from(Submission)
                    .where(Submission.state == "returned")
                )
                or 0,
                await session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
                await session.scalar(select(func.count()).select_from(CoordinatorPrompt)) or 0,
                await session.scalar(
                    select(func.count()).select_from(Period).where(Period.override.is_not(None))
                )
                or 0,
            )


@pytest.fixture
async def tree(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> Tree:
    """The tree synced, every unit's Q1 report submitted, a coordinator per scope linked."""
    config = tree_config(bundled_config)
    await sync_configuration(session_factory, config, clock, clock().date())
    for value, code in enumerate(sorted(SIDE_A | SIDE_B), start=1):
        await submit(session_factory, code, value)
    tree = Tree(session_factory, config, clock)
    for number, (key, scope) in enumerate(COORDINATORS.items(), start=700):
        invite = await tree.accounts.create_invite(Role.COORDINATOR, None, scope=scope)
        await tree.accounts.link(TelegramIdentity(number, f"coordinator {key}"), invite.token)
        actor = await tree.accounts.resolve_actor(number)
        assert actor is not None
        assert actor.scope_code == scope
        tree.coordinators[key] = actor
    return tree


async def sent_ok(message: ReminderMessage) -> DeliveryResult:
    """A delivery that always succeeds."""
    return DeliveryResult(DeliveryOutcome.SENT, message_id=1)


Call = Callable[[Tree, Actor, str], Awaitable[object]]
UNIT_CALLS: dict[str, Call] = {
    "return_report": lambda t, a, u: t.coordination.return_report(a, u, PERIOD, "lý do"),
    "ask_return_reason": lambda t, a, u: t.coordination.ask_return_reason(a, u, PERIOD, 1, 2),
    "submitted_report": lambda t, a, u: t.views.submitted_report(a, u, PERIOD),
    "unit_report (web)": lambda t, a, u: t.views.unit_report(a, u, PERIOD),
    "plan_nudge": lambda t, a, u: t.reminders.plan_nudge(a, t.h1, u),
    "nudge": lambda t, a, u: t.reminders.nudge(a, t.h1, sent_ok, u),
}


@pytest.mark.parametrize("side", list(TARGETS))
@pytest.mark.parametrize("coordinator", list(COORDINATORS))
@pytest.mark.parametrize("name", list(UNIT_CALLS))
async def test_a_coordinator_acts_on_units_of_their_subtree_only(
    tree: Tree, name: str, coordinator: str, side: str
) -> None:
    actor, unit = tree.coordinators[coordinator], TARGETS[side]
    before = await tree.footprint()
    if coordinator in ("all", side):
        result = await UNIT_CALLS[name](tree, actor, unit)
        if name == "return_report":
            assert getattr(result, "outcome", None) is ReturnOutcome.RETURNED
        if name in ("submitted_report", "unit_report (web)"):
            assert getattr(result, "outcome", None) is ViewOutcome.SHOWN
        return
    with pytest.raises(OutOfScope) as refused:
        await UNIT_CALLS[name](tree, actor, unit)
    assert refused.value.unit_code == unit
    assert await tree.footprint() == before


@pytest.mark.parametrize(
    ("coordinator", "seen"),
    [("all", SIDE_A | SIDE_B), ("a", SIDE_A), ("b", SIDE_B)],
)
async def test_status_lists_the_units_of_the_coordinators_subtree(
    tree: Tree, coordinator: str, seen: set[str]
) -> None:
    status = await tree.status.status_for(tree.coordinators[coordinator], PERIOD)
    assert {unit.code for unit in status.units} == seen


@pytest.mark.parametrize(
    ("coordinator", "seen"),
    [("all", SIDE_A | SIDE_B), ("a", SIDE_A), ("b", SIDE_B)],
)
async def test_a_nudge_reaches_the_units_of_the_coordinators_subtree_only(
    tree: Tree, coordinator: str, seen: set[str]
) -> None:
    # Nobody is linked to a unit, so every pending unit of the scope is one "with nobody".
    plan = await tree.reminders.plan_nudge(tree.coordinators[coordinator], tree.h1)
    assert set(plan.without_members) == seen


@pytest.mark.parametrize(
    ("coordinator", "seen"),
    [("all", SIDE_A | SIDE_B), ("a", SIDE_A), ("b", SIDE_B)],
)
async def test_export_holds_the_units_of_the_coordinators_subtree(
    tree: Tree, coordinator: str, seen: set[str]
) -> None:
    data = await tree.exports.export_for(tree.coordinators[coordinator], PERIOD)
    assert {unit.code for unit in data.units} == seen


async def test_a_scoped_export_subtotals_each_child_node_of_the_scope(tree: Tree) -> None:
    # Values by code order: a_xa_1=1, a_xa_1_vp=2, a_xa_2=3, b_xa_1=4, khoi_a=5, khoi_b=6.
    data = await tree.exports.export_for(tree.coordinators["a"], PERIOD)
    assert data.scope == "Khối A"
    assert list(data.nodes) == [("khoi_a", "Khối A"), ("a_xa_1", "Xã A1"), ("a_xa_2", "Xã A2")]
    line = next(t for t in aggregate_by_node(data) if t.indicator.id == "cddh_02")
    values = {part.code: part.tally.value for part in line.nodes}
    # Khối A's own report; Xã A1 with its office two levels down (1 + 2); Xã A2.
    assert values == {"khoi_a": Decimal(5), "a_xa_1": Decimal(3), "a_xa_2": Decimal(3)}


async def test_an_unscoped_export_of_a_forest_has_no_node_subtotals(tree: Tree) -> None:
    data = await tree.exports.export_for(tree.coordinators["all"], PERIOD)
    assert data.scope is None
    assert list(data.nodes) == []


@pytest.mark.parametrize("open_", [False, True])
async def test_only_a_whole_tree_coordinator_closes_or_reopens_a_period(
    tree: Tree, open_: bool
) -> None:
    before = await tree.footprint()
    for scoped in ("a", "b"):
        with pytest.raises(OutOfScope) as refused:
            await tree.coordination.set_period_state(tree.coordinators[scoped], PERIOD, open_=open_)
        assert refused.value.unit_code is None
    assert await tree.footprint() == before
    done = await tree.coordination.set_period_state(tree.coordinators["all"], PERIOD, open_=open_)
    assert done.state == ("open" if open_ else "closed")


async def test_a_prompted_return_outside_the_scope_is_refused_and_kept(tree: Tree) -> None:
    # A prompt stored for B's unit (as if the scope changed since) is not answered by A.
    coordinator_a = tree.coordinators["a"]
    await tree.coordination.ask_return_reason(tree.coordinators["all"], "b_xa_1", PERIOD, 1, 9)
    async with tree.sessions.begin() as session:
        prompt = await session.scalar(select(CoordinatorPrompt))
        assert prompt is not None
        prompt.member_id = coordinator_a.member_id
    before = await tree.footprint()
    with pytest.raises(AccessDenied):
        await tree.coordination.answer_prompt(coordinator_a, "lý do", 9)
    assert await tree.footprint() == before


async def test_a_scoped_workbook_has_a_sheet_of_subtotals_per_child_node(tree: Tree) -> None:
    data = await tree.exports.export_for(tree.coordinators["a"], PERIOD)
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book[org.NODE_SHEET]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[2][2:5] == ("Khối A", "Xã A1", "Xã A2")
    label = next(i.label for _, i in data.questionnaire.indicators() if i.id == "cddh_02")
    line = next(row for row in rows if row[0] == label)
    assert line[2:5] == (5, 3, 3)
    unscoped = await tree.exports.export_for(tree.coordinators["all"], PERIOD)
    buffer = io.BytesIO()
    write_xlsx(unscoped, buffer)
    assert org.NODE_SHEET not in openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).sheetnames


async def test_a_scoped_invite_needs_a_known_unit_and_the_coordinator_role(tree: Tree) -> None:
    with pytest.raises(AccountError, match="nowhere"):
        await tree.accounts.create_invite(Role.COORDINATOR, None, scope="nowhere")
    with pytest.raises(AccountError, match="coordinator"):
        await tree.accounts.create_invite(Role.HEAD, "a_xa_1", scope="khoi_a")


async def test_linking_keeps_the_invites_scope_and_a_new_scope_needs_confirming(
    tree: Tree,
) -> None:
    invite = await tree.accounts.create_invite(Role.COORDINATOR, None, scope="a_xa_1")
    created = await tree.accounts.link(TelegramIdentity(800, "điều phối xã A1"), invite.token)
    assert created.actor is not None
    assert created.actor.scope_code == "a_xa_1"
    # The coordinator of Khối A given Xã A1's invite: a change of scope, asked first.
    again = await tree.accounts.create_invite(Role.COORDINATOR, None, scope="a_xa_1")
    asked = await tree.accounts.link(TelegramIdentity(701, "coordinator a"), again.token)
    assert asked.outcome is LinkOutcome.CONFIRM
    done = await tree.accounts.link(
        TelegramIdentity(701, "coordinator a"), again.token, confirmed=True
    )
    assert done.outcome is LinkOutcome.LINKED
    actor = await tree.accounts.resolve_actor(701)
    assert actor is not None
    assert actor.scope_code == "a_xa_1"
    status = await tree.status.status_for(actor, PERIOD)
    assert {unit.code for unit in status.units} == {"a_xa_1", "a_xa_1_vp"}


async def test_a_scoped_district_report_ends_with_subtotals_per_child_node(
    tree: Tree, bundled_config: Configuration
) -> None:
    data = await tree.exports.export_for(tree.coordinators["a"], PERIOD)
    outline = load_outline(bundled_config.directory, bundled_config.questionnaire)
    document = district_report.build(data, outline)
    last = document.tables[-1]
    assert [cell.text for cell in last.rows[0].cells][3:] == ["Khối A", "Xã A1", "Xã A2"]
    label = next(i.label for _, i in data.questionnaire.indicators() if i.id == "cddh_02")
    row = next(r for r in last.rows if r.cells[1].text == label)
    assert [cell.text for cell in row.cells][3:] == ["5", "3", "3"]
    unscoped = await tree.exports.export_for(tree.coordinators["all"], PERIOD)
    plain = district_report.build(unscoped, outline)
    assert "Khối A" not in [cell.text for cell in plain.tables[-1].rows[0].cells]
