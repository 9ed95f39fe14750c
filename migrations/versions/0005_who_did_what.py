"""who did what, and deleted workspaces

``generations.user_id`` (who started the run) and ``credit_ledger.user_id`` (who caused the
row: the top-up's owner or the user of the charged run), both empty for the CLI, the system and
single-user local mode; ``workspaces.deleted_at``, set when an owner deletes a workspace.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0005", "0004"  # this revision, the one before

OPEN = "state IN ('queued', 'running')"
# generations' partial indexes, dropped around its batch (SQLite copies the table) and made
# again exactly as in 0001, rather than trusting every SQLAlchemy to reflect their WHERE
PARTIAL = {
    "uq_generations_open_step": (["project_id", "step", "scene_index"], True),
    "ix_generations_open": (["state"], False),
}


def _user_column(table: str) -> None:
    if table == "generations":
        for name in PARTIAL:
            op.drop_index(name, table_name=table)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f(f"fk_{table}_user_id_users"), "users", ["user_id"], ["id"])
    if table == "generations":
        _partial_indexes()


def _partial_indexes() -> None:
    for name, (columns, unique) in PARTIAL.items():
        op.create_index(name, "generations", columns, unique=unique,
                        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    for table in ("generations", "credit_ledger"):
        _user_column(table)


def downgrade() -> None:
    for table in ("credit_ledger", "generations"):
        if table == "generations":
            for name in PARTIAL:
                op.drop_index(name, table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"fk_{table}_user_id_users"), type_="foreignkey")
            batch_op.drop_column("user_id")
        if table == "generations":
            _partial_indexes()
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
