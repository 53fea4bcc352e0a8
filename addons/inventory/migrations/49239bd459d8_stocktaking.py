"""stocktaking: inventory_count, inventory_count_line, a warehouse's approval threshold

Revision ID: 49239bd459d8
Revises: 588ca26e9b92
Create Date: 2026-11-25 04:06:06.209916
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "49239bd459d8"
down_revision: str | None = "588ca26e9b92"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inventory_count",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "counting",
                "to_approve",
                "done",
                "cancelled",
                name="countstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("frozen_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("applied_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_count_approved_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["products_category.id"],
            name=op.f("fk_inventory_count_category_id_products_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_count_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_count_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_count_location_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_count_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_count_warehouse_id_inventory_warehouse"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_count")),
        sa.UniqueConstraint("company_id", "name", name=op.f("uq_inventory_count_company_id_name")),
    )
    with op.batch_alter_table("inventory_count", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_count_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_count_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_count_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_count_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_inventory_count_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_count_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "inventory_count_line",
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("lot_key", sa.Integer(), nullable=False),
        sa.Column("expected", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("counted", core.db.ExactDecimal(precision=18, scale=4), nullable=True),
        sa.Column("difference", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("unit_cost", core.db.ExactDecimal(precision=18, scale=6), nullable=False),
        sa.Column("difference_value", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["count_id"],
            ["inventory_count.id"],
            name=op.f("fk_inventory_count_line_count_id_inventory_count"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_count_line_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_count_line_location_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["inventory_lot.id"],
            name=op.f("fk_inventory_count_line_lot_id_inventory_lot"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_count_line_product_id_products_product"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_count_line_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_count_line")),
        sa.UniqueConstraint(
            "count_id",
            "product_id",
            "location_id",
            "lot_key",
            name=op.f("uq_inventory_count_line_count_id_product_id_location_id_lot_key"),
        ),
    )
    with op.batch_alter_table("inventory_count_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_count_line_count_id"), ["count_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_count_line_product_id"), ["product_id"], unique=False
        )

    # In place, not in batch mode: see revision 5c74299039e1.
    op.add_column(
        "inventory_warehouse",
        sa.Column(
            "count_approval_value", core.db.ExactDecimal(precision=18, scale=4), nullable=True
        ),
    )


def downgrade() -> None:
    op.drop_column("inventory_warehouse", "count_approval_value")

    with op.batch_alter_table("inventory_count_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_count_line_product_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_count_line_count_id"))

    op.drop_table("inventory_count_line")
    with op.batch_alter_table("inventory_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_count_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_count_state"))
        batch_op.drop_index(batch_op.f("ix_inventory_count_name"))
        batch_op.drop_index(batch_op.f("ix_inventory_count_location_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_count_company_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_count_category_id"))

    op.drop_table("inventory_count")
