"""order lines carry their order's date and state; orders store the amount due

Revision ID: 3b9e51d7c0a2
Revises: 67e02d0baf30
Create Date: 2026-11-25 06:00:00

``sales_order_line.order_date`` and ``.state`` (copied from the order by the services, so
lines are charted by period and state without a join) and ``sales_order.amount_due``
(total - paid, so lists and dashboards sum it), each added in place (``ALTER TABLE ...
ADD COLUMN``: a batch copy on SQLite would drop the old tables and cascade) and filled
from the orders.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "3b9e51d7c0a2"
down_revision: str | None = "67e02d0baf30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("draft", "sent", "hold", "confirmed", "done", "cancelled")


def upgrade() -> None:
    op.add_column(
        "sales_order",
        sa.Column(
            "amount_due",
            core.db.ExactDecimal(precision=18, scale=2),
            nullable=False,
            server_default=sa.text("0"),
        ),
    )
    op.add_column("sales_order_line", sa.Column("order_date", sa.Date(), nullable=True))
    op.add_column(
        "sales_order_line",
        sa.Column(
            "state",
            sa.Enum(*STATES, name="orderstate", native_enum=False, length=20),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_sales_order_line_order_date", "sales_order_line", ["order_date"], unique=False
    )
    # Both amounts are in the same unit on either engine (scaled integers on SQLite).
    op.execute("UPDATE sales_order SET amount_due = amount_total - amount_paid")
    op.execute(
        "UPDATE sales_order_line SET "
        "order_date = (SELECT o.order_date FROM sales_order o WHERE o.id = order_id), "
        "state = (SELECT o.state FROM sales_order o WHERE o.id = order_id)"
    )


def downgrade() -> None:
    op.drop_index("ix_sales_order_line_order_date", table_name="sales_order_line")
    op.drop_column("sales_order_line", "state")
    op.drop_column("sales_order_line", "order_date")
    op.drop_column("sales_order", "amount_due")
