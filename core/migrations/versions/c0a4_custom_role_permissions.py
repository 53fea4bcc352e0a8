"""custom roles keep their single permissions in their own column

Earlier custom roles listed them among their implied roles as "permission:<name>";
they are moved over, and back on downgrade.

Revision ID: c0a4
Revises: c0a3
Create Date: 2026-11-25 03:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a4"
down_revision: str | None = "c0a3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX = "permission:"
ROLES = sa.table(
    "core_role",
    sa.column("id", sa.Integer()),
    sa.column("implies", sa.JSON()),
    sa.column("permissions", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("core_role", schema=None) as batch_op:
        # NOT NULL with a default: SQLite adds it in place (no table copy).
        batch_op.add_column(
            sa.Column("permissions", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    connection = op.get_bind()
    for row in connection.execute(sa.select(ROLES.c.id, ROLES.c.implies)).all():
        values = [str(v) for v in row.implies or ()]
        connection.execute(
            ROLES.update()
            .where(ROLES.c.id == row.id)
            .values(
                implies=[v for v in values if not v.startswith(PREFIX)],
                permissions=[v.removeprefix(PREFIX) for v in values if v.startswith(PREFIX)],
            )
        )


def downgrade() -> None:
    connection = op.get_bind()
    for row in connection.execute(
        sa.select(ROLES.c.id, ROLES.c.implies, ROLES.c.permissions)
    ).all():
        connection.execute(
            ROLES.update()
            .where(ROLES.c.id == row.id)
            .values(implies=[*(row.implies or ()), *(PREFIX + p for p in row.permissions or ())])
        )
    with op.batch_alter_table("core_role", schema=None) as batch_op:
        batch_op.drop_column("permissions")
