"""beta's table, referring to alpha's by table name."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, IdMixin


class BetaNote(IdMixin, Base):
    __tablename__ = "beta_note"

    item_id: Mapped[int] = mapped_column(ForeignKey("alpha_item.id", ondelete="CASCADE"))
    text: Mapped[str]
