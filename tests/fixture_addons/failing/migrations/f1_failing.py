"""failing tables"""

import sqlalchemy as sa
from alembic import op

revision = "f1"
down_revision = None
branch_labels = ("failing",)
depends_on = None


def upgrade() -> None:
    op.create_table("failing_thing", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO failing_thing (id) VALUES (1)")
    raise RuntimeError("half-way failure")


def downgrade() -> None:
    op.drop_table("failing_thing")
