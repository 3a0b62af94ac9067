"""The `images` table (migration 0004). An image sits on at most one board (`board_id`)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.db.ownership import OWNED_BY_USER

images = sa.Table(
    "images",
    metadata,
    sa.Column("image_name", sa.String(128), primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False, server_default="system"),
    sa.Column("board_id", sa.String(64), nullable=True),
    sa.Column("image_origin", sa.String(16), nullable=False, server_default="internal"),
    sa.Column("image_category", sa.String(16), nullable=False, server_default="general"),
    sa.Column("width", sa.Integer(), nullable=False),
    sa.Column("height", sa.Integer(), nullable=False),
    sa.Column("is_intermediate", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("starred", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("has_workflow", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("session_id", sa.String(64), nullable=True),
    sa.Column("node_id", sa.String(64), nullable=True),
    sa.Column("metadata", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    # Bytes of the full image file (migration 0009; 0 for images saved before it).
    sa.Column("file_size", sa.BigInteger(), nullable=False, server_default="0"),
    info={OWNED_BY_USER: True},
)
sa.Index(
    "ix_images_user_board",
    images.c.user_id,
    images.c.board_id,
    images.c.is_intermediate,
    images.c.starred,
    images.c.created_at,
)
sa.Index(
    "ix_images_board", images.c.board_id, images.c.is_intermediate, images.c.starred, images.c.created_at
)
sa.Index("ix_images_created_at", images.c.created_at)
