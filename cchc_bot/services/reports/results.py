"""What the report service returns: outcomes, screens, receipts, period options."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from cchc_bot.access import Actor
from cchc_bot.conversation import QuestionView, SummaryView
from cchc_bot.periods import ReportingPeriod

EDITABLE_STATES = frozenset({"draft", "returned", "revising"})
"""Submission states in which the unit may still answer."""


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
    # The signed copy of a report already sent (the unit's generated report, signed).
    after_submission: bool = False
