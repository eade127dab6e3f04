"""Reports that go up a level: a consolidating node submits its subtree's total, counted once."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from cchc_bot.access import Actor, Role
from cchc_bot.aggregation import aggregate
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.units import UnitConfig, UnitsFile
from cchc_bot.services.accounts import AccountService, TelegramIdentity
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.consolidation import ConsolidationOutcome, ConsolidationService
from cchc_bot.services.coordination import CoordinationService, ReturnOutcome
from cchc_bot.services.exports import ExportService
from db import repositories
from db.models import Answer, QuestionnaireVersion, Submission, SubmissionVersion, Unit
from db.session import SessionFactory
from tests.seeding import store_submitted

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = "2024-Q1"
NOW = dt.datetime(2024, 3, 8, tzinfo=dt.UTC)


def tree_config(config: Configuration) -> Configuration:
    """Khối A consolidates its two communes; Khối B does not."""

    def unit(code: str, name: str, kind: str, parent: str | None = None) -> UnitConfig:
        return UnitConfig(code=code, name=name, kind=kind, has_tthc=True, parent=parent)

    units = [
        unit("khoi_a", "Khối A", "phong").model_copy(update={"consolidates": True}),
        unit("a_xa_1", "Xã A1", "xa", "khoi_a"),
        unit("a_xa_2", "Xã A2", "xa", "khoi_a"),
        unit("khoi_b", "Khối B", "phong"),
        unit("b_xa_1", "Xã B1", "xa", "khoi_b"),
    ]
    return replace(config, units=UnitsFile(units=units))


async def submit(session_factory: SessionFactory, code: str, value: int) -> None:
    """Store a submitted 2024-Q1 report of a unit with one figure (cddh_02)."""
    await store_submitted(session_factory, code, PERIOD, {"cddh_02": {"value": str(value)}}, NOW)


class World:
    """The services, and coordinators of Khối A, Khối B and the whole tree."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: MovableClock
    ) -> None:
        self.sessions = session_factory
        self.accounts = AccountService(session_factory, clock)
        self.consolidation = ConsolidationService(session_factory, config, clock, TZ)
        self.coordination = CoordinationService(session_factory, config, clock, TZ)
        self.exports = ExportService(session_factory, config, clock, TZ)
        self.coordinators: dict[str, Actor] = {}

    async def total(self, key: str) -> Decimal | None:
        """The cddh_02 total of the export the coordinator gets."""
        data = await self.exports.export_for(self.coordinators[key], PERIOD)
        line = next(t for t in aggregate(data) if t.indicator.id == "cddh_02")
        return line.current.value


@pytest.fixture
async def world(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> World:
    """Both communes of Khối A and the one of Khối B submitted (3, 4 and 5 documents)."""
    config = tree_config(bundled_config)
    await sync_configuration(session_factory, config, clock, clock().date())
    for code, value in (("a_xa_1", 3), ("a_xa_2", 4), ("b_xa_1", 5)):
        await submit(session_factory, code, value)
    world = World(session_factory, config, clock)
    for number, (key, scope) in enumerate(
        (("all", None), ("a", "khoi_a"), ("b", "khoi_b")), start=900
    ):
        invite = await world.accounts.create_invite(Role.COORDINATOR, None, scope=scope)
        await world.accounts.link(TelegramIdentity(number, f"điều phối {key}"), invite.token)
        actor = await world.accounts.resolve_actor(number)
        assert actor is not None
        world.coordinators[key] = actor
    return world


async def test_the_node_coordinator_sees_how_complete_the_consolidation_is(world: World) -> None:
    preview = await world.consolidation.preview(world.coordinators["a"], PERIOD)
    assert preview.outcome is ConsolidationOutcome.READY
    assert (preview.node_code, preview.counted, preview.expected) == ("khoi_a", 2, 2)
    assert preview.missing == ()


@pytest.mark.parametrize("key", ["all", "b"])
async def test_only_the_coordinator_of_a_consolidating_node_consolidates(
    world: World, key: str
) -> None:
    refused = await world.consolidation.submit(world.coordinators[key], PERIOD)
    assert refused.outcome is ConsolidationOutcome.NOT_CONSOLIDATING
    assert await world.total("all") == Decimal(12)


async def test_a_submitted_consolidation_counts_once_above_and_a_return_reopens_it(
    world: World,
) -> None:
    # The node's own text answer, typed into its draft, goes up with the figures.
    async with world.sessions.begin() as session:
        node = await session.scalar(select(Unit).where(Unit.code == "khoi_a"))
        version = await session.scalar(select(QuestionnaireVersion))
        period = await repositories.find_period(session, PERIOD)
        assert node is not None
        assert version is not None
        assert period is not None
        draft = Submission(
            unit_id=node.id,
            period_id=period.id,
            questionnaire_version_id=version.id,
            state="draft",
            created_at=NOW,
            updated_at=NOW,
            version=0,
        )
        session.add(draft)
        await session.flush()
        session.add(
            Answer(
                submission_id=draft.id,
                indicator_id="cddh_nx",
                text_value="Hai xã đã nộp đúng hạn.",
                answered_at=NOW,
            )
        )
    done = await world.consolidation.submit(world.coordinators["a"], PERIOD)
    assert done.outcome is ConsolidationOutcome.SUBMITTED
    assert done.version == 1
    async with world.sessions() as session:
        frozen = await session.scalar(
            select(SubmissionVersion.answers)
            .join(Submission, Submission.id == SubmissionVersion.submission_id)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Unit.code == "khoi_a")
        )
    assert frozen is not None
    assert frozen["cddh_02"] == {"value": "7"}
    assert frozen["cddh_nx"] == {"text_value": "Hai xã đã nộp đúng hạn."}
    # Above: Khối A's 7 instead of its communes' 3 + 4, plus Xã B1's 5 (not 3 + 4 + 7 + 5).
    assert await world.total("all") == Decimal(12)
    upper = await world.exports.export_for(world.coordinators["all"], PERIOD)
    counted = {unit.code for unit in upper.units if unit.counted}
    assert counted == {"khoi_a", "b_xa_1"}
    # The node's own export counts its communes, not its own consolidated report.
    assert await world.total("a") == Decimal(7)
    again = await world.consolidation.submit(world.coordinators["a"], PERIOD)
    assert again.outcome is ConsolidationOutcome.ALREADY_SUBMITTED

    returned = await world.coordination.return_report(
        world.coordinators["all"], "khoi_a", PERIOD, "Xã A2 cần rà soát lại"
    )
    assert returned.outcome is ReturnOutcome.RETURNED
    assert world.coordinators["a"].telegram_user_id in returned.notify_telegram_ids
    upper = await world.exports.export_for(world.coordinators["all"], PERIOD)
    assert {unit.code for unit in upper.units if unit.counted} == {"a_xa_1", "a_xa_2", "b_xa_1"}
    reopened = await world.consolidation.preview(world.coordinators["a"], PERIOD)
    assert reopened.outcome is ConsolidationOutcome.READY
    second = await world.consolidation.submit(world.coordinators["a"], PERIOD)
    assert second.outcome is ConsolidationOutcome.SUBMITTED
    assert second.version == 2
