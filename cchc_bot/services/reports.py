"""The unit's report: start or resume a draft, apply each answer, submit, revise, approve.

The draft row is the conversation's state (DESIGN decision 1): every accepted answer is
written in the same transaction as the position, before the bot replies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from cchc_bot import calendar, conversation
from cchc_bot.access import AccessDenied, Actor, Role, require_unit_member
from cchc_bot.answers import Answer
from cchc_bot.calendar import ReportingPeriod
from cchc_bot.clock import Clock
from cchc_bot.config.loading import Configuration
from cchc_bot.config.questionnaire import Questionnaire
from cchc_bot.config.units import UnitConfig
from cchc_bot.conversation import (
    ConversationContext,
    DraftState,
    Event,
    QuestionView,
    SubmitReady,
    SummaryView,
)
from cchc_bot.services import periods as period_queries
from cchc_bot.services.accounts import actor_from
from cchc_bot.services.attachments import (
    ALLOWED_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
    STORED_NAME_MAX,
    content_matches,
    shown_name,
    suffix_of,
)
from cchc_bot.services.base import ConfiguredService
from cchc_bot.services.config_sync import questionnaire_fingerprint
from cchc_bot.services.status import unit_config
from db import repositories
from db.models import (
    Answer as AnswerRow,
)
from db.models import (
    Attachment,
    AuditEvent,
    Member,
    Period,
    QuestionnaireVersion,
    Submission,
    SubmissionVersion,
    Unit,
)
from db.session import SessionFactory

EDITABLE_STATES = frozenset({"draft", "returned", "revising"})


class ReportOutcome(StrEnum):
    """What a report call produced, for the handler to render."""

    SCREEN = "screen"
    CHOOSE_PERIOD = "choose_period"
    NO_OPEN_PERIOD = "no_open_period"
    NOT_IN_REPORT = "not_in_report"
    STALE = "stale"
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    AWAITING_APPROVAL = "awaiting_approval"
    PERIOD_CLOSED = "period_closed"
    NO_QUESTIONS = "no_questions"
    NOT_LINKED = "not_linked"


@dataclass(frozen=True)
class PeriodOption:
    """An open period the unit can report on."""

    code: str
    label: str
    deadline: dt.datetime
    state: str
    answered: int


@dataclass(frozen=True)
class Receipt:
    """The short receipt of a submission."""

    period_label: str
    unit_name: str
    figures: int
    submitted_at: dt.datetime
    late: bool
    version: int
    awaiting_approval: bool
    submitted_by: str
    # Counted as the progress bar counts: every question with an answer, of all asked.
    answered: int = 0
    total: int = 0
    not_applicable: int = 0
    skipped: int = 0
    attachment_name: str | None = None


@dataclass(frozen=True)
class Screen:
    """The question or summary to show, with what buttons need to stay valid."""

    submission_id: int
    token: str
    period: ReportingPeriod
    unit_name: str
    state: str
    view: QuestionView | SummaryView
    attachment_name: str | None = None
    returned_reason: str | None = None


@dataclass(frozen=True)
class ReportResult:
    """The outcome of a report call."""

    outcome: ReportOutcome
    screen: Screen | None = None
    options: tuple[PeriodOption, ...] = ()
    receipt: Receipt | None = None
    period: ReportingPeriod | None = None
    submission_id: int | None = None
    can_revise: bool = False
    notify_member_ids: tuple[int, ...] = ()
    next_period: ReportingPeriod | None = None
    # The coordinator who returned the report, told when the revision arrives.
    notify_returner: int | None = None
    # Who wrote, when the service resolved the account itself (answer_from).
    actor: Actor | None = None


@dataclass(frozen=True)
class AttachmentResult:
    """The outcome of sending the signed report file."""

    accepted: bool
    reason: str | None = None
    file_name: str | None = None
    size: int = 0
    sha256: str | None = None
    # The summary again when the draft is at it: its buttons stay valid after an upload.
    screen: Screen | None = None


@dataclass
class _Loaded:
    submission: Submission
    unit: Unit
    period: ReportingPeriod
    questionnaire: Questionnaire
    context: ConversationContext
    state: DraftState
    period_override: str | None = None

    def accepts_answers(self, now: dt.datetime) -> bool:
        """A returned report can always be revised; otherwise the period must be open."""
        return accepts_answers(self.submission.state, self.period_override, self.period, now)


def accepts_answers(
    state: str, override: str | None, period: ReportingPeriod, now: dt.datetime
) -> bool:
    """A returned report can always be revised; otherwise the period must be open."""
    if state == "returned" or override == "open":
        return True
    return override != "closed" and period.is_open(now)


class Stamped(Protocol):
    """Where a draft stands: what `state_token` fingerprints."""

    @property
    def id(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def position(self) -> str | None: ...
    @property
    def updated_at(self) -> dt.datetime: ...


@dataclass(frozen=True, slots=True)
class DraftStamp:
    """A draft's position columns as plain values (the hot path reads no ORM object)."""

    id: int
    state: str
    position: str | None
    pending: dict[str, Any] | None
    updated_at: dt.datetime

    @classmethod
    def of(cls, submission: Submission) -> DraftStamp:
        """The stamp of an ORM row."""
        return cls(
            submission.id,
            submission.state,
            submission.position,
            submission.pending,
            submission.updated_at,
        )


