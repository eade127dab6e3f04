"""`cchc-bot init` sync: idempotent, renames, additions, deactivation, questionnaire versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import func, select

from cchc_bot.clock import MovableClock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.units import UnitConfig, UnitsFile
from cchc_bot.services.config_sync import sync_configuration
from db.models import AuditEvent, Period, QuestionnaireVersion, Submission, Unit
from db.session import SessionFactory

TODAY = dt.date(2024, 3, 5)


def with_units(config: Configuration, units: list[UnitConfig]) -> Configuration:
    """A copy of the configuration with another unit list."""
    return replace(config, units=UnitsFile(organisation=config.units.organisation, units=units))


async def test_second_sync_changes_nothing(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    first = await sync_configuration(session_factory, bundled_config, clock, TODAY)
    assert first.changed
    assert len(first.added) == len(bundled_config.units.units)
    assert first.questionnaire_added

    second = await sync_configuration(session_factory, bundled_config, clock, TODAY)
    assert not second.changed
    assert second.questionnaire_version_id == first.questionnaire_version_id
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Unit)) == len(
            bundled_config.units.units
        )
        assert await session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 1
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 1


async def test_periods_are_created_from_first_year_to_next_year(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    report = await sync_configuration(session_factory, bundled_config, clock, TODAY)
    assert report.periods_added[:4] == ["2024-Q1", "2024-H1", "2024-Q3", "2024-Y"]
    async with session_factory() as session:
        codes = (await session.scalars(select(Period.code).order_by(Period.id))).all()
    assert codes == [f"{year}-{kind}" for year in (2024, 2025) for kind in ("Q1", "H1", "Q3", "Y")]


async def test_edited_units_are_renamed_added_and_deactivated_without_losing_history(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    await sync_configuration(session_factory, bundled_config, clock, TODAY)
    original = bundled_config.units.units
    removed = original[0]
    renamed = original[1].model_copy(update={"name": original[1].name + " (mới)"})
    added = UnitConfig(code="xa_moi", name="Xã Mới", kind="xa", has_tthc=True)
    edited = with_units(bundled_config, [renamed, *original[2:], added])

    async with session_factory.begin() as session:
        unit = await session.scalar(select(Unit).where(Unit.code == removed.code))
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

    report = await sync_configuration(session_factory, edited, clock, TODAY)
    assert report.added == ["xa_moi"]
    assert report.renamed == [(renamed.code, original[1].name, renamed.name)]
    assert report.deactivated == [removed.code]

    async with session_factory() as session:
        gone = await session.scalar(select(Unit).where(Unit.code == removed.code))
        assert gone is not None
        assert gone.active is False
        assert (
            await session.scalar(
                select(func.count()).select_from(Submission).where(Submission.unit_id == gone.id)
            )
            == 1
        )
        renamed_row = await session.scalar(select(Unit).where(Unit.code == renamed.code))
        assert renamed_row is not None
        assert renamed_row.name == renamed.name

    again = await sync_configuration(session_factory, edited, clock, TODAY)
    assert not again.changed

    restored = await sync_configuration(session_factory, bundled_config, clock, TODAY)
    assert restored.reactivated == [removed.code]
    assert restored.deactivated == ["xa_moi"]


async def test_changed_questionnaire_is_a_new_version_and_old_submissions_keep_theirs(
    session_factory: SessionFactory, bundled_config: Configuration, clock: MovableClock
) -> None:
    first = await sync_configuration(session_factory, bundled_config, clock, TODAY)
    section = bundled_config.questionnaire.sections[0]
    indicator = section.indicators[0].model_copy(update={"label": "Nhãn đã sửa"})
    new_section = section.model_copy(update={"indicators": [indicator, *section.indicators[1:]]})
    questionnaire = bundled_config.questionnaire.model_copy(
        update={
            "version": "2024.2",
            "sections": [new_section, *bundled_config.questionnaire.sections[1:]],
        }
    )
    async with session_factory.begin() as session:
        unit = await session.scalar(select(Unit).limit(1))
        period = await session.scalar(select(Period).where(Period.code == "2024-Q1"))
        assert unit is not None
        assert period is not None
        session.add(
            Submission(
                unit_id=unit.id,
                period_id=period.id,
                questionnaire_version_id=first.questionnaire_version_id,
                created_at=clock(),
                updated_at=clock(),
            )
        )

    clock.advance(dt.timedelta(days=1))
    second = await sync_configuration(
        session_factory, replace(bundled_config, questionnaire=questionnaire), clock, TODAY
    )
    assert second.questionnaire_added
    assert second.questionnaire_version == "2024.2"
    assert second.questionnaire_version_id != first.questionnaire_version_id
    async with session_factory() as session:
        kept = await session.scalar(select(Submission.questionnaire_version_id))
        assert kept == first.questionnaire_version_id
        stored = await session.get(QuestionnaireVersion, second.questionnaire_version_id)
        assert stored is not None
        assert stored.content["sections"][0]["indicators"][0]["label"] == "Nhãn đã sửa"
