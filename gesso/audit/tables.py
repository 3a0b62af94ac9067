"""The append-only `audit_events` table (migration 0010). Only retention pruning deletes rows."""

import sqlalchemy as sa

from gesso.db.metadata import UtcDateTime, metadata

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    sa.Column("at", UtcDateTime(), nullable=False),
    # No foreign key: events outlive the accounts they name.
    sa.Column("actor_user_id", sa.String(64), nullable=True),
    sa.Column("actor_kind", sa.String(16), nullable=False),
    sa.Column("ip", sa.String(64), nullable=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target_type", sa.String(32), nullable=True),
    sa.Column("target_id", sa.String(256), nullable=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("details", sa.JSON(), nullable=False),
)
sa.Index("ix_audit_events_at", audit_events.c.at)
sa.Index("ix_audit_events_actor_user_id", audit_events.c.actor_user_id, audit_events.c.id)
sa.Index("ix_audit_events_action", audit_events.c.action, audit_events.c.id)
sa.Index("ix_audit_events_target_id", audit_events.c.target_id, audit_events.c.id)
