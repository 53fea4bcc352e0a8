"""The audit log: who did what, when, from where, each entry chained to the previous one.

Callers queue entries with :func:`record` anywhere in a transaction; they are written
and chained in ``before_commit``, under a lock held only for the tail of the
transaction (an advisory lock on PostgreSQL; SQLite writers are serialised already),
so concurrent transactions cannot fork the chain. A rolled-back transaction leaves no
entry. The hash is SHA-256, or SM3 with the ``gm`` crypto profile.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import hashes
from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

from core.db import TesseraSession, acting_user_id, get_database, is_deferred, utcnow
from core.security.models import AuditEntry

AUDIT_LOCK_ID = 7_305_418
GENESIS = "0" * 64
EVENTS = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "password_change",
        "role_change",
        "user_change",
        "session_revoke",
        "token_create",
        "token_revoke",
        "second_factor",
        "export",
        "read_sensitive",
        "create",
        "update",
        "delete",
        "addon_install",
        "addon_upgrade",
        "addon_uninstall",
    }
)


@dataclass(frozen=True)
class Pending:
    event: str
    user_id: int | None
    login: str | None
    ip: str | None
    resource: str | None
    record_id: int | None
    changes: dict | None
    at: datetime


def record(
    session: Session,
    event_name: str,
    *,
    user_id: int | None = None,
    login: str | None = None,
    resource: str | None = None,
    record_id: int | None = None,
    changes: dict | None = None,
    ip: str | None = None,
) -> None:
    """Queue an audit entry; it is written, chained, when ``session`` commits."""
    if event_name not in EVENTS:
        raise ValueError(f"unknown audit event {event_name!r}")
    pending = Pending(
        event=event_name,
        user_id=user_id if user_id is not None else acting_user_id(),
        login=login,
        ip=ip if ip is not None else client_address(),
        resource=resource,
        record_id=record_id,
        changes=jsonable(changes) if changes is not None else None,
        at=utcnow(),
    )
    if not session.in_transaction():
        session.begin()
    session.info.setdefault("audit", []).append(pending)


def client_address() -> str | None:
    """The client's address as the proxy layer resolved it (see ProxyFix in the app)."""
    return request.remote_addr if has_request_context() else None


def algorithm() -> str:
    profile = current_app.config.get("CRYPTO_PROFILE", "intl") if has_app_context() else "intl"
    return "sm3" if profile == "gm" else "sha256"


def digest(payload: bytes, name: str) -> str:
    if name == "sm3":
        hasher = hashes.Hash(hashes.SM3())
        hasher.update(payload)
        return hasher.finalize().hex()
    return hashlib.sha256(payload).hexdigest()


def canonical(entry: AuditEntry | Pending, prev_hash: str) -> bytes:
    """The bytes an entry's hash covers: every field and the previous hash."""
    at = entry.at.isoformat(timespec="microseconds")
    fields = [
        at,
        entry.user_id,
        entry.login,
        entry.ip,
        entry.event,
        entry.resource,
        entry.record_id,
        entry.changes,
        prev_hash,
    ]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def jsonable(value: Any) -> Any:
    """Values as JSON keeps them exactly: Decimal and datetime as text, sets as lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal | datetime):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@event.listens_for(TesseraSession, "before_commit")
def _write_pending(session: Session) -> None:
    pending: list[Pending] = session.info.pop("audit", [])
    if not pending:
        return
    if is_deferred(session):
        # A GET request that only read (SQLite): its entries get a write transaction of
        # their own, which waits for the lock instead of upgrading a stale snapshot.
        writer = get_database().new_session()
        try:
            writer.begin()
            writer.info["audit"] = pending
            writer.commit()
        finally:
            writer.close()
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_ID})
    name = algorithm()
    session.flush()
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev = prev or GENESIS
    rows = []
    for item in pending:
        entry_hash = digest(canonical(item, prev), name)
        rows.append(
            {
                "at": item.at,
                "user_id": item.user_id,
                "login": item.login,
                "ip": item.ip,
                "event": item.event,
                "resource": item.resource,
                "record_id": item.record_id,
                "changes": item.changes,
                "prev_hash": prev,
                "hash": entry_hash,
                "algorithm": name,
            }
        )
        prev = entry_hash
    # One executemany, in chain order (ids ascend with it): the entries' ids are never
    # needed back, so nothing asks for RETURNING row by row.
    session.execute(insert(AuditEntry.__table__), rows)


@event.listens_for(TesseraSession, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("audit", None)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the log in order; the first entry whose links or hash do not hold is reported.

    Catches edited fields, removed or reordered entries, and a cut at the start
    (the first entry must follow the genesis value).
    """
    prev, count, last_id = GENESIS, 0, 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(count, None, None)
        for entry in rows:
            if entry.prev_hash != prev:
                return ChainReport(count, entry.id, "link")
            if digest(canonical(entry, prev), entry.algorithm) != entry.hash:
                return ChainReport(count, entry.id, "hash")
            prev, count, last_id = entry.hash, count + 1, entry.id
