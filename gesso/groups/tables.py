"""`groups` and `group_members` (migration 0009). Names are unique case-insensitively."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata
from gesso.users.tables import users

groups = sa.Table(
    "groups",
    metadata,
    sa.Column("group_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("description", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)
sa.Index("ix_groups_name_lower", sa.func.lower(groups.c.name), unique=True)

group_members = sa.Table(
    "group_members",
    metadata,
    sa.Column(
        "group_id", sa.String(64), sa.ForeignKey(groups.c.group_id, ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.String(64), sa.ForeignKey(users.c.user_id, ondelete="CASCADE"), primary_key=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
sa.Index("ix_group_members_user_id", group_members.c.user_id, group_members.c.group_id)
