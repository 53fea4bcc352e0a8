"""gamma's documents (company-owned, with an owner) and their lines."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, CompanyMixin, IdMixin, Name


class GammaDoc(IdMixin, CompanyMixin, Base):
    __tablename__ = "gamma_doc"
    __resource__ = "gamma.doc"

    name: Mapped[Name]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    confidential: Mapped[bool] = mapped_column(default=False)
    cost: Mapped[int] = mapped_column(default=0, info={"permission": "gamma.doc.read_cost"})
    lines: Mapped[list["GammaLine"]] = relationship(back_populates="doc")


class GammaLine(IdMixin, Base):
    __tablename__ = "gamma_line"
    __resource__ = "gamma.doc"
    __rule_parent__ = "doc"

    doc_id: Mapped[int] = mapped_column(ForeignKey("gamma_doc.id", ondelete="CASCADE"))
    text: Mapped[Name]
    doc: Mapped[GammaDoc] = relationship(back_populates="lines")
