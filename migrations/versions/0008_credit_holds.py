"""credits held for queued and running work

``credit_holds``: one row per hold, taken when work is queued (atomically with the balance
check) and deleted when it ends, settled by its charge or released. ``generation_id`` is the
generation it pays for, or NULL for a step of a chain that is not queued yet (a render holds
its voiceover and stitching with its clips). Work queued before this revision has no hold and
is charged as before.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0008", "0007"  # this revision, the one before


def upgrade() -> None:
    op.create_table(
        "credit_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("generation_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_credit_holds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["generation_id"],
            ["generations.id"],
            name=op.f("fk_credit_holds_generation_id_generations"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_credit_holds_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_credit_holds_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_holds")),
        sa.UniqueConstraint("generation_id", name=op.f("uq_credit_holds_generation_id")),
    )
    with op.batch_alter_table("credit_holds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_holds_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_holds_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("credit_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_holds_project_id"))
        batch_op.drop_index(batch_op.f("ix_credit_holds_workspace_id"))
    op.drop_table("credit_holds")
