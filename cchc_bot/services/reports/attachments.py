"""The signed report file: checked, stored with its SHA-256, the summary shown again."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, select

from cchc_bot import conversation
from cchc_bot.access import Actor, require_unit_member
from cchc_bot.services.attachments import (
    ALLOWED_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
    STORED_NAME_MAX,
    content_matches,
    shown_name,
    suffix_of,
)
from cchc_bot.services.reports.loading import ReportBase
from cchc_bot.services.reports.results import EDITABLE_STATES, AttachmentResult
from db.models import Attachment, AuditEvent, Submission

SENT_STATES = ("submitted", "awaiting_approval")
"""A report already sent: its signed copy may still come in, after the generated DOCX."""


class Attaching(ReportBase):
    """Storing the signed file of the active draft."""

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
            submission = None
            if member.active_submission_id is not None:
                submission = await session.get(Submission, member.active_submission_id)
            if submission is None or submission.state not in EDITABLE_STATES:
                # No draft open: the signed copy of the unit's latest report already sent.
                submission = await session.scalar(
                    select(Submission)
                    .where(Submission.unit_id == actor.unit_id)
                    .where(Submission.state.in_(SENT_STATES))
                    .order_by(Submission.submitted_at.desc(), Submission.id.desc())
                    .limit(1)
                )
                if submission is None:
                    return AttachmentResult(False, reason="no_report")
                session.add(
                    AuditEvent(
                        at=now,
                        action="signed_file_attached",
                        actor_member_id=actor.member_id,
                        actor_telegram_user_id=actor.telegram_user_id,
                        unit_id=submission.unit_id,
                        details={"submission": submission.id, "sha256": digest},
                    )
                )
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
            after = submission.state in SENT_STATES
            if not after and submission.position == conversation.SUMMARY:
                await session.flush()
                loaded = await self._load(session, submission)
                view = conversation.summary(loaded.context, loaded.state)
                screen = await self._screen(session, loaded, view)
        return AttachmentResult(
            True,
            file_name=file_name,
            size=len(content),
            sha256=digest,
            screen=screen,
            after_submission=after,
        )
