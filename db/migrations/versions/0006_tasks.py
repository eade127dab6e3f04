"""tasks: what each report says of the plan annex's tasks (status, document, percent)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "task_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("document_number", sa.String(length=120), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("contribution", sa.Text(), nullable=True),
        sa.Column("reported_at", db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("reported_by_member_id", sa.Integer(), nullable=True),
        sa.Column("reopened_at", db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reopened_by_member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_task_progress_attachment_id_attachments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by_member_id"],
            ["members.id"],
            name=op.f("fk_task_progress_reopened_by_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_member_id"],
            ["members.id"],
            name=op.f("fk_task_progress_reported_by_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_task_progress_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_progress")),
        sa.UniqueConstraint(
            "submission_id", "task_id", name=op.f("uq_task_progress_submission_id_task_id")
        ),
    )
    op.create_index(op.f("ix_task_progress_submission_id"), "task_progress", ["submission_id"])
    op.create_index(op.f("ix_task_progress_task_id"), "task_progress", ["task_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_task_progress_task_id"), table_name="task_progress")
    op.drop_index(op.f("ix_task_progress_submission_id"), table_name="task_progress")
    op.drop_table("task_progress")
