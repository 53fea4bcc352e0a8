"""delta tables"""

import sqlalchemy as sa
from alembic import op

import core.db

revision = "d1"
down_revision = None
branch_labels = ("delta",)
depends_on = None


def _record_columns():
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.Column(
            "created_by_id", sa.Integer(), sa.ForeignKey("core_user.id", ondelete="SET NULL")
        ),
        sa.Column(
            "updated_by_id", sa.Integer(), sa.ForeignKey("core_user.id", ondelete="SET NULL")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "delta_task",
        *_record_columns(),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("code", sa.String(64), unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("core_user.id")),
        sa.Column("amount", core.db.ExactDecimal(18, 2), nullable=False),
        sa.Column("hours", core.db.ExactDecimal(18, 4), nullable=False),
        sa.Column("due_date", sa.Date()),
        sa.Column("reason", sa.String(255)),
        sa.Column("active", sa.Boolean(), nullable=False, index=True),
        sa.Column(
            "company_id",
            sa.Integer(),
            sa.ForeignKey("core_company.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        ),
    )
    op.create_table(
        "delta_line",
        *_record_columns(),
        sa.Column(
            "task_id",
            sa.Integer(),
            sa.ForeignKey("delta_task.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.String(255), nullable=False),
        sa.Column("quantity", core.db.ExactDecimal(18, 4), nullable=False),
        sa.Column("price", core.db.ExactDecimal(18, 2), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("delta_line")
    op.drop_table("delta_task")
