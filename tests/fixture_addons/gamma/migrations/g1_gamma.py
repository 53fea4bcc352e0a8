"""gamma tables"""

import sqlalchemy as sa
from alembic import op

revision = "g1"
down_revision = None
branch_labels = ("gamma",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gamma_doc",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("core_user.id"), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("core_company.id"), nullable=False),
    )
    op.create_table(
        "gamma_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("doc_id", sa.Integer(), sa.ForeignKey("gamma_doc.id", ondelete="CASCADE")),
        sa.Column("text", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gamma_line")
    op.drop_table("gamma_doc")
