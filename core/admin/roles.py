"""The roles page: every role (declared by the installed apps, or custom) with what it
includes and grants; custom roles created, changed and deleted here.

Seeing roles takes ``core.user.read``, changing them ``core.user.manage``. The rules
(names, cycles, roles still held) are the services' in ``core.security.access``, which
also audit every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func, select

from core import db
from core.admin.blueprint import blueprint, form_list, form_text
from core.hookspecs import Permission, Role
from core.i18n import lazy_gettext as _l
from core.registry import get_registry
from core.schemas import BusinessError
from core.security.access import (
    CUSTOM_PREFIX,
    RoleBook,
    create_custom_role,
    current_access,
    delete_custom_role,
    load_book,
    update_custom_role,
)
from core.security.models import UserRole

MSG_ROLE_CREATED = _l("Role %(role)s created.")
MSG_ROLE_SAVED = _l("Role %(role)s saved.")
MSG_ROLE_DELETED = _l("Role %(role)s deleted.")


@dataclass(frozen=True)
class RoleLine:
    """A role as the roles page shows it."""

    role: Role
    includes: list[Any]
    grants: list[Any]
    holders: int

    @property
    def custom(self) -> bool:
        return self.role.name.startswith(CUSTOM_PREFIX)


@dataclass(frozen=True)
class PermissionGroup:
    label: Any
    permissions: list[Permission]


def permission_labels() -> dict[str, Any]:
    return {p.name: p.label for p in get_registry().collect("core_register_permissions")}


def app_labels() -> dict[str, Any]:
    """Each app's name as its top-level menu says it (``core`` is the Settings app)."""
    return {
        item.id.split(".", 1)[0]: item.label
        for item in get_registry().collect("core_register_menus")
        if item.parent is None
    }


def permission_groups() -> list[PermissionGroup]:
    """The declared permissions, grouped by the app that declares them."""
    apps = app_labels()
    groups: dict[str, list[Permission]] = {}
    for permission in get_registry().collect("core_register_permissions"):
        groups.setdefault(permission.resource.split(".", 1)[0], []).append(permission)
    return [
        PermissionGroup(apps.get(app, app), sorted(found, key=lambda p: p.name))
        for app, found in sorted(groups.items())
    ]


def sorted_roles(book: RoleBook) -> list[Role]:
    return sorted(
        book.roles.values(), key=lambda r: (r.name.startswith(CUSTOM_PREFIX), str(r.label))
    )


def role_lines(session, book: RoleBook) -> list[RoleLine]:
    labels = permission_labels()
    holders = dict(
        session.execute(select(UserRole.role, func.count()).group_by(UserRole.role)).all()
    )
    return [
        RoleLine(
            role,
            [book.roles[n].label if n in book else n for n in role.implies],
            [labels.get(p, p) for p in sorted(role.permissions)],
            holders.get(role.name, 0),
        )
        for role in sorted_roles(book)
    ]


# --------------------------------------------------------------------------- pages


@blueprint.get("/admin/roles")
@login_required
def roles():
    access = current_access()
    access.require("core.user.read")
    session = db.session()
    return render_template(
        "core/admin/roles.html",
        lines=role_lines(session, load_book(session)),
        can_manage=access.can("core.user.manage"),
    )


def _form(role: Role | None, values: dict[str, Any], errors: dict, status: int = 200):
    book = load_book(db.session())
    choices = [r for r in sorted_roles(book) if role is None or r.name != role.name]
    return render_template(
        "core/admin/role_form.html",
        role=role,
        values=values,
        errors=errors,
        role_choices=choices,
        groups=permission_groups(),
    ), status


def _submitted() -> dict[str, Any]:
    return {
        "name": form_text("name", 80).strip(),
        "label": form_text("label", 255),
        "description": form_text("description", 2000),
        "implies": form_list("implies"),
        "permissions": form_list("permissions"),
    }


@blueprint.route("/admin/roles/new", methods=["GET", "POST"])
@login_required
def role_new():
    current_access().require("core.user.manage")
    if request.method != "POST":
        values = {"name": CUSTOM_PREFIX, "implies": [], "permissions": []}
        return _form(None, values, {})
    values = _submitted()
    session = db.session()
    try:
        create_custom_role(
            session,
            values["name"],
            values["label"],
            values["implies"],
            values["description"],
            values["permissions"],
        )
        session.commit()
    except BusinessError as error:
        session.rollback()
        return _form(None, values, error.messages, 422)
    flash(str(MSG_ROLE_CREATED) % {"role": values["label"].strip()}, "success")
    return redirect(url_for("core.admin.roles"))


def _custom(name: str) -> Role:
    role = load_book(db.session()).roles.get(name)
    if role is None or not name.startswith(CUSTOM_PREFIX):
        abort(404)
    return role


@blueprint.route("/admin/roles/<name>", methods=["GET", "POST"])
@login_required
def role_edit(name: str):
    current_access().require("core.user.manage")
    role = _custom(name)
    if request.method != "POST":
        values = {
            "name": role.name,
            "label": str(role.label),
            "description": role.description or "",
            "implies": list(role.implies),
            "permissions": list(role.permissions),
        }
        return _form(role, values, {})
    values = {**_submitted(), "name": role.name}
    session = db.session()
    try:
        update_custom_role(
            session,
            role.name,
            values["label"],
            values["implies"],
            values["description"],
            values["permissions"],
        )
        session.commit()
    except BusinessError as error:
        session.rollback()
        return _form(role, values, error.messages, 422)
    flash(str(MSG_ROLE_SAVED) % {"role": values["label"].strip()}, "success")
    return redirect(url_for("core.admin.roles"))


@blueprint.post("/admin/roles/<name>/delete")
@login_required
def role_delete(name: str):
    current_access().require("core.user.manage")
    role = _custom(name)
    session = db.session()
    try:
        delete_custom_role(session, role.name)
        session.commit()
    except BusinessError as error:
        session.rollback()
        flash(str(error), "danger")
    else:
        flash(str(MSG_ROLE_DELETED) % {"role": role.label}, "success")
    return redirect(url_for("core.admin.roles"))
