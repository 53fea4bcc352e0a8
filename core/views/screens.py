"""List and form screens of every declared ModelView, under ``/<addon>/<slug>/``.

Every read goes through ``current_access()`` (permissions, record rules, protected
fields); every write goes to the addon's service function in one transaction, and a
BusinessError comes back as messages beside the fields, with nothing written.
"""

from __future__ import annotations

import enum
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import Boolean, Enum, Integer, Numeric, String, Text
from sqlalchemy.types import TypeDecorator

from core import db
from core.db import ActiveMixin, Base
from core.hookspecs import ModelView, ViewField
from core.i18n import lazy_gettext as _l
from core.registry import get_registry
from core.schemas import BusinessError
from core.security.access import AccessDenied, current_access
from core.views import lines
from core.views.display import record_name, show
from core.views.query import ListRequest, load_page, visible_columns

blueprint = Blueprint("views", __name__)

MSG_SAVED = _l("Saved.")
MSG_CREATED = _l("Created.")
MAX_CHOICES = 500


def registered_views() -> dict[str, ModelView]:
    return {view.name: view for view in get_registry().collect("core_register_views")}


def find_view(addon: str, slug: str) -> ModelView:
    view = registered_views().get(f"{addon}.{slug}")
    if view is None:
        abort(404)
    return view


def view_url(name: str, **args: Any) -> str:
    addon, slug = name.split(".", 1)
    return url_for("core.views.list_records", addon=addon, slug=slug, **args)


# --------------------------------------------------------------------------- list


@blueprint.get("/<addon>/<slug>/")
@login_required
def list_records(addon: str, slug: str):
    from core.views import analysis, personal, records

    view = find_view(addon, slug)
    access = current_access()
    wanted = ListRequest.from_args(request.args, view)
    columns = personal.chosen_columns(view)
    grouped = analysis.grouped_list(db.session(), view, access, wanted, columns)
    page = grouped.page if grouped else load_page(db.session(), view, access, wanted, columns)
    return render_template(
        "core/views/list.html",
        view=view,
        page=page,
        specs=_specs(view),
        show=show,
        can_create=view.create is not None and access.can_do(view.model, "create"),
        link=_list_link(view, wanted),
        column_choices=personal.column_choices(view),
        saved_filters=personal.saved_filters(view),
        filter_url=personal.filter_url,
        current_params=wanted.args(),
        numeric=numeric_columns(view),
        # Group rows are not records: nothing to select in a grouped list.
        **records.list_context(view, selectable=not grouped),
        **analysis.list_context(view, access, wanted, grouped),
    )


def numeric_columns(view: ModelView) -> set[str]:
    """Columns holding amounts or counts: right-aligned, as figures are read."""
    found = set()
    for column in view.model.__table__.columns:
        kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
        if (
            isinstance(kind, Numeric | Integer)
            and not column.foreign_keys
            and not column.primary_key
        ):
            found.add(column.key)
    return found


def _list_link(view: ModelView, current: ListRequest):
    """A URL of this list with some of its parameters changed."""

    def link(**changes: Any) -> str:
        params = {**current.args(), "page": current.page}
        params.update(changes)
        return view_url(view.name, **{k: v for k, v in params.items() if v not in (None, "")})

    return link


# --------------------------------------------------------------------------- forms


@blueprint.route("/<addon>/<slug>/new", methods=["GET", "POST"])
@login_required
def create_record(addon: str, slug: str):
    view = find_view(addon, slug)
    access = current_access()
    if view.create is None:
        abort(404)
    access.require(f"{view.model.__resource__}.create")
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _form_data(view)
        session = db.session()
        try:
            record = view.create(session, values)
            session.flush()
            access.check(session, record, "create")
            session.commit()
        except BusinessError as error:
            session.rollback()
            errors = error.messages
        else:
            flash(str(MSG_CREATED), "success")
            return redirect(url_for(".edit_record", addon=addon, slug=slug, record_id=record.id))
    return _render_form(view, None, values, errors, editable=True)


@blueprint.route("/<addon>/<slug>/<int:record_id>", methods=["GET", "POST"])
@login_required
def edit_record(addon: str, slug: str, record_id: int):
    view = find_view(addon, slug)
    access = current_access()
    session = db.session()
    record = access.get(session, view.model, record_id)
    editable = view.update is not None and access.can_do(view.model, "write")
    values = {name: _current_value(record, name) for name in view.form_fields}
    values.update(lines.record_lines(view, record))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not editable:
            raise AccessDenied(f"{view.model.__resource__}.write")
        access.get(session, view.model, record_id, "write")
        posted = _form_data(view)
        values = {**values, **posted}  # read-only fields keep showing what the record holds
        try:
            view.update(session, record_id, posted)
            session.flush()
            access.check(session, record, "write")
            session.commit()
        except BusinessError as error:
            session.rollback()
            errors = error.messages
        else:
            flash(str(MSG_SAVED), "success")
            return redirect(request.path)
    return _render_form(view, record, values, errors, editable=editable)