def state_token(submission: Stamped) -> str:
    """A short fingerprint of the draft's position: buttons from an older screen are stale."""
    stamp = submission.updated_at.isoformat()
    raw = f"{submission.id}|{submission.state}|{submission.position}|{stamp}"
    return hashlib.sha256(raw.encode()).hexdigest()[:8]


def figures_of(snapshot: Mapping[str, Any]) -> dict[str, Decimal]:
    """Rule-reference keyed figures of a frozen version (for jump and Q1 checks)."""
    values: dict[str, Decimal] = {}
    for indicator_id, data in snapshot.items():
        try:
            answer = Answer.from_json(data)
        except (ValueError, TypeError, ArithmeticError):
            continue
        if answer.not_applicable or answer.skipped:
            continue
        if answer.value is not None:
            values[indicator_id] = answer.value
        if answer.numerator is not None:
            values[f"{indicator_id}.numerator"] = answer.numerator
        if answer.denominator is not None:
            values[f"{indicator_id}.denominator"] = answer.denominator
    return values


_DRAFT_FOR_ANSWER = (
    select(Submission, Period.code, Period.override)
    .join(Period, Period.id == Submission.period_id)
    .where(Submission.id == bindparam("submission_id"))
    .with_for_update(of=Submission)
)
_answers = AnswerRow.metadata.tables[AnswerRow.__tablename__]
_DELETE_ANSWER = delete(_answers).where(
    AnswerRow.submission_id == bindparam("submission_id"),
    AnswerRow.indicator_id == bindparam("indicator_id"),
)
_submissions = Submission.metadata.tables[Submission.__tablename__]
_MOVE_DRAFT = (
    update(_submissions)
    .where(_submissions.c.id == bindparam("submission_id"))
    .values(
        position=bindparam("position"),
        pending=bindparam("pending"),
        updated_at=bindparam("updated_at"),
    )
)


# The common case of an answer in one query: the linked head or staff member, their unit,
# the draft they are in (locked) and its period. Anything this does not find (no account,
# no draft, a draft of another unit) goes the general way, which tells what is wrong.
_ANSWER_TARGET = (
    select(
        Member.id.label("member_id"),
        Member.name.label("member_name"),
        Member.role,
        Unit.id.label("unit_id"),
        Unit.code.label("unit_code"),
        Unit.name.label("unit_name"),
        Unit.kind.label("unit_kind"),
        Unit.has_tthc.label("unit_has_tthc"),
        Unit.active.label("unit_active"),
        Submission.id,
        Submission.unit_id.label("draft_unit_id"),
        Submission.questionnaire_version_id,
        Submission.state,
        Submission.position,
        Submission.pending,
        Submission.updated_at,
        Submission.returned_reason,
        Period.code.label("period_code"),
        Period.override,
    )
    .join(Unit, Unit.id == Member.unit_id)
    .join(Submission, Submission.id == Member.active_submission_id)
    .join(Period, Period.id == Submission.period_id)
    .where(Member.telegram_user_id == bindparam("telegram_user_id"), Member.revoked_at.is_(None))
    .with_for_update(of=Submission)
)

_LATEST_ATTACHMENT_NAME = (
    select(Attachment.file_name)
    .where(Attachment.submission_id == bindparam("submission_id"))
    .order_by(Attachment.id.desc())
    .limit(1)
)


async def _read_answers(connection: AsyncConnection, submission_id: int) -> dict[str, Answer]:
    """A draft's answers, read as plain rows (this runs for every answer)."""
    rows = await connection.execute(
        repositories.ANSWERS_OF_SUBMISSION, {"submission_id": submission_id}
    )
    return {row.indicator_id: Answer.from_columns(row._asdict()) for row in rows}


