"""SQLAlchemy 2 models of CCHC Bot: units, members, invites, periods, reports, reminders, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Figures: 18 integer digits and the 6 decimals a questionnaire may allow.
FIGURE = Numeric(24, 6)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class Unit(Base):
    """A reporting unit, synced from `units.yaml`; never deleted, only deactivated."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    has_tthc: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The organisation tree and the unit's life span (units.yaml `parent`, `valid_from`,
    # `valid_to`, `successors`): an ended unit keeps its row and history.
    parent_code: Mapped[str | None] = mapped_column(String(40))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    successors: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class Member(Base):
    """A Telegram account linked to a role (and a unit for heads and staff).

    A revoked membership keeps its row so past submissions stay attributed; an account has
    at most one membership that is not revoked.
    """

    __tablename__ = "members"
    __table_args__ = (
        Index(
            "uq_members_active_account",
            "telegram_user_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id"))
    linked_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_since: Mapped[dt.datetime | None]
    # The draft this person is answering right now (None: not in a conversation).
    active_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", use_alter=True, ondelete="SET NULL")
    )
    # A coordinator's node (`invite --scope UNIT`): they act on its subtree; None: everything.
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    unit: Mapped[Unit | None] = relationship(lazy="raise", foreign_keys=[unit_id])
    # Loaded with the member wherever it is read, so every Actor carries its scope.
    scope_unit: Mapped[Unit | None] = relationship(lazy="joined", foreign_keys=[scope_unit_id])


class Invite(Base):
    """A single-use invitation; only the SHA-256 of its token is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The subtree a coordinator invite gives (`--scope UNIT`); None: the whole tree.
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    used_by_telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[dt.datetime | None]


class LinkGuard(Base):
    """One row per Telegram account that tried `/start TOKEN`: locked for each attempt.

    Every link attempt upserts this row first, so the attempts of one account run one after
    the other on PostgreSQL too (the row lock is held to the end of the transaction): the
    failed-attempt count each one reads is never stale, and one account never links twice.
    """

    __tablename__ = "link_guards"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_attempt_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class QuestionnaireVersion(Base):
    """A questionnaire as it was synced; a changed `questionnaire.yaml` adds a new row."""

    __tablename__ = "questionnaire_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]


class Period(Base):
    """A reporting period (`2024-Q1`); dates come from the calendar, overrides live here."""

    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(4))
    year: Mapped[int] = mapped_column(Integer)
    # None: open and closed by the calendar; "closed" / "open": set by a coordinator.
    override: Mapped[str | None] = mapped_column(String(10))
    override_at: Mapped[dt.datetime | None]
    override_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))


class Submission(Base):
    """A unit's report for one period: the live draft, its state and conversation position."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("unit_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    # draft | awaiting_approval | submitted | revising | returned
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # The conversation: the question the person is on and any half-finished step.
    position: Mapped[str | None] = mapped_column(String(60))
    pending: Mapped[dict[str, Any] | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    submitted_at: Mapped[dt.datetime | None]
    submitted_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=0)
    returned_at: Mapped[dt.datetime | None]
    returned_reason: Mapped[str | None] = mapped_column(Text)
    returned_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))


class Answer(Base):
    """One answer of a draft; committed the moment it is accepted."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("submission_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    indicator_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal | None] = mapped_column(FIGURE)
    numerator: Mapped[Decimal | None] = mapped_column(FIGURE)
    denominator: Mapped[Decimal | None] = mapped_column(FIGURE)
    text_value: Mapped[str | None] = mapped_column(Text)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str | None] = mapped_column(Text)
    confirmed_warnings: Mapped[dict[str, Any] | None]
    answered_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    answered_at: Mapped[dt.datetime]


class SubmissionVersion(Base):
    """A submitted version of a report, frozen; exports read the latest one."""

    __tablename__ = "submission_versions"
    __table_args__ = (UniqueConstraint("submission_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    submitted_at: Mapped[dt.datetime]
    submitted_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[dict[str, Any]]
    # Where the figures came from: None, the chat or the web form; "import", a workbook
    # loaded by `cchc-bot import` (shown as "nhập từ tệp"), with the file's name.
    source: Mapped[str | None] = mapped_column(String(20))
    source_file: Mapped[str | None] = mapped_column(String(255))


class Attachment(Base):
    """The signed report file a unit attached, kept in the database with its hash."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    uploaded_at: Mapped[dt.datetime]


