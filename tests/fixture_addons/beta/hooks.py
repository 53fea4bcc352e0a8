"""beta's hook implementations."""

from beta.models import BetaNote
from core.plugins import hookimpl


@hookimpl
def alpha_item_created(item_id, session):
    session.add(BetaNote(item_id=item_id, text="noted"))
