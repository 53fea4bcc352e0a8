"""inventory tables

Revision ID: a4ccb9371f26
Revises:
Create Date: 2026-11-25 03:43:30.298324
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "a4ccb9371f26"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("inventory",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inventory_warehouse",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("allow_negative", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
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
            name=op.f("fk_inventory_warehouse_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_warehouse_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_warehouse_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_warehouse")),
        sa.UniqueConstraint(
            "company_id", "code", name=op.f("uq_inventory_warehouse_company_id_code")
        ),
    )
    with op.batch_alter_table("inventory_warehouse", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_warehouse_active"), ["active"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_warehouse_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "inventory_location",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("complete_name", sa.String(length=1024), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("parent_path", sa.String(length=255), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "view",
                "internal",
                "supplier",
                "customer",
                "production",
                "inventory_loss",
                "scrap",
                name="locationkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column("system_key", sa.String(length=64), nullable=True),
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
            name=op.f("fk_inventory_location_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_location_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_location_parent_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_location_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_location_warehouse_id_inventory_warehouse"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_location")),
        sa.UniqueConstraint(
            "company_id", "system_key", name=op.f("uq_inventory_location_company_id_system_key")
        ),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_inventory_location_parent_id_name")),
    )
    with op.batch_alter_table("inventory_location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_location_active"), ["active"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_location_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_location_complete_name"), ["complete_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_location_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_location_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_location_parent_path"), ["parent_path"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_location_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "inventory_warehouse_member",
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_warehouse_member_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_warehouse_member_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_warehouse_member_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_warehouse_member_warehouse_id_inventory_warehouse"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_warehouse_member")),
        sa.UniqueConstraint(
            "warehouse_id",
            "user_id",
            name=op.f("uq_inventory_warehouse_member_warehouse_id_user_id"),
        ),
    )
    with op.batch_alter_table("inventory_warehouse_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_warehouse_member_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_warehouse_member_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "inventory_picking",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "receipt", "delivery", "internal", name="pickingtype", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "waiting",
                "ready",
                "done",
                "cancelled",
                name="stockstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum("normal", "urgent", name="priority", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("from_location_id", sa.Integer(), nullable=False),
        sa.Column("to_location_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_date", sa.Date(), nullable=False),
        sa.Column("date_done", core.db.UTCDateTime(), nullable=True),
        sa.Column("origin_model", sa.String(length=64), nullable=True),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("origin_name", sa.String(length=128), nullable=True),
        sa.Column("backorder_of_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=1000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["backorder_of_id"],
            ["inventory_picking.id"],
            name=op.f("fk_inventory_picking_backorder_of_id_inventory_picking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_picking_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_picking_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_location_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_picking_from_location_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners_partner.id"],
            name=op.f("fk_inventory_picking_partner_id_partners_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_location_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_picking_to_location_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_picking_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_picking_warehouse_id_inventory_warehouse"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_picking")),
        sa.UniqueConstraint(
            "company_id", "name", name=op.f("uq_inventory_picking_company_id_name")
        ),
    )
    with op.batch_alter_table("inventory_picking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_backorder_of_id"), ["backorder_of_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_date_done"), ["date_done"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_from_location_id"), ["from_location_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_picking_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_origin_name"), ["origin_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_scheduled_date"), ["scheduled_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_picking_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_to_location_id"), ["to_location_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_picking_type"), ["type"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_picking_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "inventory_lot",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_lot_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_lot_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_lot_product_id_products_product"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_lot_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_lot")),
        sa.UniqueConstraint(
            "company_id",
            "product_id",
            "name",
            name=op.f("uq_inventory_lot_company_id_product_id_name"),
        ),
    )
    with op.batch_alter_table("inventory_lot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_lot_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_lot_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_lot_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "inventory_product_cost",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("value", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("average_cost", core.db.ExactDecimal(precision=18, scale=6), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_product_cost_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_product_cost_product_id_products_product"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_product_cost")),
        sa.UniqueConstraint("product_id", name=op.f("uq_inventory_product_cost_product_id")),
    )
    with op.batch_alter_table("inventory_product_cost", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_product_cost_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "inventory_move",
        sa.Column("picking_id", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("uom_id", sa.Integer(), nullable=False),
        sa.Column("product_qty", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("quantity_done", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("reserved_qty", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("from_location_id", sa.Integer(), nullable=False),
        sa.Column("to_location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "waiting",
                "ready",
                "done",
                "cancelled",
                name="stockstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("planned_date", sa.Date(), nullable=False),
        sa.Column("date_done", core.db.UTCDateTime(), nullable=True),
        sa.Column("origin_model", sa.String(length=64), nullable=True),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("origin_line_id", sa.Integer(), nullable=True),
        sa.Column("origin_name", sa.String(length=128), nullable=True),
        sa.Column("price_unit", core.db.ExactDecimal(precision=18, scale=6), nullable=True),
        sa.Column("value", core.db.ExactDecimal(precision=18, scale=4), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_move_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_move_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_location_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_move_from_location_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["inventory_lot.id"],
            name=op.f("fk_inventory_move_lot_id_inventory_lot"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["picking_id"],
            ["inventory_picking.id"],
            name=op.f("fk_inventory_move_picking_id_inventory_picking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_move_product_id_products_product"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["inventory_move.id"],
            name=op.f("fk_inventory_move_reverses_id_inventory_move"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_location_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_move_to_location_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uom_id"],
            ["products_uom.id"],
            name=op.f("fk_inventory_move_uom_id_products_uom"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_inventory_move_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_move_warehouse_id_inventory_warehouse"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_move")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_inventory_move_reverses_id")),
    )
    with op.batch_alter_table("inventory_move", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_move_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_move_date_done"), ["date_done"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_move_from_location_id"), ["from_location_id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_move_ledger", ["product_id", "state", "date_done"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_move_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_move_picking_id"), ["picking_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_move_planned_date"), ["planned_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_move_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_move_reference"), ["reference"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_move_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_move_to_location_id"), ["to_location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_move_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "inventory_quant",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("lot_key", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("on_hand", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("reserved", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("available", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_inventory_quant_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["inventory_location.id"],
            name=op.f("fk_inventory_quant_location_id_inventory_location"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["inventory_lot.id"],
            name=op.f("fk_inventory_quant_lot_id_inventory_lot"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_inventory_quant_product_id_products_product"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["inventory_warehouse.id"],
            name=op.f("fk_inventory_quant_warehouse_id_inventory_warehouse"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_quant")),
        sa.UniqueConstraint(
            "product_id",
            "location_id",
            "lot_key",
            name=op.f("uq_inventory_quant_product_id_location_id_lot_key"),
        ),
    )
    with op.batch_alter_table("inventory_quant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_quant_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            "ix_inventory_quant_location_product", ["location_id", "product_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inventory_quant_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inventory_quant_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_quant_warehouse_id"), ["warehouse_id"], unique=False
        )

    op.create_table(
        "inventory_reservation",
        sa.Column("move_id", sa.Integer(), nullable=False),
        sa.Column("quant_id", sa.Integer(), nullable=False),
        sa.Column("quantity", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["move_id"],
            ["inventory_move.id"],
            name=op.f("fk_inventory_reservation_move_id_inventory_move"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quant_id"],
            ["inventory_quant.id"],
            name=op.f("fk_inventory_reservation_quant_id_inventory_quant"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_reservation")),
        sa.UniqueConstraint(
            "move_id", "quant_id", name=op.f("uq_inventory_reservation_move_id_quant_id")
        ),
    )
    with op.batch_alter_table("inventory_reservation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inventory_reservation_move_id"), ["move_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inventory_reservation_quant_id"), ["quant_id"], unique=False
        )


def downgrade() -> None:
    # SQLite deletes the rows of a dropped table one by one, checking foreign keys:
    # references within a table (a location's parent, a backorder, a reversal) go first.
    op.execute("UPDATE inventory_location SET parent_id = NULL")
    op.execute("UPDATE inventory_picking SET backorder_of_id = NULL")
    op.execute("UPDATE inventory_move SET reverses_id = NULL")
    with op.batch_alter_table("inventory_reservation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_reservation_quant_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_reservation_move_id"))

    op.drop_table("inventory_reservation")
    with op.batch_alter_table("inventory_quant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_quant_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_quant_product_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_quant_lot_id"))
        batch_op.drop_index("ix_inventory_quant_location_product")
        batch_op.drop_index(batch_op.f("ix_inventory_quant_company_id"))

    op.drop_table("inventory_quant")
    with op.batch_alter_table("inventory_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_move_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_to_location_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_state"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_reference"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_product_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_planned_date"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_picking_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_lot_id"))
        batch_op.drop_index("ix_inventory_move_ledger")
        batch_op.drop_index(batch_op.f("ix_inventory_move_from_location_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_date_done"))
        batch_op.drop_index(batch_op.f("ix_inventory_move_company_id"))

    op.drop_table("inventory_move")
    with op.batch_alter_table("inventory_product_cost", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_product_cost_company_id"))

    op.drop_table("inventory_product_cost")
    with op.batch_alter_table("inventory_lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_lot_product_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_lot_name"))
        batch_op.drop_index(batch_op.f("ix_inventory_lot_company_id"))

    op.drop_table("inventory_lot")
    with op.batch_alter_table("inventory_picking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_picking_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_type"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_to_location_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_state"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_scheduled_date"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_partner_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_origin_name"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_name"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_from_location_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_date_done"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_company_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_picking_backorder_of_id"))

    op.drop_table("inventory_picking")
    with op.batch_alter_table("inventory_warehouse_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_warehouse_member_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_warehouse_member_user_id"))

    op.drop_table("inventory_warehouse_member")
    with op.batch_alter_table("inventory_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_location_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_location_parent_path"))
        batch_op.drop_index(batch_op.f("ix_inventory_location_parent_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_location_kind"))
        batch_op.drop_index(batch_op.f("ix_inventory_location_complete_name"))
        batch_op.drop_index(batch_op.f("ix_inventory_location_company_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_location_active"))

    op.drop_table("inventory_location")
    with op.batch_alter_table("inventory_warehouse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_warehouse_company_id"))
        batch_op.drop_index(batch_op.f("ix_inventory_warehouse_active"))

    op.drop_table("inventory_warehouse")
