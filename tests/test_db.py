"""The storage layer on both engines: exact decimals, UTC times, versions, retries, locks."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from core.db import Base, ExactDecimal, UTCDateTime, is_retryable

pytestmark = [pytest.mark.spec("4.2.1"), pytest.mark.addons()]

scratch = MetaData()
ledger = Table(
    "scratch_ledger",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("amount", ExactDecimal(18, 2)),
    Column("at", UTCDateTime()),
    Column("version", Integer, nullable=False, default=1),
)


class ScratchDoc(Base):
    """A versioned document, mapped onto the scratch table for these tests only."""

    __table__ = ledger
    __mapper_args__ = {"version_id_col": ledger.c.version}


@pytest.fixture
def app(make_app):
    """A private database: these tests use several connections and real commits."""
    return make_app(())


@pytest.fixture
def database(app):
    database = app.extensions["tessera.db"]
    with database.new_session() as session:
        scratch.create_all(session.connection())
        session.commit()
    return database


def test_decimals_are_exact_and_sum_exactly(database):
    with database.new_session() as session:
        for _ in range(10):
            session.execute(ledger.insert().values(amount=Decimal("0.10")))
        total = session.scalar(select(func.sum(ledger.c.amount)))
        smallest = session.scalar(select(func.min(ledger.c.amount)))
        bigger = session.scalar(select(func.count()).where(ledger.c.amount > Decimal("0.05")))
    assert total == Decimal("1.00")
    assert isinstance(total, Decimal)
    assert smallest == Decimal("0.10")
    assert bigger == 10


def test_large_amounts_keep_every_digit(database):
    value = Decimal("9999999999999999.99")
    with database.new_session() as session:
        session.execute(ledger.insert().values(amount=value))
        assert session.scalar(select(ledger.c.amount)) == value


def test_times_are_stored_in_utc_and_come_back_aware(database):
    beijing = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 25, 9, 30, tzinfo=beijing)
    with database.new_session() as session:
        session.execute(ledger.insert().values(at=moment))
        stored = session.scalar(select(ledger.c.at))
        raw = session.execute(text("SELECT at FROM scratch_ledger")).scalar()
    assert stored == moment
    assert stored.tzinfo is UTC
    assert str(raw).startswith("2026-11-25 01:30")


def test_naive_times_are_refused(database):
    with database.new_session() as session, pytest.raises(Exception, match="naive datetime"):
        session.execute(ledger.insert().values(at=datetime(2026, 1, 1)))


def test_stale_write_of_a_document_is_refused(database):
    with database.new_session() as session:
        doc = ScratchDoc(amount=Decimal("1.00"))
        session.add(doc)
        session.flush()
        doc_id = doc.id
        session.commit()
    # B reads the document (its request ends), A saves a change, then B saves its own.
    theirs_session = database.new_session()
    try:
        theirs = theirs_session.get(ScratchDoc, doc_id)
        theirs_session.commit()
        with database.new_session() as first:
            first.get(ScratchDoc, doc_id).amount = Decimal("2.00")
            first.commit()
        theirs.amount = Decimal("3.00")
        with pytest.raises(StaleDataError):
            theirs_session.commit()
    finally:
        theirs_session.close()
    with database.new_session() as session:
        assert session.get(ScratchDoc, doc_id).amount == Decimal("2.00")


def test_atomic_retries_transient_conflicts_then_commits_once(database):
    attempts = []

    def action(session):
        attempts.append(1)
        session.execute(ledger.insert().values(amount=Decimal("5.00")))
        if len(attempts) < 3:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return "done"

    assert database.atomic(action) == "done"
    assert len(attempts) == 3
    with database.new_session() as session:
        assert session.scalar(select(func.count()).select_from(ledger)) == 1


def test_atomic_does_not_retry_real_errors_and_changes_nothing(database):
    def action(session):
        session.execute(ledger.insert().values(amount=Decimal("5.00")))
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        database.atomic(action)
    with database.new_session() as session:
        assert session.scalar(select(func.count()).select_from(ledger)) == 0


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database is locked", True),
        ("no such table: x", False),
    ],
)
def test_retryable_errors(message, expected):
    assert is_retryable(OperationalError("SELECT", {}, Exception(message))) is expected


def test_engine_is_configured_for_integrity_and_concurrency(app, db_engine):
    with app.extensions["tessera.db"].engine.connect() as connection:
        if db_engine.engine == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        else:
            isolation = connection.exec_driver_sql("SHOW transaction_isolation").scalar()
            assert isolation == "read committed"


def test_core_migrations_reach_core_models(app):
    from core.migrations import model_diff

    with app.extensions["tessera.db"].engine.connect() as connection:
        assert model_diff(connection, Base.metadata, "core") == []


def test_core_upgrades_an_existing_database(make_app, db_engine):
    """A database made at the first core revision upgrades with users already in it."""
    from alembic import command

    from core import migrations
    from core.setup import upgrade_core

    app = make_app((), initialised=False)
    database = app.extensions["tessera.db"]
    with database.engine.begin() as connection:
        command.upgrade(migrations.alembic_config([], connection), "c0a1")
        connection.execute(
            text(
                "INSERT INTO core_user (login, name, is_superuser, active, created_at, updated_at)"
                " VALUES ('old', 'Old user', false, true, '2026-01-01', '2026-01-01')"
            )
        )
    with app.app_context():
        upgrade_core(app)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT totp_enabled FROM core_user")).scalar() in (0, False)