async def _write_outcome(
    connection: AsyncConnection,
    draft: DraftStamp,
    outcome: conversation.Outcome,
    now: dt.datetime,
    *,
    touch: bool,
    member_id: int | None,
) -> DraftStamp:
    """Store a step's answer changes and the draft's new position; return its new stamp.

    Core statements, not ORM flushes: this runs for every answer.
    """
    for change in outcome.changes:
        if change.answer is None:
            await connection.execute(
                _DELETE_ANSWER, {"submission_id": draft.id, "indicator_id": change.indicator_id}
            )
            continue
        await repositories.upsert_answer(
            connection,
            draft.id,
            change.indicator_id,
            {**change.answer.to_columns(), "answered_at": now, "answered_by_member_id": member_id},
        )
    position = outcome.state.position
    pending = outcome.state.pending_column()
    if draft.position == position and draft.pending == pending and not outcome.changes:
        return draft
    updated_at = draft.updated_at
    if touch or outcome.changes:
        updated_at = max(now, updated_at + dt.timedelta(microseconds=1))
    await connection.execute(
        _MOVE_DRAFT,
        {
            "submission_id": draft.id,
            "position": position,
            "pending": pending,
            "updated_at": updated_at,
        },
    )
    return replace(draft, position=position, pending=pending, updated_at=updated_at)


