"""Hooks owned by alpha."""

from sqlalchemy.orm import Session

from core.plugins import hookspec


@hookspec
def alpha_item_created(item_id: int, session: Session) -> None:
    """Called after alpha creates an item, in the same transaction."""
