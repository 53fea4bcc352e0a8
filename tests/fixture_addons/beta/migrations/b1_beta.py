"""beta tables"""

import sqlalchemy as sa
from alembic import op

revision = "b1"
down_revision = None
branch_labels = ("beta",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beta_note",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=255), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["alpha_item.id"],
            name=op.f("fk_beta_note_item_id_alpha_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beta_note")),
    )


def downgrade() -> None:
    op.drop_table("beta_note")
