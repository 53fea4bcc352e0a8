"""alpha's hook implementations."""

from datetime import timedelta

from sqlalchemy import func, select

from alpha.models import AlphaItem
from core.hookspecs import Job, SequenceDef
from core.models import next_code
from core.plugins import hookimpl
from core.registry import get_registry


def count_items(*, session) -> int:
    return session.scalar(select(func.count()).select_from(AlphaItem))


def add_item(name, *, session) -> int:
    item = AlphaItem(name=name, code=next_code(session, "alpha.item"))
    session.add(item)
    session.flush()
    get_registry().hook.alpha_item_created(item_id=item.id, session=session)
    return item.id


@hookimpl
def core_register_sequences():
    return [SequenceDef("alpha.item", "Alpha items", prefix="A", padding=3)]


@hookimpl
def core_register_jobs():
    return [
        Job("alpha.count", count_items),
        Job("alpha.add", add_item),
        Job("alpha.tick", count_items, schedule=timedelta(seconds=1)),
    ]


@hookimpl
def core_addon_installed(event, session):
    if event.addon == "alpha":
        session.add(AlphaItem(name="created at install"))
