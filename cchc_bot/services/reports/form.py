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
    page: FormPage | None = None  # without `brief`: the whole page
    after: tuple[FormSection, ...] = ()
    touched: frozenset[str] = frozenset()  # the fields `after` holds that a page redraws
    answered: int = 0
    total: int = 0


def _sections(
    context: conversation.ConversationContext,
    state: DraftState,
    only: int | None = None,
    ids: frozenset[str] | None = None,
) -> tuple[FormSection, ...]:
    """Every question of the draft with its view, grouped by section; with `only`, the
    views of that section alone (numbered from 1; the others keep just their titles);
    with `ids`, of those questions alone."""
    plain = DraftState(state.answers, SUMMARY, None, False)
    sections: list[FormSection] = []
    for question in context.questions:
        if not sections or sections[-1].code != question.section_code:
            sections.append(FormSection(question.section_code, question.section_title, ()))
        if (only is not None and len(sections) != only) or (
            ids is not None and question.id not in ids
        ):
            continue
        passed, answer = auto_answer(question, state.answers)
        source = question.denominator_source or question.numerator_source or ""
        waiting = passed and answer is None
        item = FormField(
            question_view(context, plain, question, []),
            automatic=passed and answer is not None,
            waiting_for=number_of(context, source) if waiting else None,
        )
        last = sections[-1]
        sections[-1] = FormSection(last.code, last.title, (*last.fields, item))
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

    async def _page(
        self,
        session: AsyncSession,
        loaded: Loaded,
        view: SummaryView | None = None,
        only: int | None = None,
    ) -> FormPage:
        view = view or conversation.summary(loaded.context, loaded.state)
        screen = await self._screen(session, loaded, view)
        return FormPage(screen, _sections(loaded.context, loaded.state, only))

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
        self,
        actor: Actor,
        submission_id: int,
        inputs: Sequence[FieldInput],
        section: int | None = None,
        *,
        brief: bool = False,
    ) -> FieldsSaved:
        """Save the fields a form post changed, each through the chat engine, in one go;
        with `section`, the form returned holds that section's fields alone; `brief` leaves
        the summary out (the page's script shows the fields and the count only)."""
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
            flags_before = _passed_over(loaded.context, stored.answers)
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
            view = conversation.progress(loaded.context, kept.answers)
            summary = None if brief else conversation.summary(loaded.context, kept)
            stored_view = summary or (results[-1].outcome.view if results else None)
            if changes and stored_view is not None:
                outcome = Outcome(kept, tuple(changes.values()), stored_view)
                await self._write(session, submission, outcome, member.id)
            loaded.state = kept
            flags_after = _passed_over(loaded.context, kept.answers)
            touched = frozenset(
                {result.indicator_id for result in results}
                | set(changes)
                | {key for key, flag in flags_after.items() if flags_before.get(key) != flag}
            )
            after = _sections(loaded.context, kept, section, touched if brief else None)
            page = None
            if summary is not None:
                page = FormPage(await self._screen(session, loaded, summary), after)
            return FieldsSaved(
                "saved", tuple(results), page, after, touched, view.answered, view.total
            )

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


def _passed_over(
    context: conversation.ConversationContext, answers: Mapping[str, Answer]
) -> dict[str, tuple[bool, bool]]:
    """Which ratios are computed or wait for their source (what a save may change)."""
    flags = {}
    for question in context.questions:
        if question.numerator_source is None and question.denominator_source is None:
            continue
        passed, answer = auto_answer(question, answers)
        flags[question.id] = (passed, answer is None)
    return flags


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
