"""A record's history on its form, and how audit entries read on screen.

The history panel lists the audit log's entries about one record (created, changed,
deleted, and what else was logged against it), newest first, with who, when and each
changed field's old and new value. The form has loaded the record through the access
layer for this user already; a column the user may not read keeps its name but loses its
values here (sensitive columns are masked in the log itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core import db
from core.hookspecs import ModelView
from core.i18n import lazy_gettext as _l
from core.security.access import current_access
from core.security.audit_changes import model_resource, resource_of
from core.security.models import AuditEntry
from core.security.users import User
from core.views.display import show

HISTORY_LIMIT = 50
VALUE_LIMIT = 200

EVENT_LABELS = {
    "login": _l("Logged in"),
    "login_failed": _l("Failed login"),
    "logout": _l("Logged out"),
    "password_change": _l("Password changed"),
    "role_change": _l("Roles changed"),
    "user_change": _l("User changed"),
    "session_revoke": _l("Session ended"),
    "token_create": _l("API token created"),
    "token_revoke": _l("API token revoked"),
    "second_factor": _l("Two-factor login changed"),
    "export": _l("Export"),
    "read_sensitive": _l("Sensitive record read"),
    "create": _l("Record created"),
    "update": _l("Record changed"),
    "delete": _l("Record deleted"),
    "addon_install": _l("App installed"),
    "addon_upgrade": _l("App upgraded"),
    "addon_uninstall": _l("App uninstalled"),
}
# Names of the details services log besides fields (an action, counts, reasons).
DETAIL_LABELS = {
    "action": _l("Action"),
    "roles": _l("Roles"),
    "companies": _l("Companies"),
    "sessions_ended": _l("Sessions ended"),
    "tokens_revoked": _l("Tokens revoked"),
    "reason": _l("Reason"),
    "method": _l("Method"),
    "addons": _l("Apps"),
    "tables": _l("Tables"),
    "implies": _l("Included roles"),
    "permissions": _l("Permissions"),
    "label": _l("Label"),
    "description": _l("Description"),
    "name": _l("Name"),
    "superuser": _l("Superuser"),
    "version": _l("Version"),
}
ACTION_LABELS = {
    "create": _l("Record created"),
    "update": _l("Record changed"),
    "delete": _l("Record deleted"),
    "deactivate": _l("Deactivated"),
    "reactivate": _l("Reactivated"),
    "reset_password": _l("Password reset"),
    "upgrade": _l("Upgraded"),
}
HIDDEN = _l("(hidden)")


@dataclass(frozen=True)
class Change:
    """One changed field (or logged detail): its label, and its value before and after.

    ``pair`` is false for a detail with a single value (``new``); ``hidden`` when the
    reader may not see the field's values.
    """

    label: Any
    old: Any = None
    new: Any = None
    pair: bool = True
    hidden: bool = False


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    event: str
    who: str
    changes: tuple[Change, ...]

    @property
    def event_label(self) -> str:
        return event_label(self.event)


def event_label(event: str) -> str:
    return str(EVENT_LABELS.get(event, event))


def short(value: Any, specs: Mapping[str, Any] | None = None, name: str = "") -> str:
    """A logged value as a person reads it; very long ones (a logo) cut short."""
    if isinstance(value, list):
        return ", ".join(short(v) for v in value) or "—"
    spec = (specs or {}).get(name)
    text = show(value, spec) if value is not None else "—"
    if name == "action" and value in ACTION_LABELS:
        text = str(ACTION_LABELS[value])
    text = str(text)
    if len(text) > VALUE_LIMIT:
        return f"{text[:VALUE_LIMIT]}… ({len(text)})"
    return text


def describe(
    event: str,
    changes: Mapping[str, Any] | None,
    specs: Mapping[str, Any] | None = None,
    hidden: Iterable[str] = (),
    skipped: Iterable[str] = (),
) -> tuple[Change, ...]:
    """An entry's ``changes`` as lines: ``field: old → new`` for a change, the value alone
    for a created or deleted record's fields and for other details; fields in ``hidden``
    without their values, those in ``skipped`` not at all."""
    if not changes:
        return ()
    specs = specs or {}
    hidden, skipped = set(hidden), set(skipped)
    lines = []
    for name, value in changes.items():
        if name in skipped:
            continue
        spec = specs.get(name)
        label = spec.label if spec is not None else DETAIL_LABELS.get(name, name)
        if name in hidden:
            lines.append(Change(label, hidden=True))
        elif isinstance(value, list) and len(value) == 2 and name != "addons":
            old, new = value
            if event in ("create", "delete"):
                kept = new if event == "create" else old
                lines.append(Change(label, new=short(kept, specs, name), pair=False))
            else:
                before = None if old in (None, []) else short(old, specs, name)
                lines.append(Change(label, before, short(new, specs, name)))
        else:
            lines.append(Change(label, new=short(value, specs, name), pair=False))
    return tuple(lines)


def view_fields() -> dict[str, dict[str, Any]]:
    """The field declarations of each audited resource that has a screen, by its name in
    the log: the labels the log's readers know the fields by."""
    from core.views.screens import registered_views

    found: dict[str, dict[str, Any]] = {}
    for view in registered_views().values():
        resource = model_resource(view.model)
        if resource is not None:
            found.setdefault(resource, {spec.name: spec for spec in view.fields})
    return found


def names_of(session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """``Name (login)`` of the users who acted, in one query."""
    wanted = {uid for uid in user_ids if uid is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name, User.login).where(User.id.in_(wanted)))
    return {uid: f"{name} ({login})" for uid, name, login in rows}


def who(entry: AuditEntry, names: Mapping[int, str]) -> str:
    if entry.user_id is not None and entry.user_id in names:
        return names[entry.user_id]
    return entry.login or (f"#{entry.user_id}" if entry.user_id is not None else "—")


def record_history(view: ModelView, record: Any, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The latest ``limit`` audit entries about ``record``, newest first (two queries)."""
    session = db.session()
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.resource == resource_of(record), AuditEntry.record_id == record.id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ).all()
    names = names_of(session, (entry.user_id for entry in entries))
    model = type(record)
    columns = set(model.__table__.columns.keys())
    specs = {spec.name: spec for spec in view.fields}
    hidden = columns - current_access().readable_fields(model)
    # Columns the screen does not show (a password hash, bookkeeping) mean nothing here:
    # what happened to them is told by the service's own entry (a password reset).
    skipped = columns - set(specs)
    found = []
    for entry in entries:
        lines = describe(entry.event, entry.changes, specs, hidden, skipped)
        if entry.event == "update" and not lines:
            continue  # only columns the screen does not show changed
        found.append(HistoryEntry(entry.id, entry.at, entry.event, who(entry, names), lines))
    return found
