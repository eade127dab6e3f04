"""coordinator scopes: the subtree a coordinator invite gives and a coordinator acts on

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("invites", "members")


def upgrade() -> None:
    """Apply this revision."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("scope_unit_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_{table}_scope_unit_id_units"), "units", ["scope_unit_id"], ["id"]
            )


def downgrade() -> None:
    """Revert this revision."""
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_scope_unit_id_units"), type_="foreignkey")
            batch.drop_column("scope_unit_id")
