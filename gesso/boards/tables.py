"""The `boards` table (migration 0004)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.db.ownership import OWNED_BY_USER

boards = sa.Table(
    "boards",
    metadata,
    sa.Column("board_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False, server_default="system"),
    sa.Column("board_name", sa.String(300), nullable=False),
    sa.Column("board_visibility", sa.String(16), nullable=False, server_default="private"),
    sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("cover_image_name", sa.String(128), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("board_visibility IN ('private', 'shared', 'public')", name="board_visibility"),
    info={OWNED_BY_USER: True},
)
sa.Index("ix_boards_user_id", boards.c.user_id, boards.c.created_at)
sa.Index("ix_boards_board_visibility", boards.c.board_visibility)
