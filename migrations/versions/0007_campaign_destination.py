"""a campaign's destination: where its ads send people

``campaigns.destination``: a web address, an @handle or a phone number, drawn on banners,
flyers (a web address also as a QR code) and video end cards. Up to 200 characters, never
NULL; the campaigns of before get "" (no destination) from the server default.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0007", "0006"  # this revision, the one before


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("destination", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("destination")
