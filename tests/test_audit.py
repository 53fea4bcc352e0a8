"""The audit log's hash chain: complete, ordered, and any edit, removal or cut is found."""

import threading

import pytest
from sqlalchemy import func, select, text

from core.security.audit import GENESIS, record, verify
from core.security.models import AuditEntry

pytestmark = [pytest.mark.spec("6.3.5", "6.3.6"), pytest.mark.addons()]


@pytest.fixture
def app(make_app):
    return make_app(())


def write(app, *events, **fields):
    database = app.extensions["tessera.db"]
    with app.app_context():
        database.atomic(lambda s: [record(s, e, **fields) for e in events])


def chain(app):
    with app.app_context(), app.extensions["tessera.db"].new_session() as session:
        return verify(session)


def execute(app, sql):
    with app.extensions["tessera.db"].engine.begin() as connection:
        connection.execute(text(sql))


def test_entries_are_chained_in_order(app):
    write(app, "login", login="admin")
    write(app, "update", resource="partners.partner", record_id=7, changes={"name": ["Old", "New"]})
    report = chain(app)
    assert report.ok and report.entries == 2
    with app.extensions["tessera.db"].new_session() as session:
        first, second = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert second.changes == {"name": ["Old", "New"]}


def test_rolled_back_work_leaves_no_entry(app):
    database = app.extensions["tessera.db"]

    def fail(session):
        record(session, "delete", resource="x", record_id=1)
        raise ValueError("refused")

    with app.app_context(), pytest.raises(ValueError):
        database.atomic(fail)
    with database.new_session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def entry_ids(app) -> list[int]:
    # ids are not assumed to start at 1: a rolled-back insert may have used some up
    with app.extensions["tessera.db"].new_session() as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    ("tamper", "position"),
    [
        ("UPDATE core_audit SET login = 'mallory' WHERE id = {id}", 1),
        ("UPDATE core_audit SET changes = NULL WHERE id = {id}", 1),
        ("DELETE FROM core_audit WHERE id = {id}", 1),
        ("DELETE FROM core_audit WHERE id = {id}", 0),
    ],
)
def test_edits_removals_and_cuts_are_found(app, tamper, position):
    for name in ("login", "logout", "login"):
        write(app, name, login="admin", changes={"n": 1})
    assert chain(app).ok
    ids = entry_ids(app)
    execute(app, tamper.format(id=ids[position]))
    report = chain(app)
    assert not report.ok
    assert report.broken_at in ids


def test_swapped_entries_are_found(app):
    write(app, "login", login="a")
    write(app, "logout", login="b")
    first = entry_ids(app)[0]
    execute(app, f"UPDATE core_audit SET id = {first + 1000} WHERE id = {first}")
    assert not chain(app).ok


def test_concurrent_writers_do_not_fork_the_chain(app):
    def writer(n):
        for _ in range(5):
            write(app, "update", resource="t", record_id=n)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = chain(app)
    assert report.ok, report
    assert report.entries == 20


def test_national_profile_chains_with_sm3(make_app):
    app = make_app((), CRYPTO_PROFILE="gm")
    write(app, "login", login="admin")
    with app.extensions["tessera.db"].new_session() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert entry.algorithm == "sm3"
    assert chain(app).ok


def test_unknown_events_are_refused(app):
    with app.app_context(), pytest.raises(ValueError, match="unknown audit event"):
        app.extensions["tessera.db"].atomic(lambda s: record(s, "lunch"))
