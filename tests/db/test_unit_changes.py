"""`cchc-bot init` applies merges, splits and renames to new codes without losing history."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from cchc_bot.access import Role
from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.units import UnitConfig, UnitsFile
from cchc_bot.services.accounts import AccountService
from cchc_bot.services.config_sync import sync_configuration
from cchc_bot.services.directory import list_units
from cchc_bot.services.status import StatusService
from db.models import Period, QuestionnaireVersion, Submission, Unit
from db.session import SessionFactory

TODAY = dt.date(2024, 3, 5)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_DAY = dt.date(2025, 6, 30)
FIRST_DAY = dt.date(2025, 7, 1)


def edited(
    config: Configuration, ended: dict[str, list[str]], added: list[UnitConfig]
) -> Configuration:
    """The configuration with some units ended on 30/6/2025 (with successors) and some added."""
    units = [
        unit.model_copy(update={"valid_to": LAST_DAY, "successors": ended[unit.code]})
        if unit.code in ended
        else unit
        for unit in config.units.units
    ]
    file = UnitsFile(
        organisation=config.units.organisation, units=[*units, *added], groups=config.units.groups
    )
    return replace(config, units=file)


def commune(code: str, name: str, parent: str | None = None) -> UnitConfig:
    """A commune that begins on 1/7/2025."""
    return UnitConfig(
        code=code, name=name, kind="xa", has_tthc=True, valid_from=FIRST_DAY, parent=parent
    )


async def submit(session_factory: SessionFactory, clock: MovableClock, code: str) -> None:
    """Store a submitted 2024-Q1 report of a unit."""
    async with session_factory.begin() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == code))
        period = await session.scalar(select(Period).where(Period.code == "2024-Q1"))
        version = await session.scalar(select(QuestionnaireVersion))
        assert unit is not None
        assert period is not None
        assert version is not None
        session.add(
            Submission(
                unit_id=unit.id,
                period_id=period.id,
                questionnaire_version_id=version.id,
                state="submitted",
                created_at=clock(),
                updated_at=clock(),
                version=1,
            )
        )


async def submissions_of(session_factory: SessionFactory, code: str) -> int:
    """How many submissions a unit has."""
    async with session_factory() as session:
        query = select(func.count()).select_from(Submission).join(Unit).where(Unit.code == code)
        return int(await session.scalar(query) or 0)


async def asked(
    session_factory: SessionFactory, config: Configuration, clock: MovableClock, period: str
) -> set[str]:
    """The unit codes that the status of a period lists."""
    status = await StatusService(session_factory, config, clock, TZ).district_status(period)
    return {unit.code for unit in status.units}


async def test_a_merge_ends_the_old_units_keeps_their_reports_and_asks_the_new_one(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, TODAY)
    await submit(session_factory, clock, "xa_dai_an_2")
    merged = ["tt_tran_de", "xa_dai_an_2", "xa_trung_binh"]
    config = edited(
        bundled_config,
        {key: ["xa_tran_de"] for key in merged},
        [commune("xa_tran_de", "Xã Trần Đề")],
    )

    report = await sync_configuration(session_factory, config, clock, TODAY)

    assert report.added == ["xa_tran_de"]
    assert sorted(report.ended) == merged
    assert report.deactivated == []
    async with session_factory() as session:
        rows = {
            u.code: u
            for u in (await session.scalars(select(Unit).where(Unit.code.in_(merged)))).all()
        }
    assert {code: (row.valid_to, row.successors, row.active) for code, row in rows.items()} == {
        code: (LAST_DAY, ["xa_tran_de"], True) for code in merged
    }
    assert await submissions_of(session_factory, "xa_dai_an_2") == 1
    assert not (await sync_configuration(session_factory, config, clock, TODAY)).changed

    before = await asked(session_factory, config, clock, "2024-Q1")
    after = await asked(session_factory, config, clock, "2025-Y")
    assert set(merged) <= before
    assert "xa_tran_de" not in before
    assert "xa_tran_de" in after
    assert not set(merged) & after


async def test_a_split_and_a_new_code_are_successors_and_can_be_undone(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, TODAY)
    await submit(session_factory, clock, "xa_lieu_tu")
    split = edited(
        bundled_config,
        {"xa_lieu_tu": ["xa_lieu_tu_a", "xa_lieu_tu_b"], "xa_vien_an": ["xa_vien_an_moi"]},
        [
            commune("xa_lieu_tu_a", "Xã Liêu Tú A"),
            commune("xa_lieu_tu_b", "Xã Liêu Tú B"),
            commune("xa_vien_an_moi", "Xã Viên An (mã mới)"),
        ],
    )

    report = await sync_configuration(session_factory, split, clock, TODAY)
    listed = {unit.code: unit for unit in await list_units(session_factory)}
    assert listed["xa_lieu_tu"].valid_to == LAST_DAY
    assert listed["xa_lieu_tu"].successors == ("xa_lieu_tu_a", "xa_lieu_tu_b")
    assert listed["xa_lieu_tu_a"].valid_from == FIRST_DAY

    assert sorted(report.added) == ["xa_lieu_tu_a", "xa_lieu_tu_b", "xa_vien_an_moi"]
    assert sorted(report.ended) == ["xa_lieu_tu", "xa_vien_an"]
    async with session_factory() as session:
        old = await session.scalar(select(Unit).where(Unit.code == "xa_lieu_tu"))
        assert old is not None
        assert old.successors == ["xa_lieu_tu_a", "xa_lieu_tu_b"]
    assert await submissions_of(session_factory, "xa_lieu_tu") == 1
    assert {"xa_lieu_tu_a", "xa_lieu_tu_b", "xa_vien_an_moi"} <= await asked(
        session_factory, split, clock, "2025-Y"
    )

    undone = await sync_configuration(session_factory, bundled_config, clock, TODAY)
    assert sorted(undone.deactivated) == ["xa_lieu_tu_a", "xa_lieu_tu_b", "xa_vien_an_moi"]
    assert sorted(undone.updated) == ["xa_lieu_tu", "xa_vien_an"]
    async with session_factory() as session:
        old = await session.scalar(select(Unit).where(Unit.code == "xa_lieu_tu"))
        assert old is not None
        assert (old.valid_to, old.successors) == (None, None)
    assert await submissions_of(session_factory, "xa_lieu_tu") == 1


async def test_parents_are_stored_and_follow_the_file(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, TODAY)
    units = [
        unit.model_copy(update={"parent": "p_noi_vu"}) if unit.kind == "xa" else unit
        for unit in bundled_config.units.units
    ]
    config = replace(
        bundled_config,
        units=UnitsFile(
            organisation=bundled_config.units.organisation,
            units=units,
            groups=bundled_config.units.groups,
        ),
    )

    report = await sync_configuration(session_factory, config, clock, TODAY)

    communes = [unit.code for unit in units if unit.kind == "xa"]
    assert sorted(report.updated) == sorted(communes)
    async with session_factory() as session:
        parents = dict((await session.execute(select(Unit.code, Unit.parent_code))).all())
    assert {parents[code] for code in communes} == {"p_noi_vu"}
    assert parents["p_noi_vu"] is None
    status = await StatusService(session_factory, config, clock, TZ).district_status("2024-Q1")
    assert {unit.code: unit.parent for unit in status.units}["xa_tai_van"] == "p_noi_vu"
    listed = {unit.code: unit for unit in await list_units(session_factory)}
    assert listed["xa_tai_van"].parent == "p_noi_vu"
    assert listed["p_noi_vu"].parent is None


async def test_invites_for_all_units_leave_out_units_that_ended(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    merged = ["tt_tran_de", "xa_dai_an_2", "xa_trung_binh"]
    config = edited(
        bundled_config,
        {code: ["xa_tran_de"] for code in merged},
        [commune("xa_tran_de", "Xã Trần Đề")],
    )
    await sync_configuration(session_factory, config, clock, TODAY)
    accounts = AccountService(session_factory, clock)

    before = {i.unit_code for i in await accounts.create_invites_for_all_units(Role.HEAD)}
    clock.set(dt.datetime(2025, 7, 2, 9, 0, tzinfo=TZ))
    after = {i.unit_code for i in await accounts.create_invites_for_all_units(Role.HEAD)}

    assert set(merged) <= before
    assert "xa_tran_de" in before  # prepared before it begins
    assert not set(merged) & after
    assert "xa_tran_de" in after
