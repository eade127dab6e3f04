"""`cchc-bot import`: a period's figures per unit from a workbook, checked, stored as one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cchc_bot import conversation, unit_life
from cchc_bot.imports import IMPORT_SOURCE
from cchc_bot.imports.checking import Problem, UnitRow, check_row
from cchc_bot.periods import ReportingPeriod
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.config_sync import questionnaire_fingerprint
from cchc_bot.services.reports.freezing import freeze_version
from cchc_bot.services.status import unit_config
from cchc_bot.texts import figures as words
from db import repositories
from db.models import AuditEvent, Submission, Unit


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import found and did: problems (then nothing stored) and the units read."""

    period: ReportingPeriod
    problems: tuple[Problem, ...]
    imported: tuple[str, ...]  # unit codes whose figures were (or, dry run, would be) stored
    skipped: tuple[str, ...]  # unit codes whose rows hold no figure
    stored: bool


class ImportService(ConfiguredService):
    """Checks a workbook's unit rows like chat answers and stores them in one transaction."""

    async def import_rows(
        self,
        period_code: str,
        rows: Sequence[UnitRow],
        *,
        file_name: str,
        dry_run: bool = False,
    ) -> ImportOutcome:
        """Check every row; store all of them as new submitted versions, or none at all."""
        period = self.period(period_code)
        now = self._clock()
        async with self._sessions.begin() as session:
            units = {
                unit.code: unit
                for unit in await repositories.active_units(session, unit_life.asked_on(period))
            }
            problems: list[Problem] = []
            ready: list[tuple[Unit, dict[str, object]]] = []
            skipped: list[str] = []
            first_row: dict[str, int] = {}
            for row in rows:
                unit = units.get(row.unit_code)
                if unit is None or row.unit_code in first_row:
                    message = (
                        words.IMPORT_UNKNOWN_UNIT.format(code=row.unit_code)
                        if unit is None
                        else words.IMPORT_DUPLICATE_UNIT.format(row=first_row[row.unit_code])
                    )
                    problems.append(Problem(row.sheet, row.row, "", row.unit_code, "", message))
                    continue
                first_row[row.unit_code] = row.row
                if row.is_empty():
                    skipped.append(unit.code)
                    continue
                context = conversation.context_for_period(
                    self._config.questionnaire, unit_config(unit), period
                )
                answers, found = check_row(context, row, f"{unit.code} {unit.name}")
                problems.extend(found)
                if not found:
                    final = conversation.final_answers(context, answers)
                    ready.append(
                        (unit, {ident: answer.to_json() for ident, answer in final.items()})
                    )
            imported = tuple(unit.code for unit, _ in ready)
            if problems or dry_run:  # nothing was written: the transaction only read
                return ImportOutcome(period, tuple(problems), imported, tuple(skipped), False)
            for unit, snapshot in ready:
                await self._store(session, unit, period, snapshot, file_name, now)
        return ImportOutcome(period, (), imported, tuple(skipped), True)

    async def _store(
        self,
        session: AsyncSession,
        unit: Unit,
        period: ReportingPeriod,
        snapshot: dict[str, object],
        file_name: str,
        now: dt.datetime,
    ) -> None:
        """One unit's imported figures as its next submitted version, audited."""
        row = await repositories.get_or_create_period(
            session, period.code, period.kind, period.year
        )
        submission = await session.scalar(
            select(Submission)
            .where(Submission.unit_id == unit.id, Submission.period_id == row.id)
            .with_for_update()
        )
        _, fingerprint = questionnaire_fingerprint(self._config.questionnaire)
        version = await repositories.questionnaire_version_by_hash(session, fingerprint)
        if version is None:
            raise RuntimeError("the questionnaire is not synced: run `cchc-bot init`")
        if submission is None:
            submission = Submission(
                unit_id=unit.id,
                period_id=row.id,
                questionnaire_version_id=version.id,
                state="draft",
                position="",
                created_at=now,
                updated_at=now,
            )
            session.add(submission)
            await session.flush()
        freeze_version(
            session,
            submission,
            snapshot,
            member_id=None,
            now=now,
            late=False,
            source=IMPORT_SOURCE,
            source_file=file_name[:255],
            questionnaire_version_id=version.id,
        )
        session.add(
            AuditEvent(
                at=now,
                action="figures_imported",
                unit_id=unit.id,
                details={
                    "period": period.code,
                    "version": submission.version,
                    "file": file_name,
                    "answers": len(snapshot),
                },
            )
        )
