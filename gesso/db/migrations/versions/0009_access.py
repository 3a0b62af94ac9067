"""Access control (SPEC §16, §17, §20): personal API tokens, groups and their members, model
access (an `access` column on `models` plus allowed users and groups), quotas per user and per
group (with `queue_weight`), daily usage per user (`usage_daily`: items enqueued, GPU seconds),
image file sizes (`images.file_size`, for the storage quota), the items served in the current
turn of weighted round robin (`queue_turns.streak`), and board shares.

Revision ID: 0009_access
Revises: 0008_queue_order_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_access"
down_revision = "0008_queue_order_index"
branch_labels = None
depends_on = None


def _user_fk(nullable: bool = False) -> sa.Column[str]:
    return sa.Column(
        "user_id", sa.String(64), sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=nullable
    )


def _group_fk(nullable: bool = False) -> sa.Column[str]:
    return sa.Column(
        "group_id", sa.String(64), sa.ForeignKey("groups.group_id", ondelete="CASCADE"), nullable=nullable
    )


def _quota_columns() -> list[sa.Column[int]]:
    names = (
        "max_pending_items",
        "max_items_per_day",
        "max_storage_mb",
        "max_pixels_per_image",
        "max_steps",
        "queue_weight",
    )
    return [sa.Column(name, sa.BigInteger(), nullable=True) for name in names]


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(64), primary_key=True),
        _user_fk(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_api_tokens_secret_hash", "api_tokens", ["secret_hash"], unique=True)
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])

    op.create_table(
        "groups",
        sa.Column("group_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_groups_name_lower", "groups", [sa.text("lower(name)")], unique=True)
    op.create_table(
        "group_members",
        _group_fk(),
        _user_fk(),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_group_members"),
    )
    op.create_index("ix_group_members_user_id", "group_members", ["user_id", "group_id"])

    with op.batch_alter_table("models") as batch:
        batch.add_column(sa.Column("access", sa.String(16), nullable=False, server_default="everyone"))
    op.create_table(
        "model_allowed_users",
        sa.Column(
            "model_key", sa.String(64), sa.ForeignKey("models.key", ondelete="CASCADE"), nullable=False
        ),
        _user_fk(),
        sa.PrimaryKeyConstraint("model_key", "user_id", name="pk_model_allowed_users"),
    )
    op.create_index("ix_model_allowed_users_user_id", "model_allowed_users", ["user_id"])
    op.create_table(
        "model_allowed_groups",
        sa.Column(
            "model_key", sa.String(64), sa.ForeignKey("models.key", ondelete="CASCADE"), nullable=False
        ),
        _group_fk(),
        sa.PrimaryKeyConstraint("model_key", "group_id", name="pk_model_allowed_groups"),
    )
    op.create_index("ix_model_allowed_groups_group_id", "model_allowed_groups", ["group_id"])

    op.create_table(
        "user_quotas",
        sa.Column(
            "user_id", sa.String(64), sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True
        ),
        *_quota_columns(),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "group_quotas",
        sa.Column(
            "group_id", sa.String(64), sa.ForeignKey("groups.group_id", ondelete="CASCADE"), primary_key=True
        ),
        *_quota_columns(),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )

    op.create_table(
        "usage_daily",
        sa.Column(
            "user_id", sa.String(64), sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("items", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("gpu_seconds", sa.Float(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("user_id", "day", name="pk_usage_daily"),
    )
    with op.batch_alter_table("images") as batch:
        batch.add_column(sa.Column("file_size", sa.BigInteger(), nullable=False, server_default="0"))

    with op.batch_alter_table("queue_turns") as batch:
        batch.add_column(sa.Column("streak", sa.Integer(), nullable=False, server_default="1"))

    op.create_table(
        "board_shares",
        sa.Column("share_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "board_id", sa.String(64), sa.ForeignKey("boards.board_id", ondelete="CASCADE"), nullable=False
        ),
        _user_fk(nullable=True),
        _group_fk(nullable=True),
        sa.Column("permission", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "permission IN ('view', 'contribute', 'manage')", name="ck_board_shares_permission"
        ),
        sa.CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="ck_board_shares_one_subject"),
        sa.UniqueConstraint("board_id", "user_id", name="uq_board_shares_board_id_user_id"),
        sa.UniqueConstraint("board_id", "group_id", name="uq_board_shares_board_id_group_id"),
    )
    op.create_index("ix_board_shares_user_id", "board_shares", ["user_id", "board_id"])
    op.create_index("ix_board_shares_group_id", "board_shares", ["group_id", "board_id"])


def downgrade() -> None:
    for table in (
        "board_shares",
        "usage_daily",
        "group_quotas",
        "user_quotas",
        "model_allowed_groups",
        "model_allowed_users",
        "group_members",
        "groups",
        "api_tokens",
    ):
        op.drop_table(table)
    with op.batch_alter_table("queue_turns") as batch:
        batch.drop_column("streak")
    with op.batch_alter_table("images") as batch:
        batch.drop_column("file_size")
    with op.batch_alter_table("models") as batch:
        batch.drop_column("access")
