"""up to five product images or screenshots per campaign

``campaigns.more_product_images``: a JSON list of up to 4 stored paths (relative to MEDIA_DIR,
like ``product_photo_path``, which stays the first image), in the order scenes use them. Never
NULL; the campaigns of before get ``[]`` (no more images) from the server default.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0009", "0008"  # this revision, the one before


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "more_product_images", sa.JSON(), nullable=False, server_default=sa.text("'[]'")
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("more_product_images")
