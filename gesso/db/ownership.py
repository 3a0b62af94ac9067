"""Which tables hold per-user content.

A table marks itself with `info={OWNED_BY_USER: True}` and a `user_id` column. Deleting a user
with `reassign_to`, and `gesso users reassign`, move the rows of every such table in one
transaction, so a new content table only has to mark itself to be covered.
"""

from __future__ import annotations

import sqlalchemy as sa

from gesso.db.metadata import metadata

OWNED_BY_USER = "owned_by_user"


def owned_tables() -> list[sa.Table]:
    return [table for table in metadata.sorted_tables if table.info.get(OWNED_BY_USER)]
