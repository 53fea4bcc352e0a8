"""What a user does to records beyond editing them: business actions, archive, delete,
bulk actions on a list selection, and the form's status bar and related counts.

Every route checks the permission and the record rules for its action through
``current_access()``, calls the addon's own service, and commits once: a refusal of one
record refuses the whole request, and nothing is written.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from core import db
from core.db import ActiveMixin
from core.hookspecs import ModelView, ViewAction
from core.i18n import lazy_gettext as _l
from core.registry import get_registry
from core.schemas import GENERAL, BusinessError, as_text
from core.security.access import Access, AccessDenied, RecordNotFound, current_access
from core.views.display import record_name
from core.views.screens import blueprint, find_view, registered_views, view_url

MSG_DONE = _l("%(action)s: done.")
MSG_DONE_MANY = _l("%(action)s: done for %(count)d records.")
MSG_NOT_APPLICABLE = _l("“%(action)s” does not apply to %(record)s in its current state.")
MSG_DELETED = _l("Deleted.")
MSG_DELETED_MANY = _l("%(count)d records deleted.")
MSG_ARCHIVED = _l("Archived.")
MSG_UNARCHIVED = _l("Restored from the archive.")
MSG_ARCHIVED_MANY = _l("%(count)d records archived.")
MSG_UNARCHIVED_MANY = _l("%(count)d records restored from the archive.")
MSG_NOTHING_SELECTED = _l("Select at least one record.")
MSG_TOO_MANY_SELECTED = _l("At most %(count)d records at once.")
MSG_REFUSED_FOR = _l("%(record)s: %(message)s")
LABEL_ARCHIVE = _l("Archive")
LABEL_UNARCHIVE = _l("Restore")
LABEL_DELETE = _l("Delete")
LABEL_EXPORT_XLSX = _l("Export to Excel (XLSX)")
LABEL_EXPORT_CSV = _l("Export to CSV")

MAX_BULK = 1000
INPUT_LIMIT = 1000


# --------------------------------------------------------------------------- helpers


def action_permission(view: ModelView, action: ViewAction) -> str:
    return action.permission or f"{view.model.__resource__}.write"


def action_records(session, view: ModelView, access: Access, action: ViewAction, ids) -> list:
    """The records ``action`` runs on, each within the model's write rules (else 404).

    An action declaring a permission of its own (reversing a stock move) needs that
    permission instead of the model's write permission; the write rules still apply.
    """
    access.require(action_permission(view, action))
    wanted = set(ids)
    statement = access.select_by_rules(view.model, "write").where(view.model.id.in_(wanted))
    records = list(session.scalars(statement))
    if len(records) != len(wanted):
        raise RecordNotFound(min(wanted - {record.id for record in records}))
    position = {record_id: n for n, record_id in enumerate(ids)}
    return sorted(records, key=lambda record: position[record.id])


def applies(action: ViewAction, record: Any) -> bool:
    return action.when is None or bool(action.when(record))


def available_actions(view: ModelView, access: Access, record: Any) -> list[ViewAction]:
    """The actions this user may run on ``record`` as it stands."""
    return [
        action
        for action in view.actions
        if access.can(action_permission(view, action)) and applies(action, record)
    ]


def archive_permission(view: ModelView) -> str:
    """``<resource>.archive`` when the addon declares it, else ``<resource>.write``."""
    resource = view.model.__resource__
    declared = {p.name for p in get_registry().collect("core_register_permissions")}
    name = f"{resource}.archive"
    return name if name in declared else f"{resource}.write"


def can_archive(view: ModelView, access: Access) -> bool:
    return issubclass(view.model, ActiveMixin) and access.can(archive_permission(view))


def can_delete(view: ModelView, access: Access) -> bool:
    return view.delete is not None and access.can_do(view.model, "delete")


def _action(view: ModelView, name: str) -> ViewAction:
    found = next((a for a in view.actions if a.name == name), None)
    if found is None:
        abort(404)
    return found


def action_inputs(action: ViewAction, form) -> dict[str, Any]:
    """The values of the action's declared inputs, and nothing else, bounded in length."""
    return {field.name: (form.get(field.name) or "")[:INPUT_LIMIT] for field in action.inputs}


def run_action(session, view: ModelView, access: Access, action: ViewAction, record, data):
    """Run ``action`` on ``record`` for this user; the caller commits."""
    access.require(action_permission(view, action))
    if not applies(action, record):
        raise BusinessError.on(
            GENERAL,
            str(MSG_NOT_APPLICABLE) % {"action": action.label, "record": record_name(record)},
        )
    result = action.run(session, record, data)
    session.flush()
    access.check(session, record, "read")
    return result


