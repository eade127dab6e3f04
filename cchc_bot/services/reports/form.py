"""The report as a web form: every question of the draft at once, saved field by field.

The same draft, engine and rules as the chat: a field is answered through `form_fields.drive`
(the chat's events), stored with the chat's statements, and submitted through the chat's
summary step and `_finish` (approval mode included). Only the fields a page changed are
written, so two devices answering different questions never undo each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from cchc_bot import conversation
from cchc_bot.access import Actor, require_unit_member
from cchc_bot.answers import Answer
from cchc_bot.conversation import (
    SUMMARY,
    AnswerChange,
    ButtonPress,
    DraftState,
    Outcome,
    QuestionView,
    SubmitReady,
    SummaryView,
)
from cchc_bot.conversation.context import number_of
from cchc_bot.conversation.derived import auto_answer
from cchc_bot.conversation.navigation import first_unanswered
from cchc_bot.conversation.views import question_view
from cchc_bot.services.reports.answering import Answering
from cchc_bot.services.reports.drafts import DraftStamp, Loaded, write_outcome
from cchc_bot.services.reports.form_fields import FieldInput, FieldOutcome, drive
from cchc_bot.services.reports.results import (
    EDITABLE_STATES,
    ReportOutcome,
    ReportResult,
    Screen,
)
from db.models import Submission


@dataclass(frozen=True)
class FormField:
    """One question of the form: its view (help, unit, target, window, saved answer)."""

    view: QuestionView
    automatic: bool  # passed over: a ratio whose denominator is 0 or not applicable
    waiting_for: str | None = None  # the number of the question its figure comes from


@dataclass(frozen=True)
class FormSection:
    """A section of the form, one screen."""

    code: str
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class FormPage:
    """A draft as a form: its sections and the summary (errors, warnings, the signed file)."""

    screen: Screen  # its view is the summary
    sections: tuple[FormSection, ...]


class FormOutcome:
    """Why a form call did not give a page (the draft is gone, closed or not the unit's)."""

    NOT_YOURS = "not_yours"
    NOT_EDITABLE = "not_editable"
    CLOSED = "closed"


@dataclass(frozen=True)
class FieldsSaved:
    """The fields a post saved or refused, and the form as it stands afterwards."""

    outcome: str  # "saved", or a FormOutcome
    fields: tuple[FieldOutcome, ...] = ()
    page: FormPage | None = None
    before: tuple[FormSection, ...] = ()  # the form as it stood (to tell what changed)


def _sections(
    context: conversation.ConversationContext, state: DraftState
) -> tuple[FormSection, ...]:
    """Every question of the draft with its view, grouped by section."""
    plain = DraftState(state.answers, SUMMARY, None, False)
    sections: list[FormSection] = []
    for question in context.questions:
        passed, answer = auto_answer(question, state.answers)
        source = question.denominator_source or question.numerator_source
        item = FormField(
            question_view(context, plain, question, []),
            automatic=passed and answer is not None,
            waiting_for=number_of(context, source)
            if passed and answer is None and source
            else None,
        )
        if sections and sections[-1].code == question.section_code:
            last = sections[-1]
            sections[-1] = FormSection(last.code, last.title, (*last.fields, item))
        else:
            sections.append(FormSection(question.section_code, question.section_title, (item,)))
    return tuple(sections)


class Form(Answering):
    """The form view of the unit's report."""

    async def _form_draft(
        self, session: AsyncSession, actor: Actor, submission_id: int
    ) -> Submission | None:
        """The unit's draft, locked, when it is theirs (None for any other unit's)."""
        submission = await session.scalar(
            select(Submission).where(Submission.id == submission_id).with_for_update()
        )
        if submission is None or submission.unit_id != actor.unit_id:
            return None
        return submission

    async def _page(self, session: AsyncSession, loaded: Loaded) -> FormPage:
        view = conversation.summary(loaded.context, loaded.state)
        screen = await self._screen(session, loaded, view)
        return FormPage(screen, _sections(loaded.context, loaded.state))

    async def form(self, actor: Actor, submission_id: int) -> FormPage | None:
        """A unit's draft as a form (None when it is not the person's unit's)."""
        require_unit_member(actor, "open the report form")
        async with self._sessions.begin() as session:
            await self._member(session, actor)
            submission = await self._form_draft(session, actor, submission_id)
            if submission is None:
                return None
            return await self._page(session, await self._load(session, submission))

    async def save_fields(
        self, actor: Actor, submission_id: int, inputs: Sequence[FieldInput]
    ) -> FieldsSaved:
        """Save the fields a form post changed, each through the chat engine, in one go."""
        require_unit_member(actor, "answer a report")
        now = self._clock()
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            submission = await self._form_draft(session, actor, submission_id)
            if submission is None:
                return FieldsSaved(FormOutcome.NOT_YOURS)
            if submission.state not in EDITABLE_STATES:
                return FieldsSaved(FormOutcome.NOT_EDITABLE)
            loaded = await self._load(session, submission)
            if not loaded.accepts_answers(now):
                return FieldsSaved(FormOutcome.CLOSED)
            stored = loaded.state
            before = _sections(loaded.context, stored)
            answers = dict(stored.answers)
            changes: dict[str, AnswerChange] = {}
            results: list[FieldOutcome] = []
            for given in inputs:
                question = loaded.context.by_id.get(given.indicator_id)
                if question is None or auto_answer(question, answers)[0]:
                    continue
                state = DraftState(answers, SUMMARY, None, False)
                result = drive(loaded.context, state, question, given)
                if result is None:
                    continue
                results.append(result)
                if result.saved:
                    for change in result.outcome.changes:
                        changes[change.indicator_id] = change
                    answers = dict(result.outcome.state.answers)
            kept = _chat_position(loaded, stored, answers, set(changes))
            summary = conversation.summary(loaded.context, kept)
            await self._write(
                session, submission, Outcome(kept, tuple(changes.values()), summary), member.id
            )
            loaded.state = kept
            page = await self._page(session, loaded)
            return FieldsSaved("saved", tuple(results), page, before)

    async def _write(
        self, session: AsyncSession, submission: Submission, outcome: Outcome, member_id: int
    ) -> None:
        """Store an outcome with the chat's statements; the ORM row is told the new stamp."""
        after = await write_outcome(
            await session.connection(),
            DraftStamp.of(submission),
            outcome,
            self._clock(),
            touch=False,
            member_id=member_id,
        )
        set_committed_value(submission, "position", after.position)
        set_committed_value(submission, "pending", after.pending)
        set_committed_value(submission, "updated_at", after.updated_at)

    async def submit_form(self, actor: Actor, submission_id: int) -> ReportResult:
        """Submit from the form: the chat's summary step decides, `_finish` hands it over."""
        require_unit_member(actor, "submit a report")
        now = self._clock()
        async with self._sessions.begin() as session:
            member = await self._member(session, actor)
            submission = await self._form_draft(session, actor, submission_id)
            if submission is None or submission.state not in EDITABLE_STATES:
                return ReportResult(ReportOutcome.STALE)
            loaded = await self._load(session, submission)
            if not loaded.accepts_answers(now):
                return ReportResult(ReportOutcome.PERIOD_CLOSED, period=loaded.period)
            at_summary = DraftState(loaded.state.answers, SUMMARY, None, False)
            outcome = conversation.step(loaded.context, at_summary, ButtonPress("submit"))
            view = outcome.view
            if not isinstance(view, SubmitReady):
                assert isinstance(view, SummaryView)
                screen = await self._screen(session, loaded, view)
                return ReportResult(ReportOutcome.SCREEN, screen=screen, actor=actor)
            await self._write(session, submission, outcome, member.id)
            loaded.state = outcome.state
            return await self._finish(session, loaded, view, actor, member, now)


def _chat_position(
    loaded: Loaded, stored: DraftState, answers: Mapping[str, Answer], changed: set[str]
) -> DraftState:
    """The chat's position after a form save: left alone, unless it waited idle at a
    question the form just answered; then it goes on to the first unanswered one."""
    if stored.pending is not None and stored.pending.indicator_id in changed:
        return DraftState(answers, stored.position, None, False)
    if stored.position not in changed or stored.pending is not None or stored.editing:
        return DraftState(answers, stored.position, stored.pending, stored.editing, stored.origin)
    following = first_unanswered(loaded.context, answers)
    return DraftState(answers, following.id if following else SUMMARY, None, False)


__all__ = [
    "FieldInput",
    "FieldOutcome",
    "FieldsSaved",
    "Form",
    "FormField",
    "FormOutcome",
    "FormPage",
    "FormSection",
]
