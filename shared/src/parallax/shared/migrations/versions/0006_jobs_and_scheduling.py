"""Jobs and scheduling: every job run recorded, events due for comparison, article attempts.

- `ingest_run` becomes the record of every job run (its name predates the scheduled jobs):
  `kind` (ingest, poll_feed, reconcile, merge_events, rebuild_profiles …), `trigger` (request,
  command, schedule, worker), `status` (running, succeeded, failed) and `error`.
- `event.compare_due_at`: when the event's comparison is next due (debounce: each arrival
  pushes it back; the compare task does the work only once it has passed).
- `outlet_profile`: each outlet's profile across events and its blind spots, rebuilt nightly
  (the API serves the stored one, and computes it when none is stored yet).
- `article.attempts`: how many times a worker took the article's current stage up; the
  reconciler leaves an article alone once it failed for good.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_run") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=40), nullable=False, server_default="ingest"))
        batch.add_column(sa.Column("trigger", sa.String(length=20), nullable=True))
        batch.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="succeeded")
        )
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
    op.execute("UPDATE ingest_run SET status = 'running' WHERE finished_at IS NULL")
    op.create_index("ix_ingest_run_kind", "ingest_run", ["kind"])
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("compare_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_event_compare_due_at", "event", ["compare_due_at"])
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "outlet_profile",
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["outlet_id"], ["outlet.id"]),
        sa.PrimaryKeyConstraint("outlet_id"),
    )


def downgrade() -> None:
    op.drop_table("outlet_profile")
    with op.batch_alter_table("article") as batch:
        batch.drop_column("attempts")
    op.drop_index("ix_event_compare_due_at", table_name="event")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("compare_due_at")
    op.drop_index("ix_ingest_run_kind", table_name="ingest_run")
    with op.batch_alter_table("ingest_run") as batch:
        batch.drop_column("error")
        batch.drop_column("status")
        batch.drop_column("trigger")
        batch.drop_column("kind")
