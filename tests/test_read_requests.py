"""GET requests on a SQLite file read without the write lock: many readers and a writer at
once, none waiting for another. What a GET must write (its audit entries, keeping the login
session alive) gets a transaction of its own, and a GET that writes through its session by
mistake is caught in tests."""

import sqlite3
import threading
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select, update

from core import db
from core.security.audit import verify
from core.security.models import AuditEntry, UserSession
from core.testing import log_in
from tests.conftest import DELTA_PASSWORD

pytestmark = pytest.mark.spec("4.1.2")
EN = {"Accept-Language": "en"}


def sqlite_path(app) -> str:
    return app.extensions["tessera.db"].engine.url.database


@pytest.fixture
def reading_app(delta_app, request):
    app, ids = delta_app
    if app.extensions["tessera.db"].dialect != "sqlite":
        pytest.skip("deferred reads are SQLite's concern; PostgreSQL readers never wait")
    return app, ids


def client_for(app, login):
    client = app.test_client()
    client.csrf_token = log_in(client, login, DELTA_PASSWORD)
    return client


def test_get_sessions_defer_and_post_sessions_take_the_lock(reading_app):
    app, _ids = reading_app
    with app.test_request_context("/delta/task/", method="GET"):
        assert db.session().info.get(db.DEFERRED) is True
    with app.test_request_context("/delta/task/new", method="POST"):
        assert not db.session().info.get(db.DEFERRED)
    with app.app_context():  # jobs and commands write as before
        assert not db.session().info.get(db.DEFERRED)
        g.pop("db_session").close()


def test_readers_do_not_wait_for_a_writer(reading_app):
    """Another process holds the write lock; lists, forms and the API still answer."""
    app, ids = reading_app
    carol = client_for(app, "carol")
    writer = sqlite3.connect(sqlite_path(app), timeout=0.1, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE delta_task SET name = 'held' WHERE id = ?", (ids["t3"],))
    try:
        app.extensions["tessera.db"].engine.dispose()
        answers = {}

        def read(name, url):
            answers[name] = carol.get(url, headers=EN).status_code

        threads = [
            threading.Thread(target=read, args=(n, u))
            for n, u in (("list", "/delta/task/"), ("form", f"/delta/task/{ids['t1']}"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert answers == {"list": 200, "form": 200}
        # The uncommitted change is not seen: each reader has its own snapshot.
        assert "held" not in carol.get("/delta/task/", headers=EN).get_data(as_text=True)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_audit_entries_of_a_get_are_written_and_chained(reading_app):
    app, _ids = reading_app
    carol = client_for(app, "carol")
    response = carol.get("/delta/task/export?format=csv", headers=EN)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    with app.app_context():
        session = db.get_database().new_session()
        exports = session.scalars(select(AuditEntry).where(AuditEntry.event == "export")).all()
        assert exports and exports[-1].resource == "delta.task"
        assert verify(session).ok
        session.close()


def test_keeping_a_session_alive_from_a_get_writes_in_its_own_transaction(reading_app):
    app, _ids = reading_app
    carol = client_for(app, "carol")
    with app.app_context():
        session = db.get_database().new_session()
        long_ago = db.utcnow() - timedelta(minutes=5)
        session.execute(update(UserSession).values(last_seen_at=long_ago))
        session.commit()
        assert carol.get("/delta/task/", headers=EN).status_code == 200
        seen = session.scalars(select(UserSession.last_seen_at)).all()
        assert all(at > long_ago for at in seen)
        session.close()


def test_a_get_that_writes_after_reading_is_caught_in_tests(reading_app):
    from delta.models import DeltaTask

    app, ids = reading_app
    with app.test_request_context("/delta/task/", method="GET"):
        session = db.session()
        task = session.get(DeltaTask, ids["t1"])
        task.name = "changed by a GET"
        with pytest.raises(db.ReadRequestWrote):
            session.flush()
        session.rollback()
        # begin_write first: the change starts a transaction of its own and is kept.
        db.begin_write(session)
        session.get(DeltaTask, ids["t1"]).name = "changed properly"
        session.commit()
        assert session.get(DeltaTask, ids["t1"]).name == "changed properly"
