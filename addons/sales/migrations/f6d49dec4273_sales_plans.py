"""sales plans

Revision ID: f6d49dec4273
Revises: cf578c266bdf
Create Date: 2026-11-25 03:59:14.002277
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "f6d49dec4273"
down_revision: str | None = "cf578c266bdf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sales_plan",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "period",
            sa.Enum("year", "quarter", "month", name="planperiod", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "approved",
                "revised",
                "closed",
                name="planstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("strategy", sa.Text(), nullable=True),
        sa.Column("approved_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("amount_target", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("budget_total", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
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
            name=op.f("fk_sales_plan_approved_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_sales_plan_company_id_core_company"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_plan_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["sales_plan.id"],
            name=op.f("fk_sales_plan_previous_id_sales_plan"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_plan_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_plan")),
    )
    with op.batch_alter_table("sales_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_plan_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_plan_date_from"), ["date_from"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_plan_date_to"), ["date_to"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_plan_previous_id"), ["previous_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_plan_state"), ["state"], unique=False)

    op.create_table(
        "sales_plan_budget",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "advertising",
                "promotion",
                "exhibitions",
                "travel",
                "commissions",
                "samples",
                "other",
                name="budgetcategory",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("amount", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("spent", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_plan_budget_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["sales_plan.id"],
            name=op.f("fk_sales_plan_budget_plan_id_sales_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_plan_budget_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_plan_budget")),
    )
    with op.batch_alter_table("sales_plan_budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_plan_budget_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "sales_plan_target",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "dimension",
            sa.Enum(
                "company",
                "salesperson",
                "team",
                "customer_group",
                "product_category",
                "channel",
                name="targetdimension",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("salesperson_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("customer_group_id", sa.Integer(), nullable=True),
        sa.Column("product_category_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("amount", core.db.ExactDecimal(precision=18, scale=2), nullable=False),
        sa.Column("quantity", core.db.ExactDecimal(precision=18, scale=4), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["sales_channel.id"],
            name=op.f("fk_sales_plan_target_channel_id_sales_channel"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_plan_target_created_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_group_id"],
            ["partners_group.id"],
            name=op.f("fk_sales_plan_target_customer_group_id_partners_group"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["sales_plan.id"],
            name=op.f("fk_sales_plan_target_plan_id_sales_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_category_id"],
            ["products_category.id"],
            name=op.f("fk_sales_plan_target_product_category_id_products_category"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_id"],
            ["core_user.id"],
            name=op.f("fk_sales_plan_target_salesperson_id_core_user"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["sales_team.id"],
            name=op.f("fk_sales_plan_target_team_id_sales_team"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["core_user.id"],
            name=op.f("fk_sales_plan_target_updated_by_id_core_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_plan_target")),
    )
    with op.batch_alter_table("sales_plan_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_plan_target_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sales_plan_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plan_target_plan_id"))

    op.drop_table("sales_plan_target")
    with op.batch_alter_table("sales_plan_budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plan_budget_plan_id"))

    op.drop_table("sales_plan_budget")
    with op.batch_alter_table("sales_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plan_state"))
        batch_op.drop_index(batch_op.f("ix_sales_plan_previous_id"))
        batch_op.drop_index(batch_op.f("ix_sales_plan_date_to"))
        batch_op.drop_index(batch_op.f("ix_sales_plan_date_from"))
        batch_op.drop_index(batch_op.f("ix_sales_plan_company_id"))

    op.drop_table("sales_plan")
