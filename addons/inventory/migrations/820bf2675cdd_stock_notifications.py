"""stock notifications: inventory_notification, a warehouse's alert_role

Revision ID: 820bf2675cdd
Revises: 3a9d06e2aa06
Create Date: 2026-11-25 05:39:40.335293

The warehouse's column is added in place (``ALTER TABLE ... ADD COLUMN``), not in batch
mode: see revision 5c74299039e1.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "820bf2675cdd"
down_revision: str | None = "3a9d06e2aa06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inventory_notification",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("forecast", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("minimum", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("proposed", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("read_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_notification_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_notification_product_id_products_product"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["inventory_stock_rule.id"],
            name=op.f("fk_inventory_notification_rule_id_inventory_stock_rule"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_notification_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_notification_warehouse_id_inventory_warehouse"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_notification")),
    )
    with op.batch_alter_table("inventory_notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_notification_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_notification_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_notification_rule_id"), ["rule_id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_notification_unread", ["user_id", "read_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_notification_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.add_column(
        "inventory_warehouse", sa.Column("alert_role", sa.String(length=64), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("inventory_warehouse", "alert_role")

    with op.batch_alter_table("inventory_notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_notification_warehouse_id"))
        batch_op.drop_index("ix_inventory_notification_unread")
        batch_op.drop_index(batch_op.f("ix_inventory_notification_rule_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_notification_product_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_notification_company_id"))

    op.drop_table("inventory_notification")
