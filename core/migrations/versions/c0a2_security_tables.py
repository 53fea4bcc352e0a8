"""security tables: roles, user companies, sessions, API tokens, recovery codes,
login attempts, password history, audit log; two-factor columns on users

Revision ID: c0a2
Revises: c0a1
Create Date: 2026-11-25 01:00:55.360972
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "c0a2"
down_revision: str | None = "c0a1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("login", sa.String(length=64), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("resource", sa.String(length=80), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_audit")),
        sa.UniqueConstraint("hash", name=op.f("uq_core_audit_hash")),
    )
    with op.batch_alter_table("core_audit", schema=None) as batch_op:
        batch_op.create_index("ix_core_audit_at", ["at"], unique=False)
        batch_op.create_index(
            "ix_core_audit_resource_record_id", ["resource", "record_id"], unique=False
        )
        batch_op.create_index("ix_core_audit_user_id_at", ["user_id", "at"], unique=False)

    op.create_table(
        "core_login_attempt",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("at", core.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_login_attempt")),
    )
    with op.batch_alter_table("core_login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_core_login_attempt_key_at", ["key", "at"], unique=False)

    op.create_table(
        "core_role",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("implies", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_role")),
        sa.UniqueConstraint("name", name=op.f("uq_core_role_name")),
    )
    op.create_table(
        "core_api_token",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("last_used_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_api_token_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_core_api_token_token_hash")),
    )
    with op.batch_alter_table("core_api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_core_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "core_password_history",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_password_history_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_password_history")),
    )
    with op.batch_alter_table("core_password_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_core_password_history_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "core_recovery_code",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("used_at", core.db.UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_recovery_code_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_recovery_code")),
    )
    with op.batch_alter_table("core_recovery_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_core_recovery_code_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "core_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", core.db.UTCDateTime(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.Column("second_factor_done", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_session_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_session")),
    )
    with op.batch_alter_table("core_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_core_session_user_id_revoked_at", ["user_id", "revoked_at"], unique=False
        )

    op.create_table(
        "core_user_company",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["core_company.id"],
            name=op.f("fk_core_user_company_company_id_core_company"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_user_company_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "company_id", name=op.f("pk_core_user_company")),
    )
    op.create_table(
        "core_user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core_user.id"],
            name=op.f("fk_core_user_role_user_id_core_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_core_user_role")),
    )
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_changed_at", core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_secret", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("core_user", schema=None) as batch_op:
        batch_op.drop_column("totp_enabled")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("password_changed_at")

    op.drop_table("core_user_role")
    op.drop_table("core_user_company")
    with op.batch_alter_table("core_session", schema=None) as batch_op:
        batch_op.drop_index("ix_core_session_user_id_revoked_at")

    op.drop_table("core_session")
    with op.batch_alter_table("core_recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_recovery_code_user_id"))

    op.drop_table("core_recovery_code")
    with op.batch_alter_table("core_password_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_password_history_user_id"))

    op.drop_table("core_password_history")
    with op.batch_alter_table("core_api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_api_token_user_id"))

    op.drop_table("core_api_token")
    op.drop_table("core_role")
    with op.batch_alter_table("core_login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_core_login_attempt_key_at")

    op.drop_table("core_login_attempt")
    with op.batch_alter_table("core_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_core_audit_user_id_at")
        batch_op.drop_index("ix_core_audit_resource_record_id")
        batch_op.drop_index("ix_core_audit_at")

    op.drop_table("core_audit")
