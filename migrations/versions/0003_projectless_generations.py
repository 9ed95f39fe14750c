"""generations without a project: the workspace and campaign a generation belongs to

A strategy draft ("Draft strategy with AI") is recorded as a generation but belongs to a
campaign (or to a campaign still being written on the new-campaign form), not to a project:
`project_id` becomes nullable, and every generation names its workspace and, when it has one,
its campaign (existing rows are filled in from their project).
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0003", "0002"  # this revision, the one before

OPEN = "state IN ('queued', 'running')"


def _drop_partial_indexes() -> None:
    # dropped around the batch (SQLite copies the table) and made again exactly as in 0001
    op.drop_index("uq_generations_open_step", table_name="generations")
    op.drop_index("ix_generations_open", table_name="generations")


def _create_partial_indexes() -> None:
    op.create_index(
        "ix_generations_open",
        "generations",
        ["state"],
        unique=False,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )
    op.create_index(
        "uq_generations_open_step",
        "generations",
        ["project_id", "step", "scene_index"],
        unique=True,
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )


def upgrade() -> None:
    _drop_partial_indexes()
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("workspace_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_generations_workspace_id_workspaces"),
            "workspaces",
            ["workspace_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_generations_campaign_id_campaigns"), "campaigns", ["campaign_id"], ["id"]
        )
        batch_op.create_index(
            batch_op.f("ix_generations_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_generations_campaign_id"), ["campaign_id"], unique=False
        )
    _create_partial_indexes()
    op.execute(
        "UPDATE generations SET "
        "workspace_id = (SELECT projects.workspace_id FROM projects "
        "WHERE projects.id = generations.project_id), "
        "campaign_id = (SELECT projects.campaign_id FROM projects "
        "WHERE projects.id = generations.project_id) "
        "WHERE project_id IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DELETE FROM generations WHERE project_id IS NULL")
    _drop_partial_indexes()
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generations_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_generations_workspace_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_generations_campaign_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_generations_workspace_id_workspaces"), type_="foreignkey"
        )
        batch_op.drop_column("campaign_id")
        batch_op.drop_column("workspace_id")
        batch_op.alter_column("project_id", existing_type=sa.Integer(), nullable=False)
    _create_partial_indexes()
