"""Automatic audit of audited models, and the `tessera audit verify|show` commands."""

import json

import pytest
from flask import g
from flask.cli import ScriptInfo
from sqlalchemy import select, text

from core.cli import cli
from core.security.audit import record, verify
from core.security.models import AuditEntry

pytestmark = pytest.mark.spec("6.3.5")


@pytest.fixture
def app(fixture_app):
    return fixture_app("alpha")


@pytest.fixture
def item_class(app):
    from alpha.models import AlphaItem

    return AlphaItem


def atomic(app, action):
    with app.app_context():
        return app.extensions["tessera.db"].atomic(action)


def entries(app, *events):
    with app.extensions["tessera.db"].new_session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if events:
            query = query.where(AuditEntry.event.in_(events))
        return session.scalars(query).all()


def create_item(app, item_class, name="Bolt", code="B-1"):
    def create(session):
        item = item_class(name=name, code=code)
        session.add(item)
        session.flush()
        return item.id

    return atomic(app, create)


def test_create_update_delete_are_logged_with_old_and_new_values(app, item_class):
    item_id = create_item(app, item_class)

    def rename(session):
        session.get(item_class, item_id).name = "Hex bolt"

    atomic(app, rename)
    atomic(app, lambda s: s.delete(s.get(item_class, item_id)))

    created, updated, deleted = entries(app, "create", "update", "delete")
    assert (created.event, created.resource, created.record_id) == ("create", "alpha.item", item_id)
    assert created.changes == {"name": [None, "Bolt"], "code": [None, "B-1"]}
    assert (updated.event, updated.record_id) == ("update", item_id)
    assert updated.changes == {"name": ["Bolt", "Hex bolt"]}  # only what changed
    assert (deleted.event, deleted.record_id) == ("delete", item_id)
    assert deleted.changes == {"name": ["Hex bolt", None], "code": ["B-1", None]}
    with app.extensions["tessera.db"].new_session() as session:
        assert verify(session).ok


def test_changes_left_unflushed_at_commit_are_logged(app, item_class):
    def create_without_flush(session):
        session.add(item_class(name="Nut", code="N-1"))

    atomic(app, create_without_flush)
    (created,) = entries(app, "create")
    assert created.record_id is not None
    assert created.changes == {"name": [None, "Nut"], "code": [None, "N-1"]}


def test_the_acting_user_is_recorded(app, item_class):
    with app.app_context():
        g.uid = 1
        app.extensions["tessera.db"].atomic(lambda s: s.add(item_class(name="Washer")))
    (created,) = entries(app, "create")
    assert created.user_id == 1


def test_saving_without_a_change_logs_nothing(app, item_class):
    item_id = create_item(app, item_class)

    def same_name(session):
        session.get(item_class, item_id).name = "Bolt"

    atomic(app, same_name)
    assert entries(app, "update") == []


def test_sensitive_values_are_masked(app, item_class, monkeypatch):
    monkeypatch.setitem(item_class.__table__.c.code.info, "sensitive", True)
    item_id = create_item(app, item_class, code="6222 0000 1111 2222")

    def change(session):
        session.get(item_class, item_id).code = "6222 0000 3333 4444"

    atomic(app, change)
    atomic(app, lambda s: setattr(s.get(item_class, item_id), "code", None))
    created, updated, cleared = entries(app, "create", "update")
    assert created.changes["code"] == [None, "***"]
    assert updated.changes == {"code": ["***", "***"]}
    assert cleared.changes == {"code": ["***", None]}
    with app.extensions["tessera.db"].engine.connect() as connection:
        dump = " ".join(str(r) for r in connection.execute(text("SELECT changes FROM core_audit")))
    assert "6222" not in dump


def test_a_rolled_back_transaction_leaves_no_entry(app, item_class):
    def fail(session):
        session.add(item_class(name="Ghost"))
        session.flush()
        raise ValueError("refused")

    with pytest.raises(ValueError):
        atomic(app, fail)
    assert entries(app) == []


