"""sales tables

Revision ID: cf578c266bdf
Revises:
Create Date: 2026-11-25 03:13:03.339541
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "cf578c266bdf"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("sales",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sales_channel",
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
            name=op.f("fk_sales_channel_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_channel_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_channel")),
        sa.UniqueConstraint("code", name=op.f("uq_sales_channel_code")),
    )
    with op.batch_alter_table("sales_channel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_channel_active"), ["active"], unique=False)

    op.create_table(
        "sales_settings",
        sa.Column(
            "credit_mode",
            sa.Enum("block", "warn", "off", name="creditmode", native_enum=False, length=20),
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
            name=op.f("fk_sales_settings_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_settings_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_settings_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_settings")),
        sa.UniqueConstraint("company_id", name=op.f("uq_sales_settings_company_id")),
    )
    with op.batch_alter_table("sales_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_settings_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "sales_team",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
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
            name=op.f("fk_sales_team_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_team_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["core_user.id"],
            name=op.f("fk_sales_team_leader_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_team_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_team")),
    )
    with op.batch_alter_table("sales_team", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_team_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_team_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_team_leader_id"), ["leader_id"], unique=False)

    op.create_table(
        "sales_team_member",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_team_member_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["sales_team.id"],
            name=op.f("fk_sales_team_member_team_id_sales_team"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_team_member_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_sales_team_member_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_team_member")),
        sa.UniqueConstraint(
            "team_id", "user_id", name=op.f("uq_sales_team_member_team_id_user_id")
        ),
    )
    with op.batch_alter_table("sales_team_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_team_member_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_team_member_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sales_order",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("salesperson_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("client_reference", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "sent",
                "hold",
                "confirmed",
                "done",
                "cancelled",
                name="orderstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "delivery_status",
            sa.Enum(
                "undelivered",
                "partly_delivered",
                "delivered",
                name="deliverystatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "payment_status",
            sa.Enum(
                "unpaid", "partly_paid", "paid", name="paymentstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("amount_untaxed", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("amount_tax", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("amount_total", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("amount_paid", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("confirmed_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=1000), nullable=True),
        sa.Column("duplicated_from_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["sales_channel.id"],
            name=op.f("fk_sales_order_channel_id_sales_channel"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_sales_order_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_order_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["partners_partner.id"],
            name=op.f("fk_sales_order_customer_id_partners_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["duplicated_from_id"],
            ["sales_order.id"],
            name=op.f("fk_sales_order_duplicated_from_id_sales_order"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_id"],
            ["core_user.id"],
            name=op.f("fk_sales_order_salesperson_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["sales_team.id"],
            name=op.f("fk_sales_order_team_id_sales_team"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_order_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order")),
        sa.UniqueConstraint("company_id", "name", name=op.f("uq_sales_order_company_id_name")),
    )
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_order_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_order_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_order_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_order_delivery_status"), ["delivery_status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_order_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_order_order_date"), ["order_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_order_payment_status"), ["payment_status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_order_salesperson_id"), ["salesperson_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_order_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_order_team_id"), ["team_id"], unique=False)

    op.create_table(
        "sales_payment",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "bank_transfer",
                "cash",
                "cheque",
                "card",
                "alipay",
                "wechat_pay",
                "other",
                name="paymentmethod",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("amount", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "state",
            sa.Enum("posted", "cancelled", name="paymentstate", native_enum=False, length=20),
            nullable=False,
        ),
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
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_sales_payment_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_payment_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["partners_partner.id"],
            name=op.f("fk_sales_payment_customer_id_partners_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_payment_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_payment")),
        sa.UniqueConstraint("company_id", "name", name=op.f("uq_sales_payment_company_id_name")),
    )
    with op.batch_alter_table("sales_payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_payment_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_payment_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_payment_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_payment_payment_date"), ["payment_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_payment_state"), ["state"], unique=False)

    op.create_table(
        "sales_order_event",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column(
            "track",
            sa.Enum(
                "processing", "delivery", "payment", name="track", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("from_value", sa.String(length=20), nullable=True),
        sa.Column("to_value", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_order_event_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["sales_order.id"],
            name=op.f("fk_sales_order_event_order_id_sales_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_order_event_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order_event")),
    )
    with op.batch_alter_table("sales_order_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_order_event_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_order_event_track"), ["track"], unique=False)

    op.create_table(
        "sales_order_line",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("quantity", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("uom_id", sa.Integer(), nullable=False),
        sa.Column("product_qty", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("price_unit", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("discount", core.db.ExactDecimal(precision=5, scale=2), nullable=False),
        sa.Column("tax_rate", core.db.ExactDecimal(precision=12, scale=6), nullable=False),
        sa.Column("subtotal", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("tax", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("total", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("qty_delivered", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_order_line_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["sales_order.id"],
            name=op.f("fk_sales_order_line_order_id_sales_order"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products_product.id"],
            name=op.f("fk_sales_order_line_product_id_products_product"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uom_id"],
            ["products_uom.id"],
            name=op.f("fk_sales_order_line_uom_id_products_uom"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_order_line_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order_line")),
    )
    with op.batch_alter_table("sales_order_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_order_line_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_order_line_product_id"), ["product_id"], unique=False
        )

    op.create_table(
        "sales_payment_allocation",
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amount", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_payment_allocation_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["sales_order.id"],
            name=op.f("fk_sales_payment_allocation_order_id_sales_order"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["sales_payment.id"],
            name=op.f("fk_sales_payment_allocation_payment_id_sales_payment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_payment_allocation_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_payment_allocation")),
    )
    with op.batch_alter_table("sales_payment_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_payment_allocation_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_payment_allocation_payment_id"), ["payment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sales_payment_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_payment_allocation_payment_id"))
        batch_op.drop_index(batch_op.f("ix_sales_payment_allocation_order_id"))

    op.drop_table("sales_payment_allocation")
    with op.batch_alter_table("sales_order_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_line_product_id"))
        batch_op.drop_index(batch_op.f("ix_sales_order_line_order_id"))

    op.drop_table("sales_order_line")
    with op.batch_alter_table("sales_order_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_event_track"))
        batch_op.drop_index(batch_op.f("ix_sales_order_event_order_id"))

    op.drop_table("sales_order_event")
    with op.batch_alter_table("sales_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_payment_state"))
        batch_op.drop_index(batch_op.f("ix_sales_payment_payment_date"))
        batch_op.drop_index(batch_op.f("ix_sales_payment_name"))
        batch_op.drop_index(batch_op.f("ix_sales_payment_customer_id"))
        batch_op.drop_index(batch_op.f("ix_sales_payment_company_id"))

    op.drop_table("sales_payment")
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_team_id"))
        batch_op.drop_index(batch_op.f("ix_sales_order_state"))
        batch_op.drop_index(batch_op.f("ix_sales_order_salesperson_id"))
        batch_op.drop_index(batch_op.f("ix_sales_order_payment_status"))
        batch_op.drop_index(batch_op.f("ix_sales_order_order_date"))
        batch_op.drop_index(batch_op.f("ix_sales_order_name"))
        batch_op.drop_index(batch_op.f("ix_sales_order_delivery_status"))
        batch_op.drop_index(batch_op.f("ix_sales_order_customer_id"))
        batch_op.drop_index(batch_op.f("ix_sales_order_company_id"))
        batch_op.drop_index(batch_op.f("ix_sales_order_channel_id"))

    op.drop_table("sales_order")
    with op.batch_alter_table("sales_team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_team_member_user_id"))
        batch_op.drop_index(batch_op.f("ix_sales_team_member_team_id"))

    op.drop_table("sales_team_member")
    with op.batch_alter_table("sales_team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_team_leader_id"))
        batch_op.drop_index(batch_op.f("ix_sales_team_company_id"))
        batch_op.drop_index(batch_op.f("ix_sales_team_active"))

    op.drop_table("sales_team")
    with op.batch_alter_table("sales_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_settings_company_id"))

    op.drop_table("sales_settings")
    with op.batch_alter_table("sales_channel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_channel_active"))

    op.drop_table("sales_channel")
