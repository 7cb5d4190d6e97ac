"""Annotations and the actors each article names.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:05:15.470160
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_actor",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_type", sa.String(length=20), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("in_title", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
        ),
        sa.PrimaryKeyConstraint("article_id", "actor_id"),
    )
    with op.batch_alter_table("article_actor", schema=None) as batch_op:
        batch_op.create_index("ix_article_actor_actor", ["actor_id"], unique=False)

    op.create_table(
        "article_annotation",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version_key", sa.String(length=400), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("analysis", sa.String(length=10), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
        ),
        sa.PrimaryKeyConstraint("article_id"),
    )


def downgrade() -> None:
    op.drop_table("article_annotation")
    with op.batch_alter_table("article_actor", schema=None) as batch_op:
        batch_op.drop_index("ix_article_actor_actor")

    op.drop_table("article_actor")