class ReportService(ConfiguredService):
    """Everything a head or staff member does with their unit's report."""

    def __init__(
        self, session_factory: SessionFactory, config: Configuration, clock: Clock, tz: ZoneInfo
    ) -> None:
        super().__init__(session_factory, config, clock, tz)
        _, self._current_hash = questionnaire_fingerprint(config.questionnaire)
        self._references: dict[tuple[int, str], tuple[dict[str, Decimal], dict[str, Decimal]]] = {}
        # Built from what the reference cache holds, so it lives exactly as long (per process).
        self._contexts: dict[tuple[int, int, UnitConfig, str], ConversationContext] = {}

    # --- reading ------------------------------------------------------------------------

    async def _member(self, session: AsyncSession, actor: Actor) -> Member:
        member = await session.get(Member, actor.member_id)
        if member is None or member.revoked_at is not None:
            raise PermissionError("membership revoked")
        return member

    async def _reference_figures(
        self, session: AsyncSession, unit_id: int, period: ReportingPeriod
    ) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """The figures a draft is checked against: the same period last year, and this Q1.

        Read once per draft and process: a later revision of those older reports only
        changes advisory warnings, and the next start of the bot reads them again.
        """
        key = (unit_id, period.code)
        cached = self._references.get(key)
        if cached is not None:
            return cached
        previous = await self._version_figures(
            session, unit_id, calendar.period_code(period.year - 1, period.kind)
        )
        first_quarter: dict[str, Decimal] = {}
        if period.cumulative and period.kind != "Q1":
            first_quarter = await self._version_figures(
                session, unit_id, calendar.period_code(period.year, "Q1")
            )
        self._references[key] = (previous, first_quarter)
        return previous, first_quarter

    async def _version_figures(
        self, session: AsyncSession, unit_id: int, period_code: str
    ) -> dict[str, Decimal]:
        row = await repositories.find_period(session, period_code)
        if row is None:
            return {}
        snapshot = await session.scalar(
            select(SubmissionVersion.answers)
            .join(Submission, Submission.id == SubmissionVersion.submission_id)
            .where(Submission.unit_id == unit_id, Submission.period_id == row.id)
            .order_by(SubmissionVersion.version.desc())
            .limit(1)
        )
        return figures_of(snapshot) if snapshot else {}

    async def _load(
        self,
        session: AsyncSession,
        submission: Submission,
        unit: Unit | None = None,
        period_info: tuple[str, str | None] | None = None,
    ) -> _Loaded:
        # Per answer this is the hot path: what cannot change while the bot runs is cached
        # (stored questionnaire versions and the reference figures of a draft).
        if unit is None or unit.id != submission.unit_id:
            unit = await session.get(Unit, submission.unit_id)
        questionnaire = self._questionnaires.get(submission.questionnaire_version_id)
        if questionnaire is None:
            version = await session.get(QuestionnaireVersion, submission.questionnaire_version_id)
            questionnaire = self.questionnaire_of(version) if version is not None else None
        # The period row is read every time: a coordinator may close or reopen it meanwhile.
        if period_info is None:
            period_row = await session.get(Period, submission.period_id)
            period_info = (period_row.code, period_row.override) if period_row else None
        if unit is None or questionnaire is None or period_info is None:
            raise RuntimeError(f"submission {submission.id} refers to missing rows")
        code, override = period_info
        period = self.period(code)
        config_unit = unit_config(unit)
        context_key = (submission.questionnaire_version_id, unit.id, config_unit, code)
        context = self._contexts.get(context_key)
        if context is None:
            previous, first_quarter = await self._reference_figures(session, unit.id, period)
            context = conversation.context_for_period(
                questionnaire,
                config_unit,
                period,
                previous_values=previous,
                first_quarter_values=first_quarter,
            )
            self._contexts[context_key] = context
        answers = await _read_answers(await session.connection(), submission.id)
        state = DraftState.from_columns(submission.position, submission.pending, answers)
        return _Loaded(submission, unit, period, questionnaire, context, state, override)

    async def _attachment_name(self, session: AsyncSession, submission_id: int) -> str | None:
        return await session.scalar(_LATEST_ATTACHMENT_NAME, {"submission_id": submission_id})

    async def _screen(
        self, session: AsyncSession, loaded: _Loaded, view: QuestionView | SummaryView
    ) -> Screen:
        return Screen(
            submission_id=loaded.submission.id,
            token=state_token(loaded.submission),
            period=loaded.period,
            unit_name=loaded.unit.name,
            state=loaded.submission.state,
            view=view,
            attachment_name=(
                await self._attachment_name(session, loaded.submission.id)
                if isinstance(view, SummaryView)
                else None
            ),
            returned_reason=loaded.submission.returned_reason,
        )

    async def _open_periods(
        self, session: AsyncSession, unit: Unit, now: dt.datetime
    ) -> list[ReportingPeriod]:
        periods = await period_queries.open_periods(session, self._config.schedule, self._tz, now)
        # A report returned for correction can be revised even after its period closed.
        returned = (
            await session.scalars(
                select(Period.code)
                .join(Submission, Submission.period_id == Period.id)
                .where(Submission.unit_id == unit.id, Submission.state == "returned")
            )
        ).all()
        known = {p.code for p in periods}
        for code in returned:
            if code not in known:
                periods.append(calendar.period_by_code(self._config.schedule, code, self._tz))
        config_unit = unit_config(unit)
        return [p for p in periods if self._config.questionnaire.questions_for(config_unit, p.kind)]

    # --- starting -----------------------------------------------------------------------

    async def start(self, actor: Actor, period_code: str | None = None) -> ReportResult:
        """Start or resume the unit's report; ask which period when several are open."""
        require_unit_member(actor, "report")
        now = self._clock()
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            unit = await session.get(Unit, actor.unit_id)
            assert unit is not None
            periods = await self._open_periods(session, unit, now)
            if period_code is not None:
                chosen = next((p for p in periods if p.code == period_code), None)
                if chosen is None:
                    return ReportResult(ReportOutcome.PERIOD_CLOSED)
            elif len(periods) == 1:
                chosen = periods[0]
            elif not periods:
                upcoming = [
                    p
                    for p in calendar.periods_in_years(
                        self._config.schedule, self._tz, now.year, now.year + 1
                    )
                    if p.opens_at > now
                ]
                return ReportResult(
                    ReportOutcome.NO_OPEN_PERIOD, next_period=upcoming[0] if upcoming else None
                )
            else:
                return ReportResult(
                    ReportOutcome.CHOOSE_PERIOD,
                    options=tuple(await self._options(session, unit, periods)),
                )
            submission = await self._submission_for(session, unit, chosen, now)
            if submission.state in ("submitted", "awaiting_approval"):
                member.active_submission_id = None
                outcome = (
                    ReportOutcome.AWAITING_APPROVAL
                    if submission.state == "awaiting_approval"
                    else ReportOutcome.ALREADY_SUBMITTED
                )
                return ReportResult(
                    outcome,
                    period=chosen,
                    submission_id=submission.id,
                    can_revise=submission.state == "submitted" and now <= chosen.deadline,
                    receipt=await self._receipt(session, submission, unit, chosen),
                )
            member.active_submission_id = submission.id
            loaded = await self._load(session, submission)
            if submission.position in ("", None) and not loaded.state.answers:
                outcome_step = conversation.start(loaded.context)
            else:
                outcome_step = conversation.resume(loaded.context, loaded.state)
            await self._store(session, loaded, outcome_step, now, touch=False)
            view = outcome_step.view
            assert isinstance(view, QuestionView | SummaryView)
            return ReportResult(
                ReportOutcome.SCREEN, screen=await self._screen(session, loaded, view)
            )

    async def _options(
        self, session: AsyncSession, unit: Unit, periods: list[ReportingPeriod]
    ) -> list[PeriodOption]:
        options = []
        for period in periods:
            row = await repositories.find_period(session, period.code)
            submission = (
                await session.scalar(
                    select(Submission).where(
                        Submission.unit_id == unit.id, Submission.period_id == row.id
                    )
                )
                if row is not None
                else None
            )
            answered = 0
            if submission is not None:
                answered = len(
                    (
                        await session.scalars(
                            select(AnswerRow.id).where(AnswerRow.submission_id == submission.id)
                        )
                    ).all()
                )
            options.append(
                PeriodOption(
                    code=period.code,
                    label=period.label,
                    deadline=period.deadline,
                    state=submission.state if submission else "not_started",
                    answered=answered,
                )
            )
        return options

    async def _submission_for(
        self, session: AsyncSession, unit: Unit, period: ReportingPeriod, now: dt.datetime
    ) -> Submission:
        row = await repositories.get_or_create_period(
            session, period.code, period.kind, period.year
        )
        submission = await session.scalar(
            select(Submission)
            .where(Submission.unit_id == unit.id, Submission.period_id == row.id)
            .with_for_update()
        )
        if submission is not None:
            return submission
        version = await repositories.questionnaire_version_by_hash(session, self._current_hash)
        if version is None:
            raise RuntimeError("the questionnaire is not synced: run `cchc-bot init`")
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
        return submission

    # --- answering ----------------------------------------------------------------------

    async def answer(
        self,
        actor: Actor,
        event: Event,
        *,
        submission_id: int | None = None,
        token: str | None = None,
    ) -> ReportResult:
        """Apply one answer (text or button) to the member's active draft, committed at once."""
        require_unit_member(actor, "answer a report")
        return await self.answer_from(
            actor.telegram_user_id, event, submission_id=submission_id, token=token
        )

    async def answer_from(
        self,
        telegram_user_id: int,
        event: Event,
        *,
        submission_id: int | None = None,
        token: str | None = None,
    ) -> ReportResult:
        """Apply one answer from a Telegram account in ONE transaction (the hot path).

        The account is resolved inside the transaction, so the role is checked on the same
        snapshot the answer is written to; `actor` in the result tells the handler who wrote.
        """
        now = self._clock()
        common = await self._answer_common_case(telegram_user_id, event, submission_id, token, now)
        if common is not None:
            return common
        async with self._sessions.begin() as session:
            found = (
                await session.execute(
                    repositories.ACTIVE_MEMBER_WITH_UNIT, {"telegram_user_id": telegram_user_id}
                )
            ).first()
            if found is None:
                return ReportResult(ReportOutcome.NOT_LINKED)
            member, unit = found
            actor = actor_from(member, unit)
            if actor.role not in (Role.HEAD, Role.STAFF) or unit is None:
                return ReportResult(ReportOutcome.NOT_LINKED, actor=actor)
            active = member.active_submission_id
            if active is None:
                return ReportResult(ReportOutcome.NOT_IN_REPORT, actor=actor)
            found_draft = (
                await session.execute(_DRAFT_FOR_ANSWER, {"submission_id": active})
            ).first()
            if found_draft is None or found_draft[0].unit_id != unit.id:
                member.active_submission_id = None
                return ReportResult(ReportOutcome.NOT_IN_REPORT, actor=actor)
            submission, period_code, override = found_draft
            loaded = await self._load(session, submission, unit, (period_code, override))
            if submission.state not in EDITABLE_STATES:
                member.active_submission_id = None
                return ReportResult(
                    ReportOutcome.ALREADY_SUBMITTED,
                    period=loaded.period,
                    submission_id=submission.id,
                    receipt=await self._receipt(session, submission, loaded.unit, loaded.period),
                    actor=actor,
                )
            if not loaded.accepts_answers(now):
                member.active_submission_id = None
                return ReportResult(ReportOutcome.PERIOD_CLOSED, period=loaded.period, actor=actor)
            if (submission_id is not None and submission_id != submission.id) or (
                token is not None and token != state_token(submission)
            ):
                outcome_step = conversation.resume(loaded.context, loaded.state)
                view = outcome_step.view
                assert isinstance(view, QuestionView | SummaryView)
                return ReportResult(
                    ReportOutcome.STALE,
                    screen=await self._screen(session, loaded, view),
                    actor=actor,
                )
            outcome_step = conversation.step(loaded.context, loaded.state, event)
            await self._store(session, loaded, outcome_step, now, touch=True, actor=actor)
            view = outcome_step.view
            if isinstance(view, SubmitReady):
                return await self._finish(session, loaded, view, actor, member, now)
            return ReportResult(
                ReportOutcome.SCREEN, screen=await self._screen(session, loaded, view), actor=actor
            )

    async def _answer_common_case(
        self,
        telegram_user_id: int,
        event: Event,
        submission_id: int | None,
        token: str | None,
        now: dt.datetime,
    ) -> ReportResult | None:
        """An answer that moves an open draft to its next question or its summary, written
        with Core statements in one transaction; None (nothing written) for anything else:
        no draft, a closed period, a stale button, a cold cache, or submitting."""
        engine: AsyncEngine = self._sessions.kw["bind"]
        async with engine.begin() as connection:
            row = (
                await connection.execute(_ANSWER_TARGET, {"telegram_user_id": telegram_user_id})
            ).first()
            if (
                row is None
                or row.role not in (Role.HEAD, Role.STAFF)
                or row.draft_unit_id != row.unit_id
                or row.state not in EDITABLE_STATES
            ):
                return None
            period = self.period(row.period_code)
            if not accepts_answers(row.state, row.override, period, now):
                return None
            draft = DraftStamp(row.id, row.state, row.position, row.pending, row.updated_at)
            if (submission_id is not None and submission_id != draft.id) or (
                token is not None and token != state_token(draft)
            ):
                return None
            unit = UnitConfig(
                code=row.unit_code,
                name=row.unit_name,
                kind=row.unit_kind,
                has_tthc=row.unit_has_tthc,
                active=row.unit_active,
            )
            context = self._contexts.get(
                (row.questionnaire_version_id, row.unit_id, unit, row.period_code)
            )
            if context is None:
                return None
            answers = await _read_answers(connection, draft.id)
            state = DraftState.from_columns(draft.position, draft.pending, answers)
            outcome = conversation.step(context, state, event)
            view = outcome.view
            if not isinstance(view, QuestionView | SummaryView):
                return None
            draft = await _write_outcome(
                connection, draft, outcome, now, touch=True, member_id=row.member_id
            )
            attachment_name = (
                await connection.scalar(_LATEST_ATTACHMENT_NAME, {"submission_id": draft.id})
                if isinstance(view, SummaryView)
                else None
            )
        actor = Actor(
            member_id=row.member_id,
            telegram_user_id=telegram_user_id,
            name=row.member_name,
            role=Role(row.role),
            unit_id=row.unit_id,
            unit_code=row.unit_code,
            unit_name=row.unit_name,
        )
        screen = Screen(
            submission_id=draft.id,
            token=state_token(draft),
            period=period,
            unit_name=row.unit_name,
            state=draft.state,
            view=view,
            attachment_name=attachment_name,
            returned_reason=row.returned_reason,
        )
        return ReportResult(ReportOutcome.SCREEN, screen=screen, actor=actor)

    async def _store(
        self,
        session: AsyncSession,
        loaded: _Loaded,
        outcome: conversation.Outcome,
        now: dt.datetime,
        *,
        touch: bool,
        actor: Actor | None = None,
    ) -> None:
        submission = loaded.submission
        before = DraftStamp.of(submission)
        after = await _write_outcome(
            await session.connection(),
            before,
            outcome,
            now,
            touch=touch,
            member_id=actor.member_id if actor else None,
        )
        if after is not before:
            # The ORM object is told the stored values, so it is not written again.
            set_committed_value(submission, "position", after.position)
            set_committed_value(submission, "pending", after.pending)
            set_committed_value(submission, "updated_at", after.updated_at)
        loaded.state = outcome.state

    async def _finish(
        self,
        session: AsyncSession,
        loaded: _Loaded,
        ready: SubmitReady,
        actor: Actor,
        member: Member,
        now: dt.datetime,
    ) -> ReportResult:
        submission = loaded.submission
        needs_approval = (
            actor.role is Role.STAFF and not self._config.schedule.submission.staff_may_submit
        )
        snapshot = {ident: answer.to_json() for ident, answer in ready.answers.items()}
        late = loaded.period.is_late(now)
        returner: int | None = None
        if submission.state == "returned" and submission.returned_by_member_id is not None:
            returner = await session.scalar(
                select(Member.telegram_user_id).where(Member.id == submission.returned_by_member_id)
            )
        if needs_approval:
            submission.state = "awaiting_approval"
            submission.pending = {"approval": snapshot, "prepared_by": actor.member_id}
        else:
            await self._freeze(session, submission, snapshot, actor.member_id, now, late)
        await session.execute(
            update(Member)
            .where(Member.active_submission_id == submission.id)
            .values(active_submission_id=None)
        )
        session.add(
            AuditEvent(
                at=now,
                action="report_prepared" if needs_approval else "report_submitted",
                actor_member_id=actor.member_id,
                actor_telegram_user_id=actor.telegram_user_id,
                unit_id=submission.unit_id,
                details={"period": loaded.period.code, "version": submission.version, "late": late},
            )
        )
        heads: tuple[int, ...] = ()
        if needs_approval:
            heads = tuple(
                (
                    await session.scalars(
                        select(Member.telegram_user_id).where(
                            Member.unit_id == submission.unit_id,
                            Member.role == Role.HEAD.value,
                            Member.revoked_at.is_(None),
                        )
                    )
                ).all()
            )
        return ReportResult(
            ReportOutcome.SUBMITTED,
            period=loaded.period,
            submission_id=submission.id,
            receipt=await self._receipt(session, submission, loaded.unit, loaded.period),
            notify_member_ids=heads,
            notify_returner=returner if not needs_approval else None,
        )

    async def _freeze(
        self,
        session: AsyncSession,
        submission: Submission,
        snapshot: dict[str, Any],
        member_id: int,
        now: dt.datetime,
        late: bool,
    ) -> None:
        submission.version += 1
        submission.state = "submitted"
        submission.submitted_at = now
        submission.submitted_by_member_id = member_id
        submission.late = late
        submission.position = conversation.DONE
        submission.pending = None
        submission.updated_at = max(now, submission.updated_at + dt.timedelta(microseconds=1))
        session.add(
            SubmissionVersion(
                submission_id=submission.id,
                version=submission.version,
                questionnaire_version_id=submission.questionnaire_version_id,
                submitted_at=now,
                submitted_by_member_id=member_id,
                late=late,
                answers=snapshot,
            )
        )
        await session.flush()

    async def _receipt(
        self, session: AsyncSession, submission: Submission, unit: Unit, period: ReportingPeriod
    ) -> Receipt:
        figures = len(
            (
                await session.scalars(
                    select(AnswerRow.id).where(
                        AnswerRow.submission_id == submission.id,
                        AnswerRow.skipped.is_(False),
                    )
                )
            ).all()
        )
        loaded = await self._load(session, submission, unit)
        counts = conversation.progress(loaded.context, loaded.state.answers)
        by = ""
        if submission.submitted_by_member_id is not None:
            by = (
                await session.scalar(
                    select(Member.name).where(Member.id == submission.submitted_by_member_id)
                )
                or ""
            )
        return Receipt(
            period_label=period.label,
            unit_name=unit.name,
            figures=figures,
            submitted_at=submission.submitted_at or submission.updated_at,
            late=submission.late,
            version=submission.version,
            awaiting_approval=submission.state == "awaiting_approval",
            submitted_by=by,
            answered=counts.answered,
            total=counts.total,
            not_applicable=counts.not_applicable,
            skipped=counts.skipped,
            attachment_name=await self._attachment_name(session, submission.id),
        )

    # --- leaving, revising, approving ----------------------------------------------------

    async def cancel(self, actor: Actor) -> bool:
        """Leave the conversation, keeping the draft; True if there was one."""
        require_unit_member(actor, "cancel a report")
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            had = member.active_submission_id is not None
            member.active_submission_id = None
            return had

    async def in_report(self, actor: Actor) -> bool:
        """Whether the member is answering a draft right now."""
        async with self._sessions() as session:
            member = await session.get(Member, actor.member_id)
            return member is not None and member.active_submission_id is not None

    async def revise(self, actor: Actor, submission_id: int) -> ReportResult:
        """Reopen a submitted report before the deadline (a new version will be made)."""
        require_unit_member(actor, "revise a report")
        now = self._clock()
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            submission = await session.scalar(
                select(Submission).where(Submission.id == submission_id).with_for_update()
            )
            if submission is None or submission.unit_id != actor.unit_id:
                return ReportResult(ReportOutcome.NOT_IN_REPORT)
            loaded = await self._load(session, submission)
            if submission.state == "submitted":
                if now > loaded.period.deadline or not loaded.accepts_answers(now):
                    return ReportResult(
                        ReportOutcome.ALREADY_SUBMITTED,
                        period=loaded.period,
                        submission_id=submission.id,
                        can_revise=False,
                        receipt=await self._receipt(
                            session, submission, loaded.unit, loaded.period
                        ),
                    )
                submission.state = "revising"
            elif submission.state not in EDITABLE_STATES:
                return ReportResult(ReportOutcome.STALE)
            submission.position = conversation.SUMMARY
            submission.pending = None
            submission.updated_at = max(now, submission.updated_at + dt.timedelta(microseconds=1))
            member.active_submission_id = submission.id
            loaded.state = DraftState.from_columns(conversation.SUMMARY, None, loaded.state.answers)
            view = conversation.summary(loaded.context, loaded.state)
            return ReportResult(
                ReportOutcome.SCREEN, screen=await self._screen(session, loaded, view)
            )

    async def decide_approval(
        self, actor: Actor, submission_id: int, approve: bool
    ) -> ReportResult:
        """The head approves the staff's prepared report (submitting it) or sends it back."""
        if actor.role is not Role.HEAD:
            raise AccessDenied("approve a report", actor)
        now = self._clock()
        async with self._sessions.begin() as session:
            submission = await session.scalar(
                select(Submission).where(Submission.id == submission_id).with_for_update()
            )
            if (
                submission is None
                or submission.unit_id != actor.unit_id
                or submission.state != "awaiting_approval"
            ):
                return ReportResult(ReportOutcome.STALE)
            loaded = await self._load(session, submission)
            pending = submission.pending or {}
            preparer = pending.get("prepared_by")
            preparers: tuple[int, ...] = ()
            if isinstance(preparer, int):
                telegram_id = await session.scalar(
                    select(Member.telegram_user_id).where(Member.id == preparer)
                )
                preparers = (telegram_id,) if telegram_id is not None else ()
            if approve:
                snapshot = pending.get("approval") or {}
                await self._freeze(
                    session, submission, snapshot, actor.member_id, now, loaded.period.is_late(now)
                )
                action = "report_approved"
            else:
                submission.state = "draft"
                submission.position = conversation.SUMMARY
                submission.pending = None
                submission.updated_at = max(
                    now, submission.updated_at + dt.timedelta(microseconds=1)
                )
                action = "report_sent_back"
            session.add(
                AuditEvent(
                    at=now,
                    action=action,
                    actor_member_id=actor.member_id,
                    actor_telegram_user_id=actor.telegram_user_id,
                    unit_id=submission.unit_id,
                    details={"period": loaded.period.code},
                )
            )
            return ReportResult(
                ReportOutcome.SUBMITTED if approve else ReportOutcome.STALE,
                period=loaded.period,
                submission_id=submission.id,
                receipt=await self._receipt(session, submission, loaded.unit, loaded.period),
                notify_member_ids=preparers,
            )

    async def pending_approval_summary(self, actor: Actor, submission_id: int) -> Screen | None:
        """The prepared report a head is asked to approve, as a summary screen."""
        async with self._sessions() as session:
            submission = await session.get(Submission, submission_id)
            if submission is None or submission.unit_id != actor.unit_id:
                return None
            loaded = await self._load(session, submission)
            view = conversation.summary(loaded.context, loaded.state)
            return await self._screen(session, loaded, view)

    # --- the signed file -------------------------------------------------------------------

    async def attach(
        self, actor: Actor, file_name: str, mime_type: str, content: bytes
    ) -> AttachmentResult:
        """Store the signed report file of the active draft, with its SHA-256."""
        require_unit_member(actor, "attach a file")
        now = self._clock()
        suffix = suffix_of(file_name)
        if suffix not in ALLOWED_ATTACHMENTS:
            return AttachmentResult(False, reason="type")
        if len(content) > MAX_ATTACHMENT_BYTES:
            return AttachmentResult(False, reason="size")
        if not content:
            return AttachmentResult(False, reason="empty")
        if not content_matches(suffix, content):
            return AttachmentResult(False, reason="content", file_name=file_name)
        digest = hashlib.sha256(content).hexdigest()
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            if member.active_submission_id is None:
                return AttachmentResult(False, reason="no_report")
            submission = await session.get(Submission, member.active_submission_id)
            if submission is None or submission.state not in EDITABLE_STATES:
                return AttachmentResult(False, reason="no_report")
            await session.execute(
                delete(Attachment).where(Attachment.submission_id == submission.id)
            )
            session.add(
                Attachment(
                    submission_id=submission.id,
                    file_name=shown_name(file_name, STORED_NAME_MAX),
                    mime_type=ALLOWED_ATTACHMENTS[suffix],
                    size=len(content),
                    sha256=digest,
                    content=content,
                    uploaded_by_member_id=actor.member_id,
                    uploaded_at=now,
                )
            )
            # The draft's position is unchanged, so its state token (and the buttons on the
            # screen the person is looking at) stays valid: the file is part of the draft.
            screen = None
            if submission.position == conversation.SUMMARY:
                await session.flush()
                loaded = await self._load(session, submission)
                view = conversation.summary(loaded.context, loaded.state)
                screen = await self._screen(session, loaded, view)
        return AttachmentResult(
            True, file_name=file_name, size=len(content), sha256=digest, screen=screen
        )

    async def missing_questions(self, actor: Actor, period: ReportingPeriod) -> tuple[int, ...]:
        """Numbers of the required questions the unit's draft (or an empty one) still lacks."""
        require_unit_member(actor, "read a report")
        async with self._sessions() as session:
            row = await repositories.find_period(session, period.code)
            submission = (
                await session.scalar(
                    select(Submission).where(
                        Submission.unit_id == actor.unit_id, Submission.period_id == row.id
                    )
                )
                if row is not None
                else None
            )
            if submission is None:
                # No draft yet: what an empty draft lacks (required questions only).
                unit = await session.get(Unit, actor.unit_id)
                assert unit is not None
                context = conversation.context_for_period(
                    self._config.questionnaire, unit_config(unit), period
                )
                state = DraftState()
            else:
                loaded = await self._load(session, submission)
                context, state = loaded.context, loaded.state
        numbers = []
        for notice in conversation.open_errors(context, state):
            if notice.code is conversation.NoticeCode.MISSING_ANSWER:
                numbers.append(int(notice.params["number"]))
        return tuple(numbers)

    async def current_screen(self, actor: Actor) -> ReportResult:
        """The screen of the member's active draft (to show again after a refused message)."""
        require_unit_member(actor, "read a report")
        async with self._sessions() as session:
            member = await session.get(Member, actor.member_id)
            if member is None or member.active_submission_id is None:
                return ReportResult(ReportOutcome.NOT_IN_REPORT)
            submission = await session.get(Submission, member.active_submission_id)
            if submission is None:
                return ReportResult(ReportOutcome.NOT_IN_REPORT)
            loaded = await self._load(session, submission)
            outcome = conversation.resume(loaded.context, loaded.state)
            view = outcome.view
            assert isinstance(view, QuestionView | SummaryView)
            return ReportResult(
                ReportOutcome.SCREEN, screen=await self._screen(session, loaded, view)
            )
