"""unit tree and life span: parent code, valid_from, valid_to, successors

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("parent_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch.add_column(sa.Column("successors", sa.JSON(), nullable=True))
    # 0001 declared this foreign key with use_alter, which op.create_table leaves out on
    # PostgreSQL (SQLite got it inline); add it so the schema matches db/models.py.
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(
            op.f("fk_members_active_submission_id_submissions"),
            "members",
            "submissions",
            ["active_submission_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("fk_members_active_submission_id_submissions"), "members", type_="foreignkey"
        )
    with op.batch_alter_table("units") as batch:
        batch.drop_column("successors")
        batch.drop_column("valid_to")
        batch.drop_column("valid_from")
        batch.drop_column("parent_code")
