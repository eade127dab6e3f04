"""field-ready fixes: state the bot keeps between updates

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # -- runtime: update inbox / high-water marks / instance lock --
    op.create_table(
        "update_inbox",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("received_at", db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_update_inbox")),
    )
    op.create_index("ix_update_inbox_bot_id_state", "update_inbox", ["bot_id", "state"])
    op.create_table(
        "update_marks",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_through", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", name=op.f("pk_update_marks")),
    )
    # -- end runtime --
    # -- coordinator: pending prompts --
    op.create_table(
        "coordinator_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("period_code", sa.String(length=16), nullable=False),
        sa.Column("created_at", db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_coordinator_prompts_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinator_prompts")),
        sa.UniqueConstraint("member_id", name=op.f("uq_coordinator_prompts_member_id")),
    )
    # -- end coordinator --
    # -- accounts and uploads --
    op.create_table(
        "link_guards",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("last_attempt_at", db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_link_guards")),
    )
    # -- end accounts and uploads --
    # -- conversation --
    # -- end conversation --
    # -- reminders: bulk-send timetable --
    op.create_table(
        "bulk_send_slots",
        sa.Column("slot", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("slot", name=op.f("pk_bulk_send_slots")),
    )
    # -- end reminders --


def downgrade() -> None:
    """Revert this revision."""
    # -- reminders: bulk-send timetable --
    op.drop_table("bulk_send_slots")
    # -- end reminders --
    # -- conversation --
    # -- end conversation --
    # -- accounts and uploads --
    op.drop_table("link_guards")
    # -- end accounts and uploads --
    # -- coordinator: pending prompts --
    op.drop_table("coordinator_prompts")
    # -- end coordinator --
    # -- runtime: update inbox / high-water marks / instance lock --
    op.drop_table("update_marks")
    op.drop_index("ix_update_inbox_bot_id_state", table_name="update_inbox")
    op.drop_table("update_inbox")
    # -- end runtime --
