"""Permissions and record rules through the one access layer (test addon gamma).

Alice and Bob are gamma users (own documents), Carol a manager, Erin an auditor, all in
company A; Dave manages company B; Nobody holds no role. One document is confidential.
"""

import pytest
from sqlalchemy import func, select

from core.hookspecs import Role
from core.models import Company
from core.schemas import BusinessError
from core.security.access import (
    AccessDenied,
    RecordNotFound,
    RoleBook,
    access_for,
    assign_roles,
)
from core.security.models import AuditEntry, CustomRole, UserRole
from core.security.users import User

pytestmark = [pytest.mark.spec("5.3.1.1", "6.2.5", "6.2.6")]


@pytest.fixture
def world(fixture_app):
    app = fixture_app("gamma")
    from gamma.models import GammaDoc, GammaLine

    database = app.extensions["tessera.db"]
    ids = {}

    def build(session):
        company_a = session.scalar(select(Company).order_by(Company.id))
        company_b = Company(name="Company B", code="B")
        session.add(company_b)
        session.flush()
        people = {
            "alice": ("gamma.user", company_a),
            "bob": ("gamma.user", company_a),
            "carol": ("gamma.manager", company_a),
            "erin": ("gamma.auditor", company_a),
            "dave": ("gamma.manager", company_b),
            "nobody": (None, company_a),
        }
        for login, (role, company) in people.items():
            user = User(login=login, name=login.title(), company_id=company.id)
            session.add(user)
            session.flush()
            ids[login] = user.id
            if role:
                session.add(UserRole(user_id=user.id, role=role))
        docs = {
            "d1": (ids["alice"], company_a, False),
            "d2": (ids["bob"], company_a, False),
            "d3": (ids["alice"], company_a, True),
            "d4": (ids["dave"], company_b, False),
        }
        for name, (owner, company, confidential) in docs.items():
            doc = GammaDoc(
                name=name,
                owner_id=owner,
                company_id=company.id,
                confidential=confidential,
                cost=100,
            )
            doc.lines.append(GammaLine(text=f"{name} line"))
            session.add(doc)
            session.flush()
            ids[name] = doc.id
        ids["company_b"] = company_b.id

    with app.app_context():
        database.atomic(build)
    return app, ids, GammaDoc, GammaLine


def visible(app, login, ids, model, action="read"):
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        access = access_for(session, ids.get(login))
        rows = session.scalars(access.select(model, action)).all()
        return sorted(getattr(r, "name", None) or r.text for r in rows)


@pytest.mark.parametrize(
    ("login", "expected"),
    [
        ("alice", ["d1"]),
        ("bob", ["d2"]),
        ("carol", ["d1", "d2"]),
        ("erin", ["d1", "d2", "d3"]),
        ("dave", ["d4"]),
    ],
)
def test_each_user_reaches_exactly_their_records(world, login, expected):
    app, ids, GammaDoc, GammaLine = world
    assert visible(app, login, ids, GammaDoc) == expected
    assert visible(app, login, ids, GammaLine) == [f"{name} line" for name in expected]


def test_the_superuser_reaches_everything(world):
    app, ids, GammaDoc, _ = world
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        admin = session.scalar(select(User.id).where(User.is_superuser.is_(True)))
    assert visible(app, "admin", {**ids, "admin": admin}, GammaDoc) == ["d1", "d2", "d3", "d4"]


@pytest.mark.parametrize("login", ["nobody", None])
def test_no_role_means_no_access(world, login):
    app, ids, GammaDoc, _ = world
    with pytest.raises(AccessDenied):
        visible(app, login, ids, GammaDoc)


def test_actions_need_their_own_permission(world):
    app, ids, GammaDoc, _ = world
    with pytest.raises(AccessDenied, match=r"gamma\.doc\.delete"):
        visible(app, "alice", ids, GammaDoc, "delete")
    assert visible(app, "carol", ids, GammaDoc, "delete") == ["d1", "d2"]


def test_guessing_another_users_id_is_not_found(world):
    app, ids, GammaDoc, _ = world
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        access = access_for(session, ids["alice"])
        assert access.get(session, GammaDoc, ids["d1"]).name == "d1"
        for guess in (ids["d2"], ids["d3"], ids["d4"], 999999, "abc", -1, 2**40):
            with pytest.raises(RecordNotFound):
                access.get(session, GammaDoc, guess)


def test_counts_and_totals_obey_the_rules(world):
    app, ids, GammaDoc, _ = world
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        access = access_for(session, ids["carol"])
        statement = access.restrict(select(func.count(), func.sum(GammaDoc.cost)), GammaDoc)
        assert session.execute(statement).one() == (2, 200)


