"""campaign kits and the strategy board's favourites

``kits``: one row per "Make the kit" (a group of normal projects made from one campaign in one
action): its quote, the length and quality its video parts use, and the packaged zip once every
part has finished. ``projects.kit_id`` names the kit a project is a part of (NULL: made on its
own). ``campaigns.board_favourites``: the strategy board cells a team marked (a JSON list of
cell ids; ``[]`` for the campaigns of before).
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0010", "0009"  # this revision, the one before


def upgrade() -> None:
    op.create_table(
        "kits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("length_s", sa.Integer(), nullable=False),
        sa.Column("quality", sa.String(length=20), nullable=False),
        sa.Column("quoted", sa.Integer(), nullable=False),
        sa.Column("zip_path", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("packaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_kits_workspace_id_workspaces")
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_kits_campaign_id_campaigns")
        ),  # fmt: skip
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_kits_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kits")),
    )
    op.create_index(op.f("ix_kits_campaign_id"), "kits", ["campaign_id"], unique=False)
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kit_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_projects_kit_id"), ["kit_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_projects_kit_id_kits"), "kits", ["kit_id"], ["id"]
        )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("board_favourites", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("board_favourites")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_projects_kit_id_kits"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_projects_kit_id"))
        batch_op.drop_column("kit_id")
    op.drop_index(op.f("ix_kits_campaign_id"), table_name="kits")
    op.drop_table("kits")
