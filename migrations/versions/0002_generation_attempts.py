"""generation attempts: how many times a generation's worker died while running it"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0002", "0001"  # this revision, the one before


def upgrade() -> None:
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.drop_column("attempts")
