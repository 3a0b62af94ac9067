"""Boards, images and per-user client state.

Revision ID: 0004_gallery
Revises: 0003_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_gallery"
down_revision = "0003_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("board_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False, server_default="system"),
        sa.Column("board_name", sa.String(300), nullable=False),
        sa.Column("board_visibility", sa.String(16), nullable=False, server_default="private"),
        sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("cover_image_name", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "board_visibility IN ('private', 'shared', 'public')", name="ck_boards_board_visibility"
        ),
    )
    op.create_index("ix_boards_user_id", "boards", ["user_id", "created_at"])
    op.create_index("ix_boards_board_visibility", "boards", ["board_visibility"])

    op.create_table(
        "images",
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
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    # Gallery pages filter by owner or board, then order by starred/created_at: these indexes
    # serve both without scanning the whole table.
    op.create_index(
        "ix_images_user_board", "images", ["user_id", "board_id", "is_intermediate", "starred", "created_at"]
    )
    op.create_index("ix_images_board", "images", ["board_id", "is_intermediate", "starred", "created_at"])
    op.create_index("ix_images_created_at", "images", ["created_at"])

    op.create_table(
        "client_state",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
