"""The authorization matrix over HTTP, generated from what the addons declare (issue 3).

For every resource declared with an API (partners, products and the delta fixture addon),
every action (list, create, read, update, delete over the API; export on the list's screen,
in a browser session) and every role the registry knows (and
no role at all), a user holding the role in each of two companies calls the API, and the
answer must be exactly what :class:`core.security.access.Access` says: 200/201/204 when
it allows, 403 without the permission, 404 when the record's rules hide it, 405 when the
resource does not offer the action. Nothing here lists resources or roles by hand; only the
sample input each resource needs to create a valid record is written down, and a test
fails when a declared resource has none.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import ActiveMixin
from core.plugins import collect, discover, make_plugin_manager
from core.security.access import AccessDenied, RecordNotFound, access_for
from core.security.passwords import hash_password
from core.testing import build_app, log_in
from tests.conftest import FIXTURE_ADDONS

ADDONS = ("partners", "products", "delta")
ACTIONS = ("list", "create", "read", "update", "delete", "export")
NO_ROLE = "no role"
MATRIX_PASSWORD = "matrix-of-every-role-9"
SUCCESS = {"list": 200, "create": 201, "read": 200, "update": 200, "delete": 204, "export": 200}
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
    logins: dict[int, str]
    browsers: dict[int, Any] = field(default_factory=dict)

    def browser(self, user_id: int):
        """A test client logged in as ``user_id`` through the login form (made once)."""
        if user_id not in self.browsers:
            client = self.app.test_client()
            log_in(client, self.logins[user_id], MATRIX_PASSWORD)
            self.browsers[user_id] = client
        return self.browsers[user_id]


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

    logins: dict[int, str] = {}

    def build(session):
        from addons.products.models import UomCategory

        first = session.scalar(select(Company).order_by(Company.id))
        second = Company(name="Matrix B", code="MATRIX-B")
        session.add(second)
        session.flush()
        companies = {"A": first.id, "B": second.id}
        users = {}
        password_hash = hash_password(MATRIX_PASSWORD)  # once: argon2 is slow on purpose
        for number, role in enumerate((*ROLES, NO_ROLE)):
            for company, company_id in companies.items():
                user = User(
                    login=f"m{number}{company.lower()}",
                    name=f"{role} {company}",
                    company_id=company_id,
                    password_hash=password_hash,
                )
                session.add(user)
                session.flush()
                if role != NO_ROLE:
                    session.add(UserRole(user_id=user.id, role=role))
                token, _record = create_token(session, user, name="matrix")
                users[(role, company)] = (user.id, headers(token))
                logins[user.id] = user.login
        admin = session.scalar(select(User).where(User.is_superuser).order_by(User.id))
        admin_token, _record = create_token(session, admin, name="matrix")
        category = session.scalar(select(UomCategory.id).order_by(UomCategory.id))
        return users, headers(admin_token), category

    with app.app_context():
        users, admin, category = database.atomic(build)
    yield World(app, admin, users, category, itertools.count(1), logins)
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
            elif action in ("create", "export"):
                access.require(f"{view.model.__resource__}.{action}")
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


def call(world, api: str, action: str, record_id: int | None, user_id: int, data):
    """The request for ``action``: the API with the user's token, or for an export the
    list's screen in the user's browser session (tokens open only the API)."""
    client = world.app.test_client()
    headers = next(h for uid, h in world.users.values() if uid == user_id)
    url = f"/api/v1/{api}" if record_id is None else f"/api/v1/{api}/{record_id}"
    if action == "list":
        return client.get(url, headers=headers)
    if action == "create":
        return client.post(url, headers=headers, json=data)
    if action == "read":
        return client.get(url, headers=headers)
    if action == "update":
        return client.patch(url, headers=headers, json={"name": data["name"] + " (changed)"})
    if action == "export":
        addon, slug = VIEWS[api].name.split(".", 1)
        browser = world.browser(user_id)
        return browser.get(f"/{addon}/{slug}/export?format=json", headers={"Accept-Language": "en"})
    return client.delete(url, headers=headers)


@pytest.mark.spec("5.3.1.1", "5.3.1.2", "6.2.5", "6.2.6")
@pytest.mark.parametrize(
    ("api", "action", "role"), CASES, ids=[f"{a}×{b}×{c}" for a, b, c in CASES]
)
def test_the_api_answers_what_access_allows(world, api, action, role):
    client = world.app.test_client()
    for company in ("A", "B"):
        user_id, _auth = world.users[(role, company)]
        record_id = (
            None
            if action in ("list", "create", "export")
            else new_record(world, client, api, user_id)
        )
        data = sample(
            api, next(world.counter), {"uom_category_id": world.uom_category_id, "user_id": user_id}
        )
        wanted = expected(world, user_id, api, action, record_id)
        answer = call(world, api, action, record_id, user_id, data)
        where = f"{api} × {action} × {role} in company {company}"
        assert answer.status_code == wanted, (
            f"{where}: API answered {answer.status_code}, Access says {wanted}: "
            f"{answer.get_data(as_text=True)[:300]}"
        )
        if action == "list" and wanted == 200:
            assert answer.json["total"] == visible_total(world, user_id, api), where
        if action == "export" and wanted == 200:
            assert len(answer.json) == visible_total(world, user_id, api), where
