"""partners tables

Revision ID: 53c3f8b43804
Revises:
Create Date: 2026-11-25 00:28:09.459953
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "53c3f8b43804"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("partners",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partners_group",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("full_name", sa.String(length=1024), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_group_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["partners_group.id"],
            name=op.f("fk_partners_group_parent_id_partners_group"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_group_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_group")),
    )
    with op.batch_alter_table("partners_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_group_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "partners_tag",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("color", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_tag_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_tag_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_partners_tag_name")),
    )
    op.create_table(
        "partners_partner",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("company", "person", name="partnerkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("is_customer", sa.Boolean(), nullable=False),
        sa.Column("is_supplier", sa.Boolean(), nullable=False),
        sa.Column("is_carrier", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("mobile", sa.String(length=64), nullable=True),
        sa.Column("website", sa.String(length=255), nullable=True),
        sa.Column("tax_id", sa.String(length=64), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("salesperson_id", sa.Integer(), nullable=True),
        sa.Column("credit_limit", core.db.ExactDecimal(precision=18, scale=2), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
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
            name=op.f("fk_partners_partner_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_partner_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["partners_group.id"],
            name=op.f("fk_partners_partner_group_id_partners_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["partners_partner.id"],
            name=op.f("fk_partners_partner_parent_id_partners_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_id"],
            ["core_user.id"],
            name=op.f("fk_partners_partner_salesperson_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_partner_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_partner")),
        sa.UniqueConstraint("code", name=op.f("uq_partners_partner_code")),
    )
    with op.batch_alter_table("partners_partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_partner_active"), ["active"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_partners_partner_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partners_partner_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_partners_partner_mobile"), ["mobile"], unique=False)
        batch_op.create_index(batch_op.f("ix_partners_partner_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_partners_partner_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_partners_partner_phone"), ["phone"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_partners_partner_salesperson_id"), ["salesperson_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_partners_partner_tax_id"), ["tax_id"], unique=False)

    op.create_table(
        "partners_address",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "invoice", "delivery", "other", name="addresskind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("contact_name", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("street", sa.String(length=255), nullable=False),
        sa.Column("street2", sa.String(length=255), nullable=True),
        sa.Column("district", sa.String(length=128), nullable=True),
        sa.Column("city", sa.String(length=128), nullable=True),
        sa.Column("province", sa.String(length=128), nullable=True),
        sa.Column("zip", sa.String(length=20), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_address_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners_partner.id"],
            name=op.f("fk_partners_address_partner_id_partners_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_address_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_address")),
    )
    with op.batch_alter_table("partners_address", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_address_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "partners_bank_account",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("bank_name", sa.String(length=255), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=True),
        sa.Column("account_number", sa.String(length=64), nullable=False),
        sa.Column("holder_name", sa.String(length=255), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_bank_account_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners_partner.id"],
            name=op.f("fk_partners_bank_account_partner_id_partners_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_partners_bank_account_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners_bank_account")),
    )
    with op.batch_alter_table("partners_bank_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_bank_account_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "partners_partner_tag",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners_partner.id"],
            name=op.f("fk_partners_partner_tag_partner_id_partners_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["partners_tag.id"],
            name=op.f("fk_partners_partner_tag_tag_id_partners_tag"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "tag_id", name=op.f("pk_partners_partner_tag")),
    )
    with op.batch_alter_table("partners_partner_tag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_partner_tag_tag_id"), ["tag_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partners_partner_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_partner_tag_tag_id"))

    op.drop_table("partners_partner_tag")
    with op.batch_alter_table("partners_bank_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_bank_account_partner_id"))

    op.drop_table("partners_bank_account")
    with op.batch_alter_table("partners_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_address_partner_id"))

    op.drop_table("partners_address")
    with op.batch_alter_table("partners_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_partner_tax_id"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_salesperson_id"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_phone"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_parent_id"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_name"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_mobile"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_group_id"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_company_id"))
        batch_op.drop_index(batch_op.f("ix_partners_partner_active"))

    op.drop_table("partners_partner")
    op.drop_table("partners_tag")
    with op.batch_alter_table("partners_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_group_parent_id"))

    op.drop_table("partners_group")
