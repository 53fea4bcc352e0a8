"""Autocomplete for many-to-one fields whose targets are too many for a select.

``GET /<addon>/<slug>/lookup/<field>?q=text`` answers the first matches the user may
read, as JSON ``[{"id": 7, "label": "Acme"}]``: the target's own declared search fields
when it has a screen, else its name and code.
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import login_required
from sqlalchemy import Select, or_, select

from core import db
from core.db import ActiveMixin, Base
from core.schemas import LIKE_ESCAPE, escape_like
from core.security.access import current_access
from core.views.display import record_name
from core.views.screens import blueprint, find_view, registered_views

LIMIT = 20
MAX_QUERY = 100


def reference_target(model: type, field: str) -> type | None:
    """The model a many-to-one column ``field`` of ``model`` points at."""
    column = model.__table__.columns.get(field)
    if column is None or not column.foreign_keys:
        return None
    table = next(iter(column.foreign_keys)).column.table
    return next((m.class_ for m in Base.registry.mappers if m.local_table is table), None)


def pickable(access, target: type) -> Select | None:
    """The records of ``target`` this user may pick in a reference field (None: none).

    Readers of the target get what their rules allow. A model that declares
    ``__pickable__ = True`` (users, for a salesperson field) also offers its names to
    anyone else, limited to the user's companies when the model has a company.
    """
    if getattr(target, "__resource__", None) is None:
        return None
    if access.can_do(target, "read"):
        return access.select(target)
    if not getattr(target, "__pickable__", False):
        return None
    statement = select(target)
    company = target.__table__.columns.get("company_id")
    if company is not None and not access.principal.is_superuser:
        statement = statement.where(company.in_(access.principal.company_ids or {-1}))
    return statement


def search_columns(target: type) -> list:
    view = next((v for v in registered_views().values() if v.model is target), None)
    names = view.search_fields if view and view.search_fields else ("name", "code", "login")
    return [getattr(target, n) for n in names if n in target.__table__.columns]


@blueprint.get("/<addon>/<slug>/lookup/<field>")
@login_required
def lookup(addon: str, slug: str, field: str):
    view = find_view(addon, slug)
    if field not in view.form_fields:
        abort(404)
    target = reference_target(view.model, field)
    if target is None:
        abort(404)
    access = current_access()
    access.require(f"{view.model.__resource__}.read")
    statement = pickable(access, target)
    if statement is None:
        abort(403)
    text = (request.args.get("q") or "").strip()[:MAX_QUERY]
    columns = search_columns(target)
    if text and columns:
        pattern = f"%{escape_like(text)}%"
        statement = statement.where(or_(*(c.ilike(pattern, escape=LIKE_ESCAPE) for c in columns)))
    if issubclass(target, ActiveMixin):
        statement = statement.where(target.active.is_(True))
    order = columns[0] if columns else target.id
    rows = db.session().scalars(statement.order_by(order, target.id).limit(LIMIT))
    return jsonify([{"id": row.id, "label": record_name(row)} for row in rows])
