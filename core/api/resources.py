"""Generic REST resources: list, read, create and update every model an addon declares.

``/api/v1/<api>`` lists (``q``, ``f``, ``sort``, ``desc``, ``page``, ``size``,
``archived`` as on the screens) and creates; ``/api/v1/<api>/<id>`` reads and updates.
Reads carry an ETag; an update with a stale ``If-Match`` is refused with 412, so no
change is silently overwritten. Everything goes through the access layer and the
addon's own services; refused input is a 422 with a message per field.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask_login import login_required

from core import db
from core.hookspecs import ModelView
from core.i18n import lazy_gettext as _l
from core.registry import get_registry
from core.schemas import GENERAL, BusinessError
from core.security.access import Access, current_access
from core.views.query import ListRequest, load_page

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

MSG_NOT_AN_OBJECT = _l("The request body must be a JSON object.")
MSG_STALE = _l("This record was changed by someone else; read it again, then retry.")


def resources() -> dict[str, ModelView]:
    """The installed resources by API path."""
    views = get_registry().collect("core_register_views")
    return {view.api: view for view in views if view.api}


def _resource(path: str) -> ModelView:
    view = resources().get(path.strip("/"))
    if view is None:
        abort(404)
    return view


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


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BusinessError.on(GENERAL, MSG_NOT_AN_OBJECT)
    return data


def _item_response(record: Any, view: ModelView, access: Access, status: int = 200):
    response = jsonify(dump(record, view, access))
    response.status_code = status
    response.headers["ETag"] = etag(record)
    return response


@blueprint.get("/<path:path>")
@login_required
def list_or_read(path: str):
    head, _, tail = path.rstrip("/").rpartition("/")
    if tail.isdigit() and head:
        return read(head, int(tail))
    view = _resource(path)
    access = current_access()
    wanted = ListRequest.from_args(request.args, view)
    page = load_page(db.session(), view, access, wanted)
    return jsonify(
        items=[dump(row, view, access) for row in page.rows],
        total=page.total,
        page=wanted.page,
        size=wanted.page_size,
    )


def read(path: str, record_id: int):
    view = _resource(path)
    access = current_access()
    record = access.get(db.session(), view.model, record_id)
    return _item_response(record, view, access)


@blueprint.post("/<path:path>")
@login_required
def create(path: str):
    view = _resource(path)
    if view.create is None:
        abort(405)
    access = current_access()
    access.require(f"{view.model.__resource__}.create")
    session = db.session()
    record = view.create(session, _body())
    session.flush()
    access.check(session, record, "create")
    session.commit()
    response = _item_response(record, view, access, 201)
    response.headers["Location"] = url_for(".list_or_read", path=f"{view.api}/{record.id}")
    return response


@blueprint.patch("/<path:path>")
@login_required
def update(path: str):
    head, _, tail = path.rstrip("/").rpartition("/")
    if not (tail.isdigit() and head):
        abort(405)
    view = _resource(head)
    if view.update is None:
        abort(405)
    access = current_access()
    session = db.session()
    record = access.get(session, view.model, int(tail), "write")
    expected = request.headers.get("If-Match")
    if expected is not None and expected.strip() not in (etag(record), "*"):
        response = jsonify(error=412, message=str(MSG_STALE))
        response.status_code = 412
        return response
    view.update(session, record.id, _body())
    session.flush()
    access.check(session, record, "write")
    session.commit()
    return _item_response(record, view, access)


def init_app(app) -> None:
    from core.api import openapi  # noqa: F401  (adds /api/v1/openapi.json to the blueprint)

    app.register_blueprint(blueprint, name_prefix="core")
