"""returns: inventory_picking.return_of_id

Revision ID: 5c74299039e1
Revises: a4ccb9371f26
Create Date: 2026-11-25 03:59:29.620992

A plain column and index, added in place on both engines (``ALTER TABLE ... ADD COLUMN``).
Alembic's batch mode would copy ``inventory_picking`` on SQLite and drop the old copy,
and with foreign keys on that drop deletes every move (``ON DELETE CASCADE``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c74299039e1"
down_revision: str | None = "a4ccb9371f26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inventory_picking", sa.Column("return_of_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_inventory_picking_return_of_id", "inventory_picking", ["return_of_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_inventory_picking_return_of_id", table_name="inventory_picking")
    op.drop_column("inventory_picking", "return_of_id")
