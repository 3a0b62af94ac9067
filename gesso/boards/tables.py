"""The `boards` table (migration 0004) and `board_shares` (0009: a board shared with one user or
one group, with a permission)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.db.ownership import OWNED_BY_USER
from gesso.groups.tables import groups
from gesso.users.tables import users

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

board_shares = sa.Table(
    "board_shares",
    metadata,
    sa.Column("share_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column(
        "board_id", sa.String(64), sa.ForeignKey(boards.c.board_id, ondelete="CASCADE"), nullable=False
    ),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), nullable=True),
    sa.Column("group_id", sa.String(64), sa.ForeignKey(groups.c.group_id, ondelete="CASCADE"), nullable=True),
    sa.Column("permission", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("permission IN ('view', 'contribute', 'manage')", name="ck_board_shares_permission"),
    sa.CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="ck_board_shares_one_subject"),
    sa.UniqueConstraint("board_id", "user_id", name="uq_board_shares_board_id_user_id"),
    sa.UniqueConstraint("board_id", "group_id", name="uq_board_shares_board_id_group_id"),
)
sa.Index("ix_board_shares_user_id", board_shares.c.user_id, board_shares.c.board_id)
sa.Index("ix_board_shares_group_id", board_shares.c.group_id, board_shares.c.board_id)
