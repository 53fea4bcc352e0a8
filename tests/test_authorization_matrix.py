"""The authorization matrix over HTTP, generated from what the addons declare (issue 3).

For every resource declared with an API (partners, products and the delta fixture addon),
every action (list, create, read, update, delete) and every role the registry knows (and
no role at all), a user holding the role in each of two companies calls the API, and the
answer must be exactly what :class:`core.security.access.Access` says: 200/201/204 when
it allows, 403 without the permission, 404 when the record's rules hide it, 405 when the
resource does not offer the action. Nothing here lists resources or roles by hand; only the
sample input each resource needs to create a valid record is written down, and a test
fails when a declared resource has none.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import ActiveMixin
from core.plugins import collect, discover, make_plugin_manager
from core.security.access import AccessDenied, RecordNotFound, access_for
from core.testing import build_app
from tests.conftest import FIXTURE_ADDONS

ADDONS = ("partners", "products", "delta")
ACTIONS = ("list", "create", "read", "update", "delete")
NO_ROLE = "no role"
SUCCESS = {"list": 200, "create": 201, "read": 200, "update": 200, "delete": 204}
ACCESS_ACTION = {"read": "read", "update": "write", "delete": "delete"}
SERVICE = {"create": "create", "update": "update", "delete": "delete"}


def _declared():
    catalog = discover([str(FIXTURE_ADDONS)])
    pm = make_plugin_manager(catalog, catalog.closure(ADDONS))
    views = {view.api: view for view in collect(pm, "core_register_views") if view.api}
    roles = sorted(role.name for role in collect(pm, "core_register_roles"))
    return views, roles


VIEWS, ROLES = _declared()
CASES = [
    (api, action, role) for api in sorted(VIEWS) for action in ACTIONS for role in (*ROLES, NO_ROLE)
]


def sample(api: str, n: int, ctx: dict[str, Any]) -> dict[str, Any]:
    """A valid new record of ``api``: the only hand-written part (input is the addon's)."""
    samples = {
        "partners": {"name": f"Matrix partner {n}"},
        "partners/groups": {"name": f"Matrix group {n}"},
        "partners/tags": {"name": f"Matrix tag {n}"},
        "products": {"name": f"Matrix product {n}"},
        "products/categories": {"name": f"Matrix category {n}"},
        "products/uoms": {
            "name": f"Matrix unit {n}",
            "category_id": ctx["uom_category_id"],
            "kind": "bigger",
            "factor": "12",
        },
        # Owned by the caller, so the delta.user rule "own tasks" lets them reach it.
        "delta/tasks": {"name": f"Matrix task {n}", "owner_id": ctx["user_id"]},
    }
    return samples[api]


def test_the_matrix_covers_every_declared_resource_and_role():
    assert {"partners", "partners/groups", "products/uoms", "delta/tasks"} <= set(VIEWS)
    assert {"partners.user", "products.manager", "delta.user", "core.admin"} <= set(ROLES)
    for api in VIEWS:
        assert sample(api, 0, {"uom_category_id": 1, "user_id": 1}), f"no sample for {api}"


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    app: Any
    admin: dict[str, str]
    users: dict[tuple[str, str], tuple[int, dict[str, str]]]  # (role, company) -> id, headers
    uom_category_id: int
    counter: Any


@pytest.fixture(scope="module")
def world(db_engine):
    """One app with the three addons, and a user per role (and one without) in each of
    two companies, each with an API token; records are made fresh by each test."""
    from core.models import Company
    from core.registry import get_registry
    from core.security.models import UserRole
    from core.security.tokens import create_token
    from core.security.users import User

    app = build_app(
        db_engine.copy_url(frozenset({"partners", "products"})), ADDONS_PATH=str(FIXTURE_ADDONS)
    )
    database = app.extensions["tessera.db"]
    with app.app_context():
        get_registry(app).lifecycle.install(["delta"])

    def build(session):
        from addons.products.models import UomCategory

        first = session.scalar(select(Company).order_by(Company.id))
        second = Company(name="Matrix B", code="MATRIX-B")
        session.add(second)
        session.flush()
        companies = {"A": first.id, "B": second.id}
        users = {}
        for number, role in enumerate((*ROLES, NO_ROLE)):
            for company, company_id in companies.items():
                user = User(
                    login=f"m{number}{company.lower()}",
                    name=f"{role} {company}",
                    company_id=company_id,
                    password_hash="!",  # never logs in with a password: a token is made
                )
                session.add(user)
                session.flush()
                if role != NO_ROLE:
                    session.add(UserRole(user_id=user.id, role=role))
                token, _record = create_token(session, user, name="matrix")
                users[(role, company)] = (user.id, headers(token))
        admin = session.scalar(select(User).where(User.is_superuser).order_by(User.id))
        admin_token, _record = create_token(session, admin, name="matrix")
        category = session.scalar(select(UomCategory.id).order_by(UomCategory.id))
        return users, headers(admin_token), category

    with app.app_context():
        users, admin, category = database.atomic(build)
    yield World(app, admin, users, category, itertools.count(1))
    database.dispose()


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def new_record(world: World, client, api: str, user_id: int) -> int:
    """A fresh record of ``api`` in the first company, made by the superuser."""
    data = sample(
        api, next(world.counter), {"uom_category_id": world.uom_category_id, "user_id": user_id}
    )
    made = client.post(f"/api/v1/{api}", headers=world.admin, json=data)
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.json["id"]


def expected(world: World, user_id: int, api: str, action: str, record_id: int | None) -> int:
    """What Access says the user may do, as the status the API must answer."""
    from core import db

    view = VIEWS[api]
    if action in SERVICE and getattr(view, SERVICE[action]) is None:
        return 405
    with world.app.app_context():
        session = db.session()
        access = access_for(session, user_id)
        try:
            if action == "list":
                access.select(view.model)
            elif action == "create":
                access.require(f"{view.model.__resource__}.create")
            else:
                access.get(session, view.model, record_id, ACCESS_ACTION[action])
        except AccessDenied:
            return 403
        except RecordNotFound:
            return 404
    return SUCCESS[action]


def visible_total(world: World, user_id: int, api: str) -> int:
    """How many records the user's Access selects (active ones, as a list shows)."""
    from core import db

    model = VIEWS[api].model
    with world.app.app_context():
        session = db.session()
        statement = access_for(session, user_id).select(model)
        if issubclass(model, ActiveMixin):
            statement = statement.where(model.active.is_(True))
        return session.scalar(select(func.count()).select_from(statement.subquery()))


def call(client, api: str, action: str, record_id: int | None, headers: dict[str, str], data):
    url = f"/api/v1/{api}" if record_id is None else f"/api/v1/{api}/{record_id}"
    if action == "list":
        return client.get(url, headers=headers)
    if action == "create":
        return client.post(url, headers=headers, json=data)
    if action == "read":
        return client.get(url, headers=headers)
    if action == "update":
        return client.patch(url, headers=headers, json={"name": data["name"] + " (changed)"})
    return client.delete(url, headers=headers)


@pytest.mark.spec("5.3.1.1", "5.3.1.2", "6.2.5", "6.2.6")
@pytest.mark.parametrize(
    ("api", "action", "role"), CASES, ids=[f"{a}×{b}×{c}" for a, b, c in CASES]
)
def test_the_api_answers_what_access_allows(world, api, action, role):
    client = world.app.test_client()
    for company in ("A", "B"):
        user_id, auth = world.users[(role, company)]
        record_id = (
            None if action in ("list", "create") else new_record(world, client, api, user_id)
        )
        data = sample(
            api, next(world.counter), {"uom_category_id": world.uom_category_id, "user_id": user_id}
        )
        wanted = expected(world, user_id, api, action, record_id)
        answer = call(client, api, action, record_id, auth, data)
        where = f"{api} × {action} × {role} in company {company}"
        assert answer.status_code == wanted, (
            f"{where}: API answered {answer.status_code}, Access says {wanted}: "
            f"{answer.get_data(as_text=True)[:300]}"
        )
        if action == "list" and wanted == 200:
            assert answer.json["total"] == visible_total(world, user_id, api), where
