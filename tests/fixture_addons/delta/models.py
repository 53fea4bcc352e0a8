"""delta's tasks (company-owned, archivable, with a stage) and their lines."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import ActiveMixin, Base, CompanyMixin, Money, Name, Quantity, RecordMixin


class TaskState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


def _enum(kind, length=16):
    return Enum(
        kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class DeltaTask(RecordMixin, ActiveMixin, CompanyMixin, Base):
    __tablename__ = "delta_task"
    __resource__ = "delta.task"

    name: Mapped[Name]
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[TaskState] = mapped_column(_enum(TaskState), default=TaskState.DRAFT)
    priority: Mapped[str] = mapped_column(
        Enum("low", "normal", "high", native_enum=False, length=8), default="normal"
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    amount: Mapped[Money] = mapped_column(default=Decimal("0"))
    hours: Mapped[Quantity] = mapped_column(default=Decimal("0"))
    due_date: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(String(255))
    owner = relationship("User", foreign_keys=[owner_id])
    lines: Mapped[list[DeltaLine]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="DeltaLine.id"
    )


class DeltaLine(RecordMixin, Base):
    __tablename__ = "delta_line"
    __resource__ = "delta.task"
    __rule_parent__ = "task"

    task_id: Mapped[int] = mapped_column(ForeignKey("delta_task.id", ondelete="CASCADE"))
    text: Mapped[Name]
    quantity: Mapped[Quantity] = mapped_column(default=Decimal("1"))
    price: Mapped[Money] = mapped_column(default=Decimal("0"))
    task: Mapped[DeltaTask] = relationship(back_populates="lines")
