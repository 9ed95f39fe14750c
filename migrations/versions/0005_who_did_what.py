"""who did what, and deleted workspaces

``generations.user_id`` (who started the run) and ``credit_ledger.user_id`` (who caused the
row: the top-up's owner or the user of the charged run), both empty for the CLI, the system and
single-user local mode; ``workspaces.deleted_at``, set when an owner deletes a workspace.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    for table in ("generations", "credit_ledger"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                op.f(f"fk_{table}_user_id_users"), "users", ["user_id"], ["id"]
            )


def downgrade() -> None:
    for table in ("credit_ledger", "generations"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"fk_{table}_user_id_users"), type_="foreignkey")
            batch_op.drop_column("user_id")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