def set_active(session, view: ModelView, access: Access, records: list, active: bool) -> None:
    """Archive or restore through the addon's own service when it has one."""
    service = view.unarchive if active else view.archive
    if service is not None:
        service(session, [record.id for record in records])
    else:
        for record in records:
            record.active = active
    session.flush()


def _back(view: ModelView, record_id: int | None = None):
    target = request.form.get("next") or ""
    # Only a path on this site: never an open redirect.
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    if record_id is not None:
        return redirect(
            url_for(".edit_record", addon=view.addon, slug=view.slug, record_id=record_id)
        )
    return redirect(view_url(view.name))


def refusal_text(error: BusinessError) -> str:
    """A refusal's messages as one line, for a toast (also those of lines, nested by row)."""
    return " ".join(_texts(as_text(error.messages)))


def _texts(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _texts(value)]
    if isinstance(messages, list | tuple):
        return [text for value in messages for text in _texts(value)]
    return [str(messages)]


# --------------------------------------------------------------------------- one record


@blueprint.post("/<addon>/<slug>/<int:record_id>/action/<name>")
@login_required
def record_action(addon: str, slug: str, record_id: int, name: str):
    view = find_view(addon, slug)
    action = _action(view, name)
    access = current_access()
    session = db.session()
    (record,) = action_records(session, view, access, action, [record_id])
    try:
        result = run_action(
            session, view, access, action, record, action_inputs(action, request.form)
        )
        created = other_record(view, result, record_id)
        if created is not None:
            access.check(session, created, "read")
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(refusal_text(error), "danger")
    else:
        flash(str(MSG_DONE) % {"action": action.label}, "success")
        if created is not None:  # a duplicate, say: open the new record
            return redirect(
                url_for(".edit_record", addon=view.addon, slug=view.slug, record_id=created.id)
            )
    return _back(view, record_id)


def other_record(view: ModelView, result: Any, record_id: int) -> Any:
    """The record an action made (another record of the view's model), if any."""
    if isinstance(result, view.model) and getattr(result, "id", None) not in (None, record_id):
        return result
    return None


@blueprint.post("/<addon>/<slug>/<int:record_id>/delete")
@login_required
def delete_record(addon: str, slug: str, record_id: int):
    view = find_view(addon, slug)
    if view.delete is None:
        abort(404)
    access = current_access()
    session = db.session()
    access.get(session, view.model, record_id, "delete")
    try:
        view.delete(session, record_id)
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(refusal_text(error), "danger")
        return _back(view, record_id)
    flash(str(MSG_DELETED), "success")
    return redirect(view_url(view.name))


@blueprint.post("/<addon>/<slug>/<int:record_id>/archive")
@login_required
def archive_record(addon: str, slug: str, record_id: int):
    view = find_view(addon, slug)
    if not issubclass(view.model, ActiveMixin):
        abort(404)
    access = current_access()
    access.require(archive_permission(view))
    session = db.session()
    record = access.get(session, view.model, record_id, "write")
    active = request.form.get("active") == "1"
    try:
        set_active(session, view, access, [record], active)
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(refusal_text(error), "danger")
    else:
        flash(str(MSG_UNARCHIVED if active else MSG_ARCHIVED), "success")
    return _back(view, record_id)


# --------------------------------------------------------------------------- selections


@blueprint.post("/<addon>/<slug>/bulk")
@login_required
def bulk(addon: str, slug: str):
    """One operation on the selected records, all or nothing."""
    view = find_view(addon, slug)
    access = current_access()
    ids = _selected_ids()
    if not ids:
        flash(str(MSG_NOTHING_SELECTED), "danger")
        return _back(view)
    if len(ids) > MAX_BULK:
        flash(str(MSG_TOO_MANY_SELECTED) % {"count": MAX_BULK}, "danger")
        return _back(view)
    operation = request.form.get("operation", "")
    if operation.startswith("export:"):
        # Exports are reads: hand the selection to the export, which checks the rest.
        return redirect(
            url_for(
                ".export_records",
                addon=addon,
                slug=slug,
                format=operation.removeprefix("export:"),
                ids=ids,
            )
        )
    session = db.session()
    try:
        message = _run_bulk(session, view, access, operation, ids)
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(refusal_text(error), "danger")
    else:
        flash(message, "success")
    return _back(view)


def _selected_ids() -> list[int]:
    ids = []
    for raw in request.form.getlist("ids")[: MAX_BULK + 1]:
        try:
            ids.append(int(raw))
        except ValueError:
            abort(400)
    return sorted(set(ids))


def _records(session, view: ModelView, access: Access, ids: list[int], action: str) -> list:
    """The selected records, every one reachable for ``action`` (else 404, nothing done)."""
    records = list(session.scalars(access.select(view.model, action).where(view.model.id.in_(ids))))
    if len(records) != len(ids):
        missing = set(ids) - {record.id for record in records}
        raise RecordNotFound(min(missing))
    return records


