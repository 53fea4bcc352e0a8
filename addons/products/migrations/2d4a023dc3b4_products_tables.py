"""products tables

Revision ID: 2d4a023dc3b4
Revises:
Create Date: 2026-11-25 00:28:23.363015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "2d4a023dc3b4"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("products",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "products_category",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("complete_name", sa.String(length=1024), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_category_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["products_category.id"],
            name=op.f("fk_products_category_parent_id_products_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_category_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products_category")),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_products_category_parent_id_name")),
    )
    with op.batch_alter_table("products_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_products_category_complete_name"), ["complete_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_products_category_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "products_uom_category",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_uom_category_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_uom_category_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products_uom_category")),
        sa.UniqueConstraint("code", name=op.f("uq_products_uom_category_code")),
        sa.UniqueConstraint("name", name=op.f("uq_products_uom_category_name")),
    )
    op.create_table(
        "products_uom",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("reference", "bigger", "smaller", name="uomkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("factor", core.db.ExactDecimal(precision=12, scale=6), nullable=False),
        sa.Column("rounding", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["products_uom_category.id"],
            name=op.f("fk_products_uom_category_id_products_uom_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_uom_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_uom_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products_uom")),
        sa.UniqueConstraint("category_id", "name", name=op.f("uq_products_uom_category_id_name")),
        sa.UniqueConstraint("code", name=op.f("uq_products_uom_code")),
    )
    with op.batch_alter_table("products_uom", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_uom_active"), ["active"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_products_uom_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "products_product",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("barcode", sa.String(length=48), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "goods", "consumable", "service", name="producttype", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("uom_id", sa.Integer(), nullable=False),
        sa.Column("purchase_uom_id", sa.Integer(), nullable=False),
        sa.Column("sale_price", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("cost", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("tax_rate", core.db.ExactDecimal(precision=12, scale=6), nullable=False),
        sa.Column("weight", core.db.ExactDecimal(precision=18, scale=4), nullable=False),
        sa.Column("volume", core.db.ExactDecimal(precision=18, scale=6), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["products_category.id"],
            name=op.f("fk_products_product_category_id_products_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_products_product_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_product_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["purchase_uom_id"],
            ["products_uom.id"],
            name=op.f("fk_products_product_purchase_uom_id_products_uom"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uom_id"],
            ["products_uom.id"],
            name=op.f("fk_products_product_uom_id_products_uom"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_products_product_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products_product")),
        sa.UniqueConstraint(
            "company_id", "barcode", name=op.f("uq_products_product_company_id_barcode")
        ),
        sa.UniqueConstraint("company_id", "code", name=op.f("uq_products_product_company_id_code")),
    )
    with op.batch_alter_table("products_product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_product_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_products_product_barcode"), ["barcode"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_products_product_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_products_product_code"), ["code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_products_product_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_products_product_name"), ["name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("products_product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_product_name"))
        batch_op.drop_index(batch_op.f("ix_products_product_company_id"))
        batch_op.drop_index(batch_op.f("ix_products_product_code"))
        batch_op.drop_index(batch_op.f("ix_products_product_category_id"))
        batch_op.drop_index(batch_op.f("ix_products_product_barcode"))
        batch_op.drop_index(batch_op.f("ix_products_product_active"))

    op.drop_table("products_product")
    with op.batch_alter_table("products_uom", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_uom_category_id"))
        batch_op.drop_index(batch_op.f("ix_products_uom_active"))

    op.drop_table("products_uom")
    op.drop_table("products_uom_category")
    with op.batch_alter_table("products_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_category_parent_id"))
        batch_op.drop_index(batch_op.f("ix_products_category_complete_name"))

    op.drop_table("products_category")
