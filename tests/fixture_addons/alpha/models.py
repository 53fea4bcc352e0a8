"""alpha's table."""

from sqlalchemy.orm import Mapped

from core.db import Base, Name, RecordMixin


class AlphaItem(RecordMixin, Base):
    __tablename__ = "alpha_item"

    name: Mapped[Name]
    code: Mapped[str | None]