class ReminderLog(Base):
    """A reminder claimed before it is sent; the unique key makes it go out once.

    Also the coordinators' daily digests (no unit) and manual nudges (kind `manual-...`).
    """

    __tablename__ = "reminder_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "unit|member|period|kind": unique even for digests, whose unit is NULL (NULLs never clash).
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    period_code: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    scheduled_at: Mapped[dt.datetime]
    # claimed | sent | failed | unreachable | skipped
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[dt.datetime]
    next_attempt_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)


class BulkSendSlot(Base):
    """A place in the bulk-send timetable every process shares (see services/bulk_pacing.py).

    Slot k starts k / rate seconds after the Unix epoch; one bulk message per slot, whichever
    process (the bot, `cchc-bot remind`) took it. Rows older than a minute are dropped.
    """

    __tablename__ = "bulk_send_slots"

    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class AuditEvent(Base):
    """Who did what and when: links, revokes, role changes, failed links, returns, exports."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    actor_telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    details: Mapped[dict[str, Any]]


class InboxUpdate(Base):
    """An update fetched from Telegram, stored before it is acknowledged (see cchc_bot/inbox.py).

    `state` is `pending` (stored, nothing done yet), `applied` (the handler committed a change
    or sent a message: never handled again) or `done` (the handler returned).
    """

    __tablename__ = "update_inbox"
    __table_args__ = (Index("ix_update_inbox_bot_id_state", "bot_id", "state"),)

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[dt.datetime]
    handled_at: Mapped[dt.datetime | None]


class UpdateMark(Base):
    """Per bot: the high-water mark at and below which every update id counts as handled."""

    __tablename__ = "update_marks"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    handled_through: Mapped[int] = mapped_column(BigInteger)


class CoordinatorPrompt(Base):
    """A question the bot asked a coordinator and waits to be answered (a return's reason).

    Only the bot's own prompt, found here by the member and the prompt's message id, makes a
    coordinator's next text a reason: the text of a replied-to message is never parsed.
    """

    __tablename__ = "coordinator_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    # What the answer is for: "return_reason".
    purpose: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(40))
    period_code: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]


class WebLink(Base):
    """A single-use sign-in link sent by `/web`; only the SHA-256 of its token is stored."""

    __tablename__ = "web_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class WebSession(Base):
    """A signed-in browser (link or Mini App); only the SHA-256 of its cookie is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # "link" (a `/web` link in a browser) or "miniapp" (Telegram's signed initData).
    via: Mapped[str] = mapped_column(String(10))
    # The `hash` of the Mini App initData that opened it: a replayed initData finds it taken.
    init_data_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]


class TaskProgress(Base):
    """What a report says of one task of the plan annex (`tasks.yaml`); one row per task."""

    __tablename__ = "task_progress"
    __table_args__ = (UniqueConstraint("submission_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(40), index=True)
    # done | in_progress | not_started (cchc_bot.tasks.progress.TaskStatus)
    status: Mapped[str] = mapped_column(String(20))
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The văn bản that proves it: số, ký hiệu ("12/KH-UBND") and its date.
    document_number: Mapped[str | None] = mapped_column(String(120))
    document_date: Mapped[dt.date | None] = mapped_column(Date)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    explanation: Mapped[str | None] = mapped_column(Text)
    # A cooperating unit's one line (when the setting allows it); its status is then unused.
    contribution: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[dt.datetime]
    reported_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # A coordinator reopened a task reported done: it is asked again in later periods.
    reopened_at: Mapped[dt.datetime | None]
    reopened_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
