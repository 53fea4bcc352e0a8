"""Panels on the generic form: what a form shows besides its fields.

``core/views/form.html`` asks :func:`form_panels` for the panels of a view, once inside
the form (inputs that are saved with it) and once after it (panels with forms of their
own). Every record's form gets its history; a user's form gets the new user's initial
password, and the roles, companies and password reset of an existing user. Panels are
partial templates under ``core/admin/``, each given its ``panel.data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import get_locale

from core import db
from core.admin.history import record_history
from core.admin.roles import sorted_roles
from core.admin.users import companies_of, roles_of
from core.hookspecs import ModelView, PanelChart, PanelContent, Role
from core.models import Company
from core.registry import get_registry
from core.security.access import current_access, load_book
from core.views.display import record_name

INSIDE = "inside"
AFTER = "after"


@dataclass(frozen=True)
class Panel:
    template: str
    data: Any = None


@dataclass(frozen=True)
class RoleGroup:
    """Roles of one app (``Sales / User`` and ``Sales / Manager`` under Sales)."""

    label: str
    roles: list[Role] = field(default_factory=list)


@dataclass(frozen=True)
class UserAccess:
    user: Any
    groups: list[RoleGroup]
    held: set[str]
    companies: list[tuple[int, str]]
    allowed: set[int]
    can_manage: bool
    password_url: str


def form_panels(view: ModelView, record: Any, place: str) -> list[Panel]:
    """The panels of ``view``'s form for ``record`` (None: a new one) at ``place``:
    core's own, then those addons declare with ``core_register_form_panels``, then
    the record's history."""
    panels = []
    special = VIEW_PANELS.get(view.name)
    if special is not None:
        panels += special(view, record, place)
    if place == AFTER and record is not None:
        panels += addon_panels(view, record)
        panels.append(Panel("core/admin/_history.html", record_history(view, record)))
    return panels


@dataclass(frozen=True)
class BuiltPanel:
    name: str
    label: Any
    content: PanelContent

    @property
    def charts(self) -> list[tuple[str, dict[str, Any]]]:
        """Each chart's title and its data as ``analysis.js`` draws it."""
        return [(str(chart.label), chart_data(chart)) for chart in self.content.charts]


def chart_data(chart: PanelChart) -> dict[str, Any]:
    from core.views.analysis import chart_series

    count = len(chart.categories)
    links = [chart.links[n] if n < len(chart.links) else None for n in range(count)]
    scales = [
        -value.as_tuple().exponent
        for _name, values in chart.series
        for value in values
        if isinstance(value, Decimal)
    ]
    return {
        "type": chart.kind if chart.kind in ("bar", "line") else "bar",
        "locale": "ZH" if str(get_locale()).startswith("zh") else "EN",
        "language": str(get_locale()).replace("_", "-"),
        "measure": str(chart.measure),
        "x": "",
        "categories": [str(c) for c in chart.categories],
        "series": [chart_series(str(name), list(values), links) for name, values in chart.series],
        "decimals": max(scales, default=0),
    }


def addon_panels(view: ModelView, record: Any) -> list[Panel]:
    """The addons' panels for ``record`` that the current user may see, built now."""
    access = current_access()
    declared = [
        p
        for p in get_registry().collect("core_register_form_panels")
        if p.view == view.name and (p.permission is None or access.can(p.permission))
    ]
    panels = []
    for declared_panel in sorted(declared, key=lambda p: (p.sequence, p.name)):
        content = declared_panel.build(db.session(), access, record)
        if content is not None:
            built = BuiltPanel(declared_panel.name, declared_panel.label, content)
            panels.append(Panel("core/views/_panel.html", built))
    return panels


def role_groups(roles: list[Role]) -> list[RoleGroup]:
    groups: dict[str, RoleGroup] = {}
    for role in roles:
        app = str(role.label).split(" / ", 1)[0] if " / " in str(role.label) else ""
        groups.setdefault(app, RoleGroup(app)).roles.append(role)
    return list(groups.values())


def _user_panels(view: ModelView, user: Any, place: str) -> list[Panel]:
    if user is None:
        return [Panel("core/admin/_user_new.html")] if place == INSIDE else []
    if place != AFTER:
        return []
    access = current_access()
    session = db.session()
    companies = []
    if access.can("core.company.read"):
        rows = session.scalars(access.select(Company).order_by(Company.name))
        companies = [(row.id, record_name(row)) for row in rows]
    can_manage = access.can("core.user.manage") and (
        not user.is_superuser or access.principal.is_superuser
    )
    data = UserAccess(
        user=user,
        groups=role_groups(sorted_roles(load_book(session))),
        held=roles_of(session, user.id),
        companies=companies,
        allowed=companies_of(session, user.id),
        can_manage=can_manage,
        password_url=url_for("core.admin.user_password", user_id=user.id),
    )
    return [Panel("core/admin/_user_access.html", data)]


VIEW_PANELS = {"core.user": _user_panels}


def init_app(app) -> None:
    app.jinja_env.globals["form_panels"] = form_panels
