"""web tables: settings, saved filters, list preferences, idempotency keys

Revision ID: c0a3
Revises: c0a2
Create Date: 2026-11-25 02:43:06.758735
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "c0a3"
down_revision: str | None = "c0a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_setting")),
        sa.UniqueConstraint("key", name=op.f("uq_core_setting_key")),
    )
    op.create_table(
        "core_idempotency_key",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_idempotency_key_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_idempotency_key")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_core_idempotency_key_user_id_key")),
    )
    with op.batch_alter_table("core_idempotency_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_core_idempotency_key_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "core_saved_filter",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("view", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_saved_filter_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_saved_filter")),
        sa.UniqueConstraint(
            "user_id",
            "view",
            "kind",
            "name",
            name=op.f("uq_core_saved_filter_user_id_view_kind_name"),
        ),
    )
    with op.batch_alter_table("core_saved_filter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_saved_filter_view"), ["view"], unique=False)

    op.create_table(
        "core_view_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("view", sa.String(length=80), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_view_preference_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "view", name=op.f("pk_core_view_preference")),
    )


def downgrade() -> None:
    op.drop_table("core_view_preference")
    with op.batch_alter_table("core_saved_filter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_saved_filter_view"))

    op.drop_table("core_saved_filter")
    with op.batch_alter_table("core_idempotency_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_idempotency_key_created_at"))

    op.drop_table("core_idempotency_key")
    op.drop_table("core_setting")
