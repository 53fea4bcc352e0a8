"""What a user keeps of a list: the columns they chose, and filters saved under a name.

A saved filter holds a list's query-string parameters (search, filters, drill-down,
sorting, grouping) and is private to its owner unless shared; a shared one is offered to
everyone who may open the list, and the records it shows still pass through each
reader's own rules. Pivots and graphs are saved the same way with their own ``kind``.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, g, redirect, request
from flask_login import login_required
from sqlalchemy import delete, or_, select

from core import db
from core.hookspecs import ModelView
from core.i18n import lazy_gettext as _l
from core.models import SavedFilter, ViewPreference
from core.schemas import BusinessError
from core.security.access import current_access
from core.views.query import relationship_of
from core.views.screens import blueprint, find_view, view_url

MSG_COLUMNS_SAVED = _l("Columns saved.")
MSG_COLUMNS_RESET = _l("Columns reset to the defaults.")
MSG_FILTER_SAVED = _l("Filter “%(name)s” saved.")
MSG_FILTER_DELETED = _l("Filter deleted.")
MSG_FILTER_NAME = _l("Give the filter a name of at most %(max)d characters.")
MSG_FILTER_TAKEN = _l("You already have a filter with this name here.")
MSG_TOO_MANY_FILTERS = _l("At most %(count)d saved filters per list.")
MSG_NO_COLUMNS = _l("Keep at least one column.")

NAME_LENGTH = 80
MAX_FILTERS = 100
MAX_PARAMS = 40
PARAM_LENGTH = 200
# Query parameters a saved list filter may keep (``page`` and the like are left out).
KEPT = ("q", "f", "sort", "desc", "archived", "group")
KEPT_PREFIXES = ("eq.", "month.")
KINDS = ("list", "pivot", "graph")


# --------------------------------------------------------------------------- columns


def column_choices(view: ModelView) -> list[tuple[str, Any]]:
    """Every field the list may show: the declared fields that are columns or
    many-to-ones (a many-to-one's key column is offered through its relationship)."""
    table = view.model.__table__.columns
    names: list[tuple[str, Any]] = []
    by_name = {f.name: f for f in view.fields}
    relationship_keys = set()
    for spec in view.fields:
        relationship = relationship_of(view.model, spec.name)
        if relationship is not None and relationship.direction.name == "MANYTOONE":
            relationship_keys.update(c.key for c in relationship.local_columns)
    readable = current_access().readable_fields(view.model)
    for name in dict.fromkeys((*view.list_columns, *by_name)):
        if name in relationship_keys:
            continue
        if name in table and name not in readable:
            continue  # a protected column: not even its label
        relationship = relationship_of(view.model, name)
        is_reference = relationship is not None and relationship.direction.name == "MANYTOONE"
        if name in table or is_reference:
            spec = by_name.get(name)
            names.append((name, spec.label if spec else name))
    return names


def chosen_columns(view: ModelView) -> tuple[str, ...] | None:
    """The current user's columns for ``view`` (None: the declared ones)."""
    uid = g.get("uid")
    if uid is None:
        return None
    preference = db.session().get(ViewPreference, (uid, view.name))
    if preference is None:
        return None
    allowed = {name for name, _label in column_choices(view)}
    chosen = tuple(name for name in preference.columns if name in allowed)
    return chosen or None


@blueprint.post("/<addon>/<slug>/columns")
@login_required
def save_columns(addon: str, slug: str):
    view = find_view(addon, slug)
    current_access().require(f"{view.model.__resource__}.read")
    session = db.session()
    uid = g.uid
    if request.form.get("reset") == "1":
        session.execute(
            delete(ViewPreference).where(
                ViewPreference.user_id == uid, ViewPreference.view == view.name
            )
        )
        session.commit()
        flash(str(MSG_COLUMNS_RESET), "success")
        return redirect(view_url(view.name))
    allowed = [name for name, _label in column_choices(view)]
    wanted = [name for name in request.form.getlist("columns") if name in allowed]
    if not wanted:
        flash(str(MSG_NO_COLUMNS), "danger")
        return redirect(view_url(view.name))
    preference = session.get(ViewPreference, (uid, view.name))
    if preference is None:
        session.add(ViewPreference(user_id=uid, view=view.name, columns=wanted))
    else:
        preference.columns = wanted
    session.commit()
    flash(str(MSG_COLUMNS_SAVED), "success")
    return redirect(view_url(view.name))


# --------------------------------------------------------------------------- filters


def kept_params(args) -> dict[str, Any]:
    """The parameters of a list worth saving, bounded in number and length."""
    params: dict[str, Any] = {}
    for key in dict.fromkeys(args.keys()):
        if key not in KEPT and not key.startswith(KEPT_PREFIXES):
            continue
        if len(params) >= MAX_PARAMS or len(key) > PARAM_LENGTH:
            break
        values = [v[:PARAM_LENGTH] for v in args.getlist(key)[:MAX_PARAMS]]
        params[key] = values if len(values) > 1 or key == "f" else values[0]
    return params


def saved_filters(view: ModelView, kind: str = "list") -> list[SavedFilter]:
    """The user's own filters of ``view`` and those others shared, own first."""
    uid = g.get("uid")
    if uid is None:
        return []
    statement = (
        select(SavedFilter)
        .where(
            SavedFilter.view == view.name,
            SavedFilter.kind == kind,
            or_(SavedFilter.user_id == uid, SavedFilter.shared.is_(True)),
        )
        .order_by((SavedFilter.user_id != uid), SavedFilter.name)
    )
    return list(db.session().scalars(statement))


def filter_url(view: ModelView, saved: SavedFilter) -> str:
    base = view_url(view.name)
    if saved.kind != "list":
        base = base.rstrip("/") + "/" + saved.kind
    query = urlencode(saved.params, doseq=True)
    return f"{base}?{query}" if query else base


def store_filter(view: ModelView, kind: str, name: str, shared: bool, params: dict) -> SavedFilter:
    """Save (or overwrite) the user's filter ``name``; the caller commits."""
    name = (name or "").strip()
    if (
        not name
        or len(name) > NAME_LENGTH
        or any(unicodedata.category(char) == "Cc" for char in name)
    ):
        raise BusinessError.on("name", str(MSG_FILTER_NAME) % {"max": NAME_LENGTH})
    if kind not in KINDS:
        abort(400)
    session = db.session()
    uid = g.uid
    existing = session.scalar(
        select(SavedFilter).where(
            SavedFilter.user_id == uid,
            SavedFilter.view == view.name,
            SavedFilter.kind == kind,
            SavedFilter.name == name,
        )
    )
    if existing is None:
        count = len(
            session.scalars(
                select(SavedFilter.id).where(
                    SavedFilter.user_id == uid, SavedFilter.view == view.name
                )
            ).all()
        )
        if count >= MAX_FILTERS:
            raise BusinessError.on("name", str(MSG_TOO_MANY_FILTERS) % {"count": MAX_FILTERS})
        existing = SavedFilter(user_id=uid, view=view.name, kind=kind, name=name)
        session.add(existing)
    existing.shared = shared
    existing.params = params
    session.flush()
    return existing


@blueprint.post("/<addon>/<slug>/filters")
@login_required
def save_filter(addon: str, slug: str):
    view = find_view(addon, slug)
    current_access().require(f"{view.model.__resource__}.read")
    params = kept_params(request.form)
    session = db.session()
    try:
        saved = store_filter(
            view, "list", request.form.get("name", ""), request.form.get("shared") == "1", params
        )
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(" ".join(str(m) for m in error.messages.get("name", [])), "danger")
        return redirect(view_url(view.name))
    flash(str(MSG_FILTER_SAVED) % {"name": saved.name}, "success")
    return redirect(filter_url(view, saved))


@blueprint.post("/<addon>/<slug>/filters/<int:filter_id>/delete")
@login_required
def delete_filter(addon: str, slug: str, filter_id: int):
    view = find_view(addon, slug)
    session = db.session()
    saved = session.get(SavedFilter, filter_id)
    # Only the owner deletes; another user's filter is as good as missing.
    if saved is None or saved.user_id != g.uid or saved.view != view.name:
        abort(404)
    session.delete(saved)
    session.commit()
    flash(str(MSG_FILTER_DELETED), "success")
    return redirect(view_url(view.name))
