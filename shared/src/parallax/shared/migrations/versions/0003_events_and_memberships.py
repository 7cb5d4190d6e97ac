"""Events, the article memberships that make them, and the cluster state row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 14:02:41.118305
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cluster_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.Column("reshaped", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("first_published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outlets", JSON, nullable=False),
        sa.Column("languages", JSON, nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("merged_into", sa.String(length=40), nullable=True),
        sa.Column("split_from", sa.String(length=40), nullable=True),
        sa.Column("algorithm_version", sa.String(length=40), nullable=False),
        sa.Column("model_version", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["event.id"],
        ),
        sa.ForeignKeyConstraint(
            ["split_from"],
            ["event.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_status_last", ["status", "last_published"], unique=False)

    op.create_table(
        "event_membership",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("started", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("algorithm_version", sa.String(length=40), nullable=False),
        sa.Column("model_version", sa.String(length=80), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
        ),
        sa.PrimaryKeyConstraint("article_id"),
        sa.UniqueConstraint("sequence", name="uq_event_membership_sequence"),
    )
    with op.batch_alter_table("event_membership", schema=None) as batch_op:
        batch_op.create_index("ix_event_membership_event_id", ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_membership", schema=None) as batch_op:
        batch_op.drop_index("ix_event_membership_event_id")

    op.drop_table("event_membership")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_status_last")

    op.drop_table("event")
    op.drop_table("cluster_state")
