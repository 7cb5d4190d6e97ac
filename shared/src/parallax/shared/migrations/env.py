"""Alembic environment: runs on the connection handed over by `parallax.shared.db`."""

from alembic import context
from sqlmodel import SQLModel

import parallax.shared.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through `parallax db upgrade` (or parallax.shared.db.upgrade_schema), "
        "which hands Alembic a connection"
    )
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