def test_creating_outside_ones_rules_is_refused(world):
    app, ids, GammaDoc, _ = world
    database = app.extensions["tessera.db"]

    def create(owner, company):
        def action(session):
            access = access_for(session, ids["alice"])
            doc = GammaDoc(name="new", owner_id=owner, company_id=company)
            session.add(doc)
            session.flush()
            access.check(session, doc, "create")

        return action

    with app.app_context():
        database.atomic(create(ids["alice"], None))  # own company by default
        for owner, company in ((ids["alice"], ids["company_b"]), (ids["bob"], None)):
            with pytest.raises(RecordNotFound):
                database.atomic(create(owner, company))
    assert visible(app, "carol", ids, GammaDoc) == ["d1", "d2", "new"]


def test_protected_fields_need_their_permission(world):
    app, ids, GammaDoc, _ = world
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        assert "cost" not in access_for(session, ids["alice"]).readable_fields(GammaDoc)
        assert "cost" in access_for(session, ids["carol"]).readable_fields(GammaDoc)


def test_custom_roles_combine_declared_ones(world):
    app, ids, GammaDoc, _ = world
    database = app.extensions["tessera.db"]

    def grant(session):
        session.add(CustomRole(name="custom.lead", label="Lead", implies=["gamma.manager"]))
        session.flush()
        from core.registry import get_registry

        book = RoleBook.load(session, get_registry().collect("core_register_roles"))
        assign_roles(session, ids["nobody"], ["custom.lead"], book)

    with app.app_context():
        database.atomic(grant)
    assert visible(app, "nobody", ids, GammaDoc) == ["d1", "d2"]
    with database.new_session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.event == "role_change")).one()
    assert entry.record_id == ids["nobody"]
    assert entry.changes == {"roles": [[], ["custom.lead"]]}


def test_unknown_roles_are_refused_and_nothing_changes(world):
    app, ids, _, _ = world
    database = app.extensions["tessera.db"]

    def grant(session):
        book = RoleBook([Role("gamma.user", "User")])
        assign_roles(session, ids["alice"], ["gamma.user", "gamma.wizard"], book)

    with app.app_context(), pytest.raises(BusinessError, match=r"gamma\.wizard"):
        database.atomic(grant)
    with database.new_session() as session:
        held = session.scalars(select(UserRole.role).where(UserRole.user_id == ids["alice"]))
        assert list(held) == ["gamma.user"]


def test_implied_roles_are_expanded_transitively():
    book = RoleBook(
        [
            Role("a.user", "U", permissions=("a.x.read",)),
            Role("a.manager", "M", permissions=("a.x.delete",), implies=("a.user",)),
            Role("custom.boss", "B", implies=("a.manager",)),
        ]
    )
    assert book.expand(["custom.boss"]) == {"custom.boss", "a.manager", "a.user"}
    assert book.permissions(["custom.boss"]) == {"a.x.read", "a.x.delete"}
    assert book.expand(["ghost"]) == frozenset()


@pytest.fixture
def run(monkeypatch):
    from flask.cli import ScriptInfo

    from core.cli import cli

    monkeypatch.setenv("LANG", "en_US.UTF-8")

    def invoke(app, *args):
        return app.test_cli_runner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    return invoke


def test_roles_are_listed_created_and_assigned_from_the_command_line(world, run):
    import json

    app, ids, GammaDoc, _ = world
    listed = json.loads(run(app, "roles", "list", "--json").output)
    manager = next(r for r in listed if r["name"] == "gamma.manager")
    assert manager["implies"] == ["gamma.user"]
    assert "gamma.doc.read" in manager["permissions"]
    assert "gamma.doc.delete" in manager["permissions"]

    made = run(
        app, "roles", "create", "custom.lead", "--label", "Lead", "--implies", "gamma.manager"
    )
    assert made.exit_code == 0, made.output
    given = run(app, "user", "roles", "nobody", "custom.lead")
    assert given.exit_code == 0, given.output
    assert given.output.strip() == "custom.lead"
    assert visible(app, "nobody", ids, GammaDoc) == ["d1", "d2"]
    assert run(app, "user", "roles", "nobody", "--clear").output.strip() == "-"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Boss", "--label", "B", "--implies", "gamma.user"), "custom. followed by"),
        (("custom.x1", "--label", "B", "--implies", "gamma.ghost"), "no role named gamma.ghost"),
        (("custom.x2", "--label", "B", "--implies", "custom.x2"), "cannot include itself"),
    ],
)
def test_bad_custom_roles_are_refused(world, run, args, message):
    app, _ids, _, _ = world
    result = run(app, "roles", "create", *args)
    assert result.exit_code == 1
    assert message in result.output
    with app.extensions["tessera.db"].new_session() as session:
        assert session.scalars(select(CustomRole)).all() == []


def test_assigning_an_unknown_role_from_the_command_line_fails(world, run):
    app, _ids, _, _ = world
    result = run(app, "user", "roles", "alice", "gamma.wizard")
    assert result.exit_code == 1
    assert "gamma.wizard" in result.output
