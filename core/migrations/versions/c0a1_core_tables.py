"""core tables: companies, users, modules, registry generation, sequences

Revision ID: c0a1
Revises:
Create Date: 2026-11-25 00:19:34.748209
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "c0a1"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("core",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_company",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tax_id", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_company")),
        sa.UniqueConstraint("code", name=op.f("uq_core_company_code")),
    )
    with op.batch_alter_table("core_company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_company_active"), ["active"], unique=False)

    op.create_table(
        "core_module",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "available",
                "installed",
                "to_upgrade",
                "to_remove",
                name="modulestate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("installed_version", sa.String(length=20), nullable=True),
        sa.Column("installed_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_module")),
        sa.UniqueConstraint("name", name=op.f("uq_core_module_name")),
    )
    op.create_table(
        "core_registry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("changed_at", core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_registry")),
    )
    op.create_table(
        "core_sequence",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("addon", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("padding", sa.Integer(), nullable=False),
        sa.Column("next_number", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_sequence")),
        sa.UniqueConstraint("code", name=op.f("uq_core_sequence_code")),
    )
    with op.batch_alter_table("core_sequence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_sequence_addon"), ["addon"], unique=False)

    op.create_table(
        "core_user",
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_superuser", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("last_login_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_core_user_company_id_core_company"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_user")),
        sa.UniqueConstraint("login", name=op.f("uq_core_user_login")),
    )
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_user_active"), ["active"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_user_active"))

    op.drop_table("core_user")
    with op.batch_alter_table("core_sequence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_sequence_addon"))

    op.drop_table("core_sequence")
    op.drop_table("core_registry")
    op.drop_table("core_module")
    with op.batch_alter_table("core_company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_company_active"))

    op.drop_table("core_company")
