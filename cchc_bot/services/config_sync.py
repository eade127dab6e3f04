"""Sync the YAML configuration into the database: units, questionnaire versions, periods."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.schedule import Schedule
from cchc_bot.config.units import UnitConfig
from db.models import AuditEvent, Period, QuestionnaireVersion, Unit
from db.session import SessionFactory


@dataclass
class SyncReport:
    """What `cchc-bot init` changed; all lists empty on a second run."""

    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    # Units whose `valid_to` was set or moved (merged, split, renamed to a new code).
    ended: list[str] = field(default_factory=list)
    questionnaire_version: str = ""
    questionnaire_version_id: int = 0
    questionnaire_added: bool = False
    periods_added: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in the database changed."""
        return bool(
            self.added
            or self.renamed
            or self.updated
            or self.deactivated
            or self.reactivated
            or self.ended
            or self.questionnaire_added
            or self.periods_added
        )


def questionnaire_fingerprint(questionnaire: Questionnaire) -> tuple[dict[str, Any], str]:
    """Return the questionnaire as canonical JSON data and its SHA-256."""
    content = questionnaire.model_dump(mode="json", by_alias=True, exclude_none=True)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return content, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def configured_period_codes(schedule: Schedule, today: dt.date) -> list[str]:
    """Every period code from the first configured year up to next year (or the last year)."""
    last = today.year + 1 if schedule.years.last is None else schedule.years.last
    return [
        f"{year}-{rule.code}"
        for year in range(schedule.years.first, last + 1)
        for rule in schedule.periods
    ]


async def _sync_units(
    session: AsyncSession, config: Configuration, now: dt.datetime, report: SyncReport
) -> None:
    existing = {unit.code: unit for unit in (await session.scalars(select(Unit))).all()}
    for wanted in config.units.units:
        unit = existing.get(wanted.code)
        if unit is None:
            session.add(
                Unit(
                    code=wanted.code,
                    name=wanted.name,
                    kind=str(wanted.kind),
                    has_tthc=wanted.has_tthc,
                    active=wanted.active,
                    parent_code=wanted.parent,
                    valid_from=wanted.valid_from,
                    valid_to=wanted.valid_to,
                    successors=list(wanted.successors) or None,
                    created_at=now,
                    updated_at=now,
                )
            )
            report.added.append(wanted.code)
            continue
        changed = False
        if unit.name != wanted.name:
            report.renamed.append((wanted.code, unit.name, wanted.name))
            unit.name = wanted.name
            changed = True
        if unit.valid_to != wanted.valid_to and wanted.valid_to is not None:
            report.ended.append(wanted.code)
        if _tree_or_kind_changed(unit, wanted):
            unit.kind = str(wanted.kind)
            unit.has_tthc = wanted.has_tthc
            unit.parent_code = wanted.parent
            unit.valid_from = wanted.valid_from
            unit.valid_to = wanted.valid_to
            unit.successors = list(wanted.successors) or None
            report.updated.append(wanted.code)
            changed = True
        if unit.active != wanted.active:
            (report.reactivated if wanted.active else report.deactivated).append(wanted.code)
            unit.active = wanted.active
            changed = True
        if changed:
            unit.updated_at = now
    configured = {unit.code for unit in config.units.units}
    for code, unit in existing.items():
        if code not in configured and unit.active:
            unit.active = False
            unit.updated_at = now
            report.deactivated.append(code)


def _tree_or_kind_changed(unit: Unit, wanted: UnitConfig) -> bool:
    """Whether a stored unit's kind, flags, parent or life span differ from the file's."""
    return (
        unit.kind != str(wanted.kind)
        or unit.has_tthc != wanted.has_tthc
        or unit.parent_code != wanted.parent
        or unit.valid_from != wanted.valid_from
        or unit.valid_to != wanted.valid_to
        or (unit.successors or []) != list(wanted.successors)
    )


async def _sync_questionnaire(
    session: AsyncSession, config: Configuration, now: dt.datetime, report: SyncReport
) -> None:
    content, digest = questionnaire_fingerprint(config.questionnaire)
    row = await session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == digest)
    )
    if row is None:
        row = QuestionnaireVersion(
            version=config.questionnaire.version,
            content_hash=digest,
            content=content,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        report.questionnaire_added = True
    report.questionnaire_version = row.version
    report.questionnaire_version_id = row.id


async def _sync_periods(
    session: AsyncSession, config: Configuration, today: dt.date, report: SyncReport
) -> None:
    known = set((await session.scalars(select(Period.code))).all())
    for code in configured_period_codes(config.schedule, today):
        if code not in known:
            year, kind = code.split("-", 1)
            session.add(Period(code=code, kind=kind, year=int(year)))
            report.periods_added.append(code)


async def sync_configuration(
    session_factory: SessionFactory, config: Configuration, clock: Clock, today: dt.date
) -> SyncReport:
    """Bring the database in line with the configuration; running it twice changes nothing."""
    now = clock()
    report = SyncReport()
    async with session_factory.begin() as session:
        await _sync_units(session, config, now, report)
        await _sync_questionnaire(session, config, now, report)
        await _sync_periods(session, config, today, report)
        if report.changed:
            session.add(
                AuditEvent(
                    at=now,
                    action="config_synced",
                    details={
                        "added": report.added,
                        "renamed": [list(item) for item in report.renamed],
                        "updated": report.updated,
                        "deactivated": report.deactivated,
                        "reactivated": report.reactivated,
                        "ended": report.ended,
                        "questionnaire_version": report.questionnaire_version,
                        "questionnaire_added": report.questionnaire_added,
                        "periods_added": report.periods_added,
                    },
                )
            )
    return report
