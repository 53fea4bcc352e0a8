"""Automatic audit of creating, changing and deleting records of audited models.

A model is audited when its class declares ``__resource__ = "<addon>.<model>"``. Every
flush notes which of its records were created, updated or deleted, with the changed
fields' old and new values (``info={"sensitive": True}`` columns shown as ``"***"``);
the notes become audit entries when the transaction commits, and vanish with a rollback
(of the transaction or of the savepoint they were made in). Bulk ``UPDATE``/``DELETE``
statements bypass the ORM and are not seen here: audited models change through objects.

An entry names a record by its own table, so its id is unambiguous: a model whose table
is not its resource's main table (a partner's address, ``__resource__ =
"partners.partner"``) is logged as ``partners.address``; ``__audit_resource__`` overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

from core.db import TesseraSession
from core.security.audit import record

MASK = "***"
QUEUE = "audit_changes"
# Bookkeeping every record carries; the audit entry has its own time and user.
SKIPPED_FIELDS = frozenset(
    {"created_at", "updated_at", "created_by_id", "updated_by_id", "version"}
)


@dataclass(frozen=True)
class Change:
    """One audited change noted at flush, waiting for its transaction to commit."""

    event: str
    resource: str
    record_id: int | None
    changes: dict[str, list[Any]]
    transaction: SessionTransaction


def resource_of(obj: object) -> str | None:
    """The name audit entries give ``obj``'s records, or None when its model is not audited."""
    return model_resource(type(obj))


def model_resource(model: type) -> str | None:
    """The name audit entries give the records of ``model`` (None: not audited)."""
    resource = getattr(model, "__resource__", None)
    if resource is None:
        return None
    explicit = getattr(model, "__audit_resource__", None)
    if explicit:
        return explicit
    table = inspect(model).local_table.name
    if table == resource.replace(".", "_"):
        return resource
    addon = resource.split(".", 1)[0]
    return f"{addon}.{table.removeprefix(addon + '_')}"


@event.listens_for(TesseraSession, "after_flush")
def _note_changes(session: Session, flush_context) -> None:
    # after_flush still sees the flushed objects' history and session.new/dirty/deleted.
    transaction = session.get_nested_transaction() or session.get_transaction()
    noted = session.info.setdefault(QUEUE, [])
    for event_name, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            resource = resource_of(obj)
            if resource is None:
                continue
            changes = _changes(obj, event_name)
            if event_name == "update" and not changes:
                continue
            noted.append(Change(event_name, resource, _record_id(obj), changes, transaction))


def _changes(obj: object, event_name: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for prop in state.mapper.column_attrs:
        column = prop.columns[0]
        if prop.key in SKIPPED_FIELDS or column.primary_key or column.info.get("audit") is False:
            continue
        if event_name == "update":
            history = state.attrs[prop.key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
        else:
            # Only what is loaded: reading an expired attribute here would query the row.
            value = state.dict.get(prop.key)
            if value is None:
                continue
            old, new = (None, value) if event_name == "create" else (value, None)
        if column.info.get("sensitive"):
            old, new = (None if v is None else MASK for v in (old, new))
        changes[prop.key] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _record_id(obj: object) -> int | None:
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    if len(identity) == 1 and isinstance(identity[0], int):
        return identity[0]
    return None


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(TesseraSession, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    noted = session.info.get(QUEUE)
    if noted:
        session.info[QUEUE] = [c for c in noted if not _within(c.transaction, previous_transaction)]


def _queue_for_commit(session: Session) -> None:
    """Flush what is left, then hand every noted change to the audit log."""
    session.flush()
    for change in session.info.pop(QUEUE, []):
        record(
            session,
            change.event,
            resource=change.resource,
            record_id=change.record_id,
            changes=change.changes,
        )


# Before the audit log's own before_commit listener, which writes and chains the queue:
# the final flush must have noted its changes by then.
event.listen(TesseraSession, "before_commit", _queue_for_commit, insert=True)
