"""`user_quotas` and `group_quotas` (migration 0009): one row per user or group that has any
limit set; a null column is "not set here" (unlimited unless another level sets it)."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.groups.tables import groups
from gesso.users.tables import users

QUOTA_KEYS = (
    "max_pending_items",
    "max_items_per_day",
    "max_storage_mb",
    "max_pixels_per_image",
    "max_steps",
)
LIMIT_COLUMNS = (*QUOTA_KEYS, "queue_weight")


def _limit_columns() -> list[sa.Column[int]]:
    return [sa.Column(name, sa.BigInteger(), nullable=True) for name in LIMIT_COLUMNS]


user_quotas = sa.Table(
    "user_quotas",
    metadata,
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), primary_key=True),
    *_limit_columns(),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

group_quotas = sa.Table(
    "group_quotas",
    metadata,
    sa.Column(
        "group_id", sa.String(64), sa.ForeignKey(groups.c.group_id, ondelete="CASCADE"), primary_key=True
    ),
    *_limit_columns(),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# Per user and UTC day: items enqueued and seconds of generation work (from the items' recorded
# start and finish). Kept apart from the queue so pruning history does not reset a quota.
usage_daily = sa.Table(
    "usage_daily",
    metadata,
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("items", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("gpu_seconds", sa.Float(), nullable=False, server_default="0"),
)
