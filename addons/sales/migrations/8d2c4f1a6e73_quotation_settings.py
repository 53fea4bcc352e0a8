"""quotation settings: sales_settings.quotation_validity_days and .quotation_terms

Revision ID: 8d2c4f1a6e73
Revises: 3b9e51d7c0a2
Create Date: 2026-11-25 07:00:00

Added in place (``ALTER TABLE ... ADD COLUMN``); existing companies' quotations are valid
for 30 days.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8d2c4f1a6e73"
down_revision: str | None = "3b9e51d7c0a2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sales_settings",
        sa.Column(
            "quotation_validity_days", sa.Integer(), nullable=False, server_default=sa.text("30")
        ),
    )
    op.add_column("sales_settings", sa.Column("quotation_terms", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("sales_settings", "quotation_terms")
    op.drop_column("sales_settings", "quotation_validity_days")
