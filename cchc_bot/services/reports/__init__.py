"""The unit's report: start or resume a draft, apply each answer, submit, revise, approve.

The draft row is the conversation's state (DESIGN decision 1): every accepted answer is
written in the same transaction as the position, before the bot replies. One module per
job: `starting`, `answering` (the hot path), `form` (the web form, field by field),
`submitting`, `approval`, `attachments` (the signed file), `queries`; `loading` holds what
they share, `drafts` the per-answer statements, `results` what callers receive.
"""

from cchc_bot.services.reports.answering import Answering
from cchc_bot.services.reports.approval import Approval
from cchc_bot.services.reports.attachments import Attaching
from cchc_bot.services.reports.drafts import (
    DraftStamp,
    Stamped,
    accepts_answers,
    figures_of,
    state_token,
)
from cchc_bot.services.reports.form import Form
from cchc_bot.services.reports.queries import Queries
from cchc_bot.services.reports.results import (
    EDITABLE_STATES,
    AttachmentResult,
    PeriodOption,
    Receipt,
    ReportOutcome,
    ReportResult,
    Screen,
)
from cchc_bot.services.reports.starting import Starting


class ReportService(Form, Answering, Approval, Starting, Attaching, Queries):
    """Everything a head or staff member does with their unit's report."""


__all__ = [
    "EDITABLE_STATES",
    "AttachmentResult",
    "DraftStamp",
    "PeriodOption",
    "Receipt",
    "ReportOutcome",
    "ReportResult",
    "ReportService",
    "Screen",
    "Stamped",
    "accepts_answers",
    "figures_of",
    "state_token",
]
