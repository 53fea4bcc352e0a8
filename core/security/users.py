"""Users of Tessera: login, name, password hash, language, time zone, company."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import ActiveMixin, Base, IdMixin, Name, TimestampMixin
from core.security.crypto import EncryptedText


class User(IdMixin, TimestampMixin, ActiveMixin, Base):
    __tablename__ = "core_user"
    __resource__ = "core.user"
    # Anyone may pick a colleague (salesperson, owner) by name in a reference field.
    __pickable__ = True

    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Name]
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255), info={"sensitive": True})
    is_superuser: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("core_company.id", ondelete="SET NULL")
    )
    # Logins have their own audit event; the timestamp is not a change worth a second entry.
    last_login_at: Mapped[datetime | None] = mapped_column(info={"audit": False})
    password_changed_at: Mapped[datetime | None]
    # Two-factor login: the TOTP secret is encrypted at rest (core.security.crypto).
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText(), info={"sensitive": True})
    totp_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
