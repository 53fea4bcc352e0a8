"""Security tables: roles and their assignment, companies a user may act for, server-side
sessions, API tokens, two-factor recovery codes, login attempts, password history, audit.

Roles declared by addons live in code (``core_register_roles``); this stores custom roles
an administrator combines from them, and which user holds which role, by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin, Name, TimestampMixin, utcnow


class CustomRole(IdMixin, TimestampMixin, Base):
    """A role an administrator made by combining other roles and single permissions
    (``custom.<slug>``)."""

    __tablename__ = "core_role"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[Name]
    description: Mapped[str | None] = mapped_column(Text)
    implies: Mapped[list] = mapped_column(JSON, default=list)
    permissions: Mapped[list] = mapped_column(JSON, default=list)


class UserRole(Base):
    """``user_id`` holds the role named ``role`` (an addon's role or a custom one)."""

    __tablename__ = "core_user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(80), primary_key=True)


class UserCompany(Base):
    """The companies a user may work for (the user's own company is always one)."""

    __tablename__ = "core_user_company"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("core_company.id", ondelete="CASCADE"), primary_key=True
    )


class UserSession(Base):
    """A browser session kept on the server: revocable, with idle and absolute expiry.

    ``id`` is the SHA-256 of the random session key the cookie carries, so a copy of
    this table does not let anyone in.
    """

    __tablename__ = "core_session"
    __table_args__ = (Index("ix_core_session_user_id_revoked_at", "user_id", "revoked_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    second_factor_done: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]


class ApiToken(IdMixin, Base):
    """A personal API token; only its SHA-256 is stored, its prefix shown to tell it apart."""

    __tablename__ = "core_api_token"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class RecoveryCode(IdMixin, Base):
    """A one-time two-factor recovery code (hashed)."""

    __tablename__ = "core_recovery_code"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None]


class LoginAttempt(IdMixin, Base):
    """A failed login, per account and per client address, for throttling without Redis."""

    __tablename__ = "core_login_attempt"
    __table_args__ = (Index("ix_core_login_attempt_key_at", "key", "at"),)

    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PasswordHistory(IdMixin, Base):
    """Earlier password hashes, for the compliance profile's reuse rule."""

    __tablename__ = "core_password_history"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One entry of the audit log, chained to the previous one by its hash.

    ``hash`` covers this entry's fields and ``prev_hash``: editing, reordering or
    cutting the log breaks the chain (``tessera audit verify``).
    """

    __tablename__ = "core_audit"
    __table_args__ = (
        Index("ix_core_audit_at", "at"),
        Index("ix_core_audit_resource_record_id", "resource", "record_id"),
        Index("ix_core_audit_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer)
    login: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    event: Mapped[str] = mapped_column(String(32))
    resource: Mapped[str | None] = mapped_column(String(80))
    record_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16))
