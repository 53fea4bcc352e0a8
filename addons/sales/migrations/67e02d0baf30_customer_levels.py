"""customer levels: sales_customer_level, sales_customer, sales_order.customer_level_id

Revision ID: 67e02d0baf30
Revises: f6d49dec4273
Create Date: 2026-11-25 05:12:50.783898

The standard levels A, B and C are loaded here, so a database upgraded from the previous
revision has them as a new install does. ``sales_order.customer_level_id`` is a plain
indexed column added in place (``ALTER TABLE ... ADD COLUMN``): a batch copy of
``sales_order`` on SQLite would drop the old table and cascade to its lines and events.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "67e02d0baf30"
down_revision: str | None = "f6d49dec4273"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As addons/sales/hooks.py STANDARD_LEVELS when this revision was written.
STANDARD_LEVELS = (
    ("A", "A: key customers", 10),
    ("B", "B: regular customers", 20),
    ("C", "C: occasional customers", 30),
)
LEVELS = sa.table(
    "sales_customer_level",
    sa.column("code", sa.String()),
    sa.column("name", sa.String()),
    sa.column("sequence", sa.Integer()),
    sa.column("active", sa.Boolean()),
    sa.column("created_at", core.db.UTCDateTime()),
    sa.column("updated_at", core.db.UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "sales_customer_level",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_customer_level_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_customer_level_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_customer_level")),
        sa.UniqueConstraint("code", name=op.f("uq_sales_customer_level_code")),
    )
    with op.batch_alter_table("sales_customer_level", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_customer_level_active"), ["active"], unique=False
        )

    op.create_table(
        "sales_customer",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("level_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_customer_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["partners_partner.id"],
            name=op.f("fk_sales_customer_customer_id_partners_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["sales_customer_level.id"],
            name=op.f("fk_sales_customer_level_id_sales_customer_level"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_customer_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_customer")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_sales_customer_customer_id")),
    )
    with op.batch_alter_table("sales_customer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_customer_level_id"), ["level_id"], unique=False)

    op.add_column("sales_order", sa.Column("customer_level_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_sales_order_customer_level_id", "sales_order", ["customer_level_id"], unique=False
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        LEVELS,
        [
            {"code": code, "name": name, "sequence": sequence, "active": True}
            | {"created_at": now, "updated_at": now}
            for code, name, sequence in STANDARD_LEVELS
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_sales_order_customer_level_id", table_name="sales_order")
    op.drop_column("sales_order", "customer_level_id")

    with op.batch_alter_table("sales_customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_customer_level_id"))

    op.drop_table("sales_customer")
    with op.batch_alter_table("sales_customer_level", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_customer_level_active"))

    op.drop_table("sales_customer_level")
