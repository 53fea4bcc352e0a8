"""Generic REST resources: list, read, create, update, delete and business actions of every
model an addon declares with an ``api`` path.

``/api/v1/<api>`` lists (``q``, ``f``, ``sort``, ``desc``, ``page``, ``size``,
``archived`` as on the screens) and creates; ``/api/v1/<api>/<id>`` reads, updates and
deletes; ``POST /api/v1/<api>/<id>/<action>`` runs a business action. Reads carry an ETag;
a write with a stale ``If-Match`` is refused with 412, so no change is silently
overwritten; POSTs honour an ``Idempotency-Key`` (core.api.idempotency). Everything goes
through the access layer and the addon's own services; refused input is a 422 with a
message per field. JSON or XML both ways (core.api.formats).
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user

from core import db
from core.api import formats, idempotency
from core.api.formats import ApiError
from core.hookspecs import ModelView, ViewAction
from core.i18n import lazy_gettext as _l
from core.registry import get_registry
from core.schemas import MSG_TOO_LONG, MSG_UNKNOWN_FIELD, BusinessError, render
from core.security.access import Access, current_access
from core.security.auth import MSG_TOKEN_REQUIRED
from core.views.display import record_name
from core.views.query import ListRequest, load_page
from core.views.records import (
    INPUT_LIMIT,
    MSG_NOT_APPLICABLE,
    action_permission,
    action_records,
    applies,
    other_record,
    run_action,
)

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

MSG_STALE = _l("This record was changed by someone else; read it again, then retry.")
RECORD_ID = re.compile(r"[0-9]{1,10}")


def resources() -> dict[str, ModelView]:
    """The installed resources by API path."""
    views = get_registry().collect("core_register_views")
    return {view.api: view for view in views if view.api}


@dataclass(frozen=True)
class Target:
    """What a path names: a resource, one of its records, or an action on one."""

    view: ModelView
    record_id: int | None = None
    action: str | None = None


def resolve(path: str) -> Target:
    """The resource, record or action ``path`` names (404 when none).

    A resource's own path wins: ``partners/groups`` is the groups resource, while
    ``partners/12`` is partner 12 and ``delta/tasks/3/start`` an action on task 3.
    """
    known = resources()
    path = path.strip("/")
    if path in known:
        return Target(known[path])
    head, _, last = path.rpartition("/")
    if RECORD_ID.fullmatch(last) and head in known:
        return Target(known[head], int(last))
    resource, _, record_id = head.rpartition("/")
    if RECORD_ID.fullmatch(record_id) and resource in known:
        return Target(known[resource], int(record_id), last)
    abort(404)


def authenticated(view_function: Callable[..., Any]) -> Callable[..., Any]:
    """Flask-Login's ``login_required``, answered in the caller's format (JSON or XML)."""

    @wraps(view_function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            raise ApiError(401, MSG_TOKEN_REQUIRED, {"WWW-Authenticate": "Bearer"})
        return view_function(*args, **kwargs)

    return wrapper


def dump(record: Any, view: ModelView, access: Access) -> dict[str, Any]:
    """The fields of ``record`` the user may read, as JSON keeps them exactly."""
    readable = access.readable_fields(view.model)
    return {
        column.key: _plain(getattr(record, column.key))
        for column in view.model.__table__.columns
        if column.key in readable
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def etag(record: Any) -> str:
    """A tag that changes whenever the record does (version column, else last change)."""
    marker = getattr(record, "version", None) or getattr(record, "updated_at", None)
    digest = hashlib.sha256(f"{record.id}:{marker}".encode()).hexdigest()[:20]
    return f'"{digest}"'


def _item_response(record: Any, view: ModelView, access: Access, status: int = 200) -> Response:
    response = formats.record_response(dump(record, view, access), status)
    response.headers["ETag"] = etag(record)
    return response


def _check_if_match(record: Any) -> None:
    """Refuse (412) a write based on a stale read: ``If-Match`` names another version."""
    expected = request.headers.get("If-Match")
    if expected is None:
        return
    tags = {tag.strip() for tag in expected.split(",")}
    if not tags & {etag(record), "*"}:
        raise ApiError(412, MSG_STALE)


@blueprint.get("/<path:path>")
@authenticated
def list_or_read(path: str):
    target = resolve(path)
    if target.action is not None:
        abort(405)
    view = target.view
    access = current_access()
    if target.record_id is not None:
        record = access.get(db.session(), view.model, target.record_id)
        return _item_response(record, view, access)
    wanted = ListRequest.from_args(request.args, view)
    page = load_page(db.session(), view, access, wanted)
    items = [dump(row, view, access) for row in page.rows]
    return formats.page_response(items, page.total, wanted.page, wanted.page_size)


@blueprint.post("/<path:path>")
@authenticated
def create_or_act(path: str):
    target = resolve(path)
    if target.action is not None:
        return act(target)
    if target.record_id is not None:
        abort(405)
    view = target.view
    if view.create is None:
        abort(405)
    access = current_access()
    access.require(f"{view.model.__resource__}.create")
    session = db.session()
    key = idempotency.requested(current_user.id)
    if key is not None and (answer := key.stored_answer(session)) is not None:
        return answer
    record = view.create(session, formats.read_body())
    session.flush()
    access.check(session, record, "create")
    response = _item_response(record, view, access, 201)
    response.headers["Location"] = url_for(".list_or_read", path=f"{view.api}/{record.id}")
    return idempotency.commit(session, key, response)


def act(target: Target) -> Response:
    """A business action: its permission, the record writable, applicable (else 409)."""
    view = target.view
    action = next((a for a in view.actions if a.name == target.action), None)
    if action is None:
        abort(404)
    access = current_access()
    access.require(action_permission(view, action))
    session = db.session()
    key = idempotency.requested(current_user.id)
    if key is not None and (answer := key.stored_answer(session)) is not None:
        return answer
    (record,) = action_records(session, view, access, action, [target.record_id])
    _check_if_match(record)
    if not applies(action, record):
        message = render(MSG_NOT_APPLICABLE, action=action.label, record=record_name(record))
        raise ApiError(409, message)
    data = action_data(action, formats.read_body(optional=True))
    result = run_action(session, view, access, action, record, data)
    created = other_record(view, result, record.id)
    if created is None:
        return idempotency.commit(session, key, _item_response(record, view, access))
    # The action made a record (a duplicate): answer with it, as a create does.
    access.check(session, created, "read")
    response = _item_response(created, view, access, 201)
    response.headers["Location"] = url_for(".list_or_read", path=f"{view.api}/{created.id}")
    return idempotency.commit(session, key, response)


def action_data(action: ViewAction, body: dict[str, Any]) -> dict[str, Any]:
    """The values of the action's declared inputs; any other field is refused."""
    known = {field.name for field in action.inputs}
    refused = {name: [str(MSG_UNKNOWN_FIELD)] for name in body if name not in known}
    for name in known & body.keys():
        if isinstance(body[name], str) and len(body[name]) > INPUT_LIMIT:
            refused[name] = [render(MSG_TOO_LONG, max=INPUT_LIMIT)]
    if refused:
        raise BusinessError(refused)
    return {name: body[name] for name in known if name in body}


@blueprint.patch("/<path:path>")
@authenticated
def update(path: str):
    target = resolve(path)
    view = target.view
    if target.record_id is None or target.action is not None or view.update is None:
        abort(405)
    access = current_access()
    session = db.session()
    record = access.get(session, view.model, target.record_id, "write")
    _check_if_match(record)
    view.update(session, record.id, formats.read_body())
    session.flush()
    access.check(session, record, "write")
    session.commit()
    return _item_response(record, view, access)


@blueprint.delete("/<path:path>")
@authenticated
def delete(path: str):
    target = resolve(path)
    view = target.view
    if target.record_id is None or target.action is not None or view.delete is None:
        abort(405)
    access = current_access()
    session = db.session()
    record = access.get(session, view.model, target.record_id, "delete")
    _check_if_match(record)
    view.delete(session, record.id)
    session.commit()
    return Response(status=204)


def init_app(app) -> None:
    from core.api import docs, openapi  # noqa: F401  (their routes join the blueprint)

    app.register_blueprint(blueprint, name_prefix="core")
    app.register_error_handler(ApiError, formats.api_error_response)
