"""Alembic environment: always runs on the connection handed in by `gesso.db.migrate`."""

from alembic import context

from gesso.db.metadata import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    transaction_per_migration=False,
)
context.run_migrations()