def test_a_rolled_back_savepoint_leaves_no_entry(app, item_class):
    def partly(session):
        with session.begin_nested() as savepoint:
            session.add(item_class(name="Ghost"))
            session.flush()
            savepoint.rollback()
        session.add(item_class(name="Kept"))

    atomic(app, partly)
    (created,) = entries(app)
    assert created.changes["name"] == [None, "Kept"]


def test_a_child_sharing_its_parents_resource_is_logged_under_its_own_table(fixture_app):
    app = fixture_app("gamma")
    from gamma.models import GammaDoc, GammaLine

    def create(session):
        doc = GammaDoc(name="Contract")
        session.add(doc)
        session.flush()
        line = GammaLine(doc_id=doc.id, text="Clause 1")
        session.add(line)
        session.flush()
        return doc.id, line.id

    doc_id, line_id = atomic(app, create)
    doc_entry, line_entry = entries(app)
    assert (doc_entry.resource, doc_entry.record_id) == ("gamma.doc", doc_id)
    assert (line_entry.resource, line_entry.record_id) == ("gamma.line", line_id)
    assert line_entry.changes["doc_id"] == [None, doc_id]


def test_models_without_a_resource_are_not_logged(app):
    from core.models import Sequence

    atomic(app, lambda s: s.add(Sequence(code="x.doc", addon="x", name="Documents")))
    assert entries(app) == []


# --------------------------------------------------------------------------- the command


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    def invoke(app, *args):
        return app.test_cli_runner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    return invoke


@pytest.mark.spec("6.3.6")
def test_audit_verify_says_where_the_chain_breaks(app, item_class, run):
    for name in ("A", "B", "C"):
        create_item(app, item_class, name=name)
    ok = run(app, "audit", "verify")
    assert ok.exit_code == 0, ok.output
    assert "intact: 3 entries" in ok.output
    second = entries(app)[1].id
    with app.extensions["tessera.db"].engine.begin() as connection:
        connection.execute(
            text("UPDATE core_audit SET login = 'mallory' WHERE id = :id"), {"id": second}
        )
    broken = run(app, "audit", "verify")
    assert broken.exit_code == 1
    assert f"broken at entry {second}" in broken.output
    assert "edited" in broken.output


def test_audit_show_filters_by_event_user_and_time(app, item_class, run):
    with app.app_context():
        app.extensions["tessera.db"].atomic(
            lambda s: [
                record(s, "login", user_id=1, login="admin", ip="10.0.0.1"),
                record(s, "login_failed", login="mallory", ip="10.6.6.6"),
            ]
        )
    create_item(app, item_class)
    everything = json.loads(run(app, "audit", "show", "--json").output)
    assert [e["event"] for e in everything] == ["login", "login_failed", "create"]
    failed = json.loads(run(app, "audit", "show", "--event", "login_failed", "--json").output)
    assert [(e["login"], e["ip"]) for e in failed] == [("mallory", "10.6.6.6")]
    by_login = json.loads(run(app, "audit", "show", "--user", "admin", "--json").output)
    assert [e["event"] for e in by_login] == ["login"]
    by_id = json.loads(run(app, "audit", "show", "--user", "1", "--json").output)
    assert [e["event"] for e in by_id] == ["login"]
    assert json.loads(run(app, "audit", "show", "--since", "2h", "--json").output) == everything
    assert json.loads(run(app, "audit", "show", "--since", "2999-01-01", "--json").output) == []
    latest = json.loads(run(app, "audit", "show", "--limit", "1", "--json").output)
    assert [e["event"] for e in latest] == ["create"]
    lines = run(app, "audit", "show").output.splitlines()
    assert len(lines) == 3 and "10.6.6.6" in lines[1] and "alpha.item#" in lines[2]
    refused = run(app, "audit", "show", "--since", "yesterday")
    assert refused.exit_code == 2
