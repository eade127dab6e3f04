"""imports: a submitted version records where its figures came from (chat, or a workbook)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("submission_versions") as batch:
        batch.add_column(sa.Column("source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("source_file", sa.String(length=255), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("submission_versions") as batch:
        batch.drop_column("source_file")
        batch.drop_column("source")
