"""product tracking: inventory_product_tracking (none, lot or serial number per product)

Revision ID: 90057ddb323d
Revises: 49239bd459d8
Create Date: 2026-11-25 05:06:41.924544
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "90057ddb323d"
down_revision: str | None = "49239bd459d8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inventory_product_tracking",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column(
            "tracking",
            sa.Enum("none", "lot", "serial", name="tracking", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_product_tracking_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_product_tracking_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_product_tracking_product_id_products_product"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_product_tracking_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_product_tracking")),
        sa.UniqueConstraint("product_id", name=op.f("uq_inventory_product_tracking_product_id")),
    )
    with op.batch_alter_table("inventory_product_tracking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_product_tracking_company_id"), ["company_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inventory_product_tracking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_product_tracking_company_id"))

    op.drop_table("inventory_product_tracking")
