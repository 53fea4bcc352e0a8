"""alpha's table."""

from sqlalchemy.orm import Mapped

from core.db import Base, Name, RecordMixin


class AlphaItem(RecordMixin, Base):
    __tablename__ = "alpha_item"
    __resource__ = "alpha.item"  # audited: create, update and delete are logged

    name: Mapped[Name]
    code: Mapped[str | None]
