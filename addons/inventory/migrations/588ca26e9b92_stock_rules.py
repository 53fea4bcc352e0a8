"""stock rules

Revision ID: 588ca26e9b92
Revises: 5c74299039e1
Create Date: 2026-11-25 04:02:51.888997
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "588ca26e9b92"
down_revision: str | None = "5c74299039e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inventory_stock_rule",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("minimum", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("maximum", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("forecast", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("proposed", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column(
            "status",
            sa.Enum("alert", "ok", name="rulestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("checked_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_stock_rule_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_stock_rule_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_stock_rule_product_id_products_product"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_stock_rule_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_stock_rule_warehouse_id_inventory_warehouse"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_stock_rule")),
        sa.UniqueConstraint(
            "warehouse_id",
            "product_id",
            name=op.f("uq_inventory_stock_rule_warehouse_id_product_id"),
        ),
    )
    with op.batch_alter_table("inventory_stock_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_stock_rule_active"), ["active"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_stock_rule_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_stock_rule_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_stock_rule_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_stock_rule_warehouse_id"), ["warehouse_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inventory_stock_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_stock_rule_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_stock_rule_status"))
        batch_op.drop_index(batch_op.f("ix_inventory_stock_rule_product_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_stock_rule_company_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_stock_rule_active"))

    op.drop_table("inventory_stock_rule")