def _run_bulk(session, view: ModelView, access: Access, operation: str, ids: list[int]) -> str:
    if operation in ("archive", "unarchive"):
        if not issubclass(view.model, ActiveMixin):
            abort(404)
        access.require(archive_permission(view))
        records = _records(session, view, access, ids, "write")
        active = operation == "unarchive"
        set_active(session, view, access, records, active)
        template = MSG_UNARCHIVED_MANY if active else MSG_ARCHIVED_MANY
        return str(template) % {"count": len(records)}
    if operation == "delete":
        if view.delete is None:
            abort(404)
        records = _records(session, view, access, ids, "delete")
        for record in records:
            _one(record, lambda r: view.delete(session, r.id))
        session.flush()
        return str(MSG_DELETED_MANY) % {"count": len(records)}
    if operation.startswith("action:"):
        action = _action(view, operation.removeprefix("action:"))
        if not action.bulk:
            abort(404)
        records = action_records(session, view, access, action, ids)
        for record in records:
            _one(record, lambda r: run_action(session, view, access, action, r, {}))
        return str(MSG_DONE_MANY) % {"action": action.label, "count": len(records)}
    abort(400)


def _one(record, operation) -> None:
    """Run ``operation`` on one record of a selection, naming the record in a refusal."""
    name = record_name(record)
    try:
        operation(record)
    except BusinessError as error:
        raise BusinessError.on(
            GENERAL, str(MSG_REFUSED_FOR) % {"record": name, "message": refusal_text(error)}
        ) from error


# --------------------------------------------------------------------------- form parts


@dataclass(frozen=True)
class Stage:
    value: str
    label: Any
    current: bool


def status_bar(view: ModelView, record: Any) -> list[Stage]:
    """The stages of ``view.state_field`` in declared order, the record's marked."""
    if record is None or not view.state_field:
        return []
    spec = next((f for f in view.fields if f.name == view.state_field), None)
    column = view.model.__table__.columns[view.state_field]
    value = getattr(record, view.state_field)
    value = value.value if isinstance(value, enum.Enum) else value
    labels = dict(spec.choices) if spec else {}
    values = list(labels) or list(getattr(column.type, "enums", ()))
    return [Stage(v, labels.get(v, v), v == value) for v in values]


@dataclass(frozen=True)
class LinkCount:
    label: Any
    count: int
    url: str


def link_counts(session, view: ModelView, access: Access, record: Any) -> list[LinkCount]:
    """One count per related view the user may read: a query each, through the rules."""
    if record is None:
        return []
    views = registered_views()
    found = []
    for link in view.links:
        target = views.get(link.view)
        if target is None or not access.can_do(target.model, "read"):
            continue
        column = target.model.__table__.columns[link.field]
        statement = access.restrict(select(func.count()).select_from(target.model), target.model)
        statement = statement.where(column == record.id)
        if issubclass(target.model, ActiveMixin):
            statement = statement.where(target.model.active.is_(True))
        count = session.scalar(statement) or 0
        found.append(
            LinkCount(link.label, count, view_url(target.name, **{f"eq.{link.field}": record.id}))
        )
    return found


def form_context(view: ModelView, record: Any) -> dict[str, Any]:
    """What the form template needs beyond the fields: stages, buttons, counts."""
    access = current_access()
    if record is None:
        return {"stages": [], "actions": [], "links": [], "can_delete": False, "archivable": False}
    try:
        actions = available_actions(view, access, record)
    except AccessDenied:  # pragma: no cover - can() never raises
        actions = []
    return {
        "stages": status_bar(view, record),
        "actions": actions,
        "links": link_counts(db.session(), view, access, record),
        "can_delete": can_delete(view, access),
        "archivable": can_archive(view, access),
    }


def list_context(view: ModelView, *, selectable: bool = True) -> dict[str, Any]:
    """The bulk operations of a list for this user (none when rows are not records)."""
    access = current_access()
    operations: list[tuple[str, Any]] = []
    if not selectable:
        return {"bulk_operations": operations}
    if can_archive(view, access):
        operations += [("archive", LABEL_ARCHIVE), ("unarchive", LABEL_UNARCHIVE)]
    operations += [
        (f"action:{a.name}", a.label)
        for a in view.actions
        if a.bulk and access.can(action_permission(view, a))
    ]
    if access.can_do(view.model, "export"):
        operations += [
            ("export:xlsx", LABEL_EXPORT_XLSX),
            ("export:csv", LABEL_EXPORT_CSV),
        ]
    if can_delete(view, access):
        operations.append(("delete", LABEL_DELETE))
    return {"bulk_operations": operations}