def _render_form(view: ModelView, record, values, errors, *, editable: bool):
    access = current_access()
    # A new record has nothing computed to show yet.
    names = view.form_fields if record is not None else view.input_fields
    fields = visible_columns(view, access, names)
    widgets = [_widget(view, name) for name in fields]
    for widget in widgets:
        if widget["kind"] == "autocomplete" and values.get(widget["name"]):
            widget["current"] = _reference_label(view, widget["name"], values[widget["name"]])
    status = 422 if errors else 200
    from core.views import records

    return render_template(
        "core/views/form.html",
        view=view,
        record=record,
        widgets=widgets,
        values=values,
        errors=errors,
        editable=editable,
        title=record_name(record) if record else None,
        grids=lines.grids(view, values, errors),
        show=show,
        **records.form_context(view, record),
    ), status


def _form_data(view: ModelView) -> dict[str, Any]:
    """The submitted form fields, limited to the view's form fields; checkboxes as booleans."""
    data: dict[str, Any] = {}
    for name in view.input_fields:
        column = view.model.__table__.columns.get(name)
        if column is not None and isinstance(column.type, Boolean):
            data[name] = name in request.form
        elif name in request.form:
            data[name] = request.form.get(name, "")
    data.update(lines.posted_lines(view, request.form))
    return data


def _current_value(record, name: str) -> Any:
    value = getattr(record, name, None)
    return value.value if isinstance(value, enum.Enum) else value


# --------------------------------------------------------------------------- widgets


def _specs(view: ModelView) -> dict[str, ViewField]:
    return {f.name: f for f in view.fields}


def _widget(view: ModelView, name: str) -> dict[str, Any]:
    """How to edit field ``name``: kind, label, limits, and choices where there are any."""
    spec = _specs(view).get(name) or ViewField(name, name)
    column = view.model.__table__.columns.get(name)
    widget: dict[str, Any] = {
        "name": name,
        "label": spec.label,
        "kind": "text",
        "readonly": spec.readonly,
        "required": False
        if spec.readonly
        else spec.required
        if spec.required is not None
        else (
            column is not None
            and not column.nullable
            and column.default is None
            and not column.primary_key
        ),
    }
    if column is None:
        return widget
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if column.foreign_keys:
        choices = _reference_choices(column)
        widget.update(kind="reference", choices=choices)
        if choices is None:  # too many to list: type to search
            widget.update(
                kind="autocomplete",
                lookup=url_for(".lookup", addon=view.addon, slug=view.slug, field=name),
            )
    elif isinstance(kind, Boolean):
        widget.update(kind="checkbox", required=False)
    elif isinstance(kind, Enum):
        labels = dict(spec.choices)
        widget.update(kind="select", choices=[(v, labels.get(v, v)) for v in kind.enums])
    elif spec.choices:  # a text column limited to declared values (a language, a currency)
        widget.update(kind="select", choices=list(spec.choices))
    elif isinstance(kind, Numeric):
        widget.update(kind="number")
    elif isinstance(kind, Integer):
        widget.update(kind="integer")
    elif isinstance(kind, Text):
        widget.update(kind="textarea")
    elif isinstance(kind, String) and kind.length:
        widget.update(maxlength=kind.length)
    return widget


def _reference_label(view: ModelView, name: str, value: Any) -> str:
    """The name of the record a many-to-one value points at, when the user may see it."""
    from core.views.lookup import pickable, reference_target

    target = reference_target(view.model, name)
    statement = pickable(current_access(), target) if target is not None else None
    if statement is None:
        return str(value)
    try:
        record = db.session().scalar(statement.where(target.id == int(value)))
    except (TypeError, ValueError):
        return str(value)
    return record_name(record) if record is not None else str(value)


def _reference_choices(column) -> list[tuple[int, str]] | None:
    """Records the user may pick for a many-to-one field (None: too many, type the id)."""
    target_table = next(iter(column.foreign_keys)).column.table
    target = next((m.class_ for m in Base.registry.mappers if m.local_table is target_table), None)
    from core.views.lookup import pickable

    statement = pickable(current_access(), target) if target is not None else None
    if statement is None:
        return None
    if issubclass(target, ActiveMixin):
        statement = statement.where(target.active.is_(True))
    rows = db.session().scalars(statement.limit(MAX_CHOICES + 1)).all()
    if len(rows) > MAX_CHOICES:
        return None
    return sorted(((row.id, record_name(row)) for row in rows), key=lambda pair: pair[1])


def init_app(app) -> None:
    from core.views import (  # noqa: F401  (their routes join the blueprint)
        analysis,
        dashboards,
        lookup,
        personal,
        records,
    )
    from core.views.exchange import routes as exchange  # noqa: F401  (export, import, print)

    app.register_blueprint(blueprint, name_prefix="core")
    app.jinja_env.globals["view_url"] = view_url
