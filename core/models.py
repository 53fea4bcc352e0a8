"""Core's own tables: companies, installed modules, the registry generation, sequences,
system settings, saved filters and list preferences, API idempotency keys.

Users live in :mod:`core.security.users`; both belong to the Alembic branch ``core``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import ActiveMixin, Base, Code, IdMixin, Name, TimestampMixin, utcnow
from core.i18n import lazy_gettext as _l
from core.security import models as security_models  # noqa: F401  (security tables)
from core.security.users import User  # noqa: F401  (registers core_user in the metadata)

MSG_NO_SEQUENCE = _l("there is no numbering sequence %(code)s: is its addon installed?")


class ModuleState(enum.StrEnum):
    AVAILABLE = "available"
    INSTALLED = "installed"
    TO_UPGRADE = "to_upgrade"
    TO_REMOVE = "to_remove"


class Company(IdMixin, TimestampMixin, ActiveMixin, Base):
    __tablename__ = "core_company"
    __resource__ = "core.company"

    name: Mapped[Name]
    code: Mapped[Code] = mapped_column(unique=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    tax_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))


class Module(IdMixin, TimestampMixin, Base):
    """One row per addon the database has heard of, with its lifecycle state."""

    __tablename__ = "core_module"

    name: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[ModuleState] = mapped_column(
        Enum(
            ModuleState,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ModuleState.AVAILABLE,
    )
    installed_version: Mapped[str | None] = mapped_column(String(20))
    installed_at: Mapped[datetime | None]
    demo: Mapped[bool] = mapped_column(default=False)


class Registry(Base):
    """A single row whose generation grows on every install, upgrade and uninstall.

    Each worker compares it with the generation it loaded at the start of a request
    and rebuilds its plugin manager when they differ.
    """

    __tablename__ = "core_registry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Sequence(IdMixin, Base):
    """A numbering sequence; :func:`next_code` hands out numbers without gaps or doubles."""

    __tablename__ = "core_sequence"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    addon: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[Name]
    prefix: Mapped[str] = mapped_column(String(32), default="")
    padding: Mapped[int] = mapped_column(default=5)
    next_number: Mapped[int] = mapped_column(default=1)


def current_generation(session: Session) -> int:
    return session.scalar(select(Registry.generation).where(Registry.id == 1)) or 0


def bump_generation(session: Session) -> int:
    session.execute(
        update(Registry)
        .where(Registry.id == 1)
        .values(generation=Registry.generation + 1, changed_at=utcnow())
    )
    return current_generation(session)


def next_code(session: Session, code: str) -> str:
    """The next formatted number of sequence ``code``, e.g. ``C00042``.

    An UPDATE ... RETURNING increments the counter and locks the row in one
    statement, so concurrent transactions never get the same number.
    """
    row = session.execute(
        update(Sequence)
        .where(Sequence.code == code)
        .values(next_number=Sequence.next_number + 1)
        .returning(Sequence.next_number, Sequence.prefix, Sequence.padding)
    ).one_or_none()
    if row is None:
        raise LookupError(str(MSG_NO_SEQUENCE) % {"code": code})
    number = row.next_number - 1
    today = utcnow()
    prefix = row.prefix % {"year": today.year, "month": f"{today.month:02d}"}
    return f"{prefix}{number:0{row.padding}d}"


class Setting(Base):
    """One system setting (``system_name``, ``default_language``...), its value as JSON.

    Audited like any record; read through :func:`core.settings.get_setting`.
    """

    __tablename__ = "core_setting"
    __resource__ = "core.settings"
    __audit_resource__ = "core.settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[object | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SavedFilter(IdMixin, TimestampMixin, Base):
    """A list's search, filters, grouping and columns saved under a name, for its owner
    or shared with everyone who may open the list; pivots and graphs saved as reports."""

    __tablename__ = "core_saved_filter"
    __table_args__ = (UniqueConstraint("user_id", "view", "kind", "name"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    view: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="list")  # list, pivot, graph
    name: Mapped[str] = mapped_column(String(80))
    shared: Mapped[bool] = mapped_column(default=False)
    params: Mapped[dict] = mapped_column(JSON, default=dict)


class ViewPreference(Base):
    """A user's choice of list columns for one view."""

    __tablename__ = "core_view_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True
    )
    view: Mapped[str] = mapped_column(String(80), primary_key=True)
    columns: Mapped[list] = mapped_column(JSON, default=list)


class IdempotencyKey(IdMixin, Base):
    """The stored answer to an API POST sent with an ``Idempotency-Key`` header.

    The same key with the same body gets the same answer again without a second write;
    the same key with another body is refused. Kept for a day (hourly housekeeping).
    """

    __tablename__ = "core_idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
