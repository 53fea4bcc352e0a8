"""Database: engine, one session per request, the declarative base, mixins, retries.

SQLite (the embedded default) runs in WAL mode with foreign keys on, and every
transaction that may write starts with ``BEGIN IMMEDIATE``: SQLAlchemy compiles ``FOR
UPDATE`` away on SQLite, so the write lock must be taken up front. GET and HEAD requests
read in deferred transactions instead, so readers never queue behind each other or a
writer; what such a request must write (keeping its login session alive, audit entries of
what it showed or exported) starts a transaction of its own (:func:`begin_write`, and the
audit log's writer). PostgreSQL runs READ COMMITTED with row locks; serialization failures
and deadlocks are retried by :meth:`Database.atomic`.
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    create_engine,
    event,
    exc,
    select,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# --------------------------------------------------------------------------- column types


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC on every engine."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a time-zone aware one is needed")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class ExactDecimal(TypeDecorator):
    """Exact decimals: NUMERIC(precision, scale) on PostgreSQL, scaled integers on SQLite.

    SQLite has no decimal type and would store NUMERIC as a float, so there the value
    is kept as an integer count of the smallest unit (cents for money). SUM, MIN, MAX
    and comparisons stay exact on both engines; multiply or divide in Python (or store
    the product, like a line subtotal) rather than in SQL.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.scale = scale
        self.quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.impl.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        number = number.quantize(self.quantum)
        if dialect.name == "sqlite":
            return int(number.scaleb(self.scale))
        return number

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self.quantum)
        return Decimal(value).quantize(self.quantum)


def enum_column(enum_class: type[enum.Enum], length: int = 16) -> Enum:
    """An enum stored as its members' short values in a VARCHAR, the same on every engine
    (no native enum type: adding a member needs no ALTER TYPE)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


Money = Annotated[Decimal, mapped_column(ExactDecimal(18, 2))]
Quantity = Annotated[Decimal, mapped_column(ExactDecimal(18, 4))]
Rate = Annotated[Decimal, mapped_column(ExactDecimal(12, 6))]
Code = Annotated[str, mapped_column(String(64))]
Name = Annotated[str, mapped_column(String(255))]
ShortText = Annotated[str, mapped_column(String(255))]
LongText = Annotated[str, mapped_column(Text)]


class Base(DeclarativeBase):
    """The one declarative base: every table of every addon lives in this metadata.

    Table names start with their owner (``core_``, ``partners_``); the contract test
    checks it. Cross-addon ORM references use table and class names as strings.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        Decimal: ExactDecimal(18, 2),
        str: String(255),
    }


# --------------------------------------------------------------------------- mixins


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)


class AuthorMixin:
    """Who created and last changed the record; filled from the acting user on flush."""

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), nullable=True)


class ActiveMixin:
    """Archivable records: archived ones are hidden from pickers and default lists."""

    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False, index=True)


class CompanyMixin:
    """Records owned by one company; defaults to the acting user's company on flush."""

    @declared_attr
    def company_id(cls) -> Mapped[int]:
        return mapped_column(
            ForeignKey("core_company.id", ondelete="RESTRICT"), nullable=False, index=True
        )


class VersionMixin:
    """Optimistic locking for documents: a stale write raises StaleDataError (HTTP 409)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


class RecordMixin(IdMixin, TimestampMixin, AuthorMixin):
    """What almost every business table carries: id, timestamps, authors."""


# --------------------------------------------------------------------------- context


def acting_user_id() -> int | None:
    """The user on whose behalf this request, job or command works (None: the system)."""
    return g.get("uid") if has_app_context() else None


def acting_company_id() -> int | None:
    return g.get("company_id") if has_app_context() else None


class TesseraSession(Session):
    """The session class; fills authors and companies on flush, runs after-commit hooks."""


@event.listens_for(TesseraSession, "before_flush")
def _stamp_records(session: Session, flush_context, instances) -> None:
    uid = acting_user_id()
    company = None
    for obj in session.new:
        if isinstance(obj, AuthorMixin):
            obj.created_by_id = obj.created_by_id or uid
            obj.updated_by_id = obj.updated_by_id or uid
        if isinstance(obj, CompanyMixin) and obj.company_id is None:
            company = company or default_company_id(session)
            obj.company_id = company
    for obj in session.dirty:
        if isinstance(obj, AuthorMixin) and uid is not None and session.is_modified(obj):
            obj.updated_by_id = uid


def default_company_id(session: Session) -> int | None:
    """The acting user's company, else the main (first) company; cached per session."""
    acting = acting_company_id()
    if acting is not None:
        return acting
    if "default_company_id" not in session.info:
        from core.models import Company

        session.info["default_company_id"] = session.scalar(select(Company.id).order_by(Company.id))
    return session.info["default_company_id"]


# --------------------------------------------------------------------------- GET requests
# On a SQLite file, the session of a GET or HEAD request begins DEFERRED (marked
# ``info[DEFERRED]``): it reads a snapshot without the write lock. A deferred transaction
# that has read and then writes must upgrade its lock, and fails (SQLITE_BUSY_SNAPSHOT,
# no waiting helps) when another connection committed since its snapshot; a write that is
# the first statement of its transaction waits for the lock like BEGIN IMMEDIATE.

DEFERRED = "tessera_deferred"
WROTE = "tessera_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD"})


class ReadRequestWrote(RuntimeError):
    """A GET request wrote through its deferred session after reading (tests only)."""


def is_deferred(session: Session) -> bool:
    """Whether ``session`` reads without the write lock and has not written yet."""
    return bool(session.info.get(DEFERRED)) and not session.info.get(WROTE)


def begin_write(session: Session) -> None:
    """Make the next statement of ``session`` the first of a new transaction, when it is a
    deferred (GET) session that has only read so far: its write then waits for the lock
    instead of failing on a stale snapshot. Elsewhere it does nothing."""
    if is_deferred(session):
        if session.in_transaction():
            session.commit()  # nothing is written: this ends the read snapshot
        session.info[WROTE] = True


def _wrote(session: Session) -> None:
    if not is_deferred(session):
        return
    if has_app_context() and current_app.testing:
        raise ReadRequestWrote(
            "a GET request wrote through its session after reading: call core.db.begin_write "
            "first, or make the change in a POST"
        )
    session.info[WROTE] = True


@event.listens_for(TesseraSession, "before_flush")
def _check_deferred_flush(session: Session, flush_context, instances) -> None:
    if not is_deferred(session):
        return
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        _wrote(session)


@event.listens_for(TesseraSession, "do_orm_execute")
def _check_deferred_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _wrote(state.session)


@event.listens_for(TesseraSession, "after_transaction_end")
def _back_to_reading(session: Session, transaction) -> None:
    if transaction.parent is None and session.info.get(DEFERRED):
        session.info.pop(WROTE, None)


def on_commit(session: Session, callback: Callable[[], Any]) -> None:
    """Run ``callback`` after the current transaction commits (never if it rolls back).

    Side effects that must not happen for a rolled-back action (sending a task, an
    e-mail, a webhook) go through here.
    """
    if not session.in_transaction():
        # Tie the callback to a transaction (its connection is taken lazily), so that a
        # rollback before any statement still discards it.
        session.begin()
    session.info.setdefault("after_commit", []).append(callback)


@event.listens_for(TesseraSession, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        callback()


@event.listens_for(TesseraSession, "after_soft_rollback")
def _drop_after_commit(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop("after_commit", None)


# --------------------------------------------------------------------------- engine


READ_ONLY = "tessera_read_only"


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = 15000) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000})
        _configure_sqlite(
            engine, busy_timeout_ms, in_memory=":memory:" in url or url.endswith("sqlite://")
        )
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, future=True)


def _on_disk(url: str) -> bool:
    return not (":memory:" in url or url.endswith("sqlite://") or "mode=memory" in url)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours (and DDL is
        # transactional): see SQLAlchemy's pysqlite "serializable isolation" notes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Writers take the lock up front; read-only work (READ_ONLY option) need not, and
        # in WAL mode it never waits for a writer.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_retryable(error: BaseException) -> bool:
    """Serialization failure or deadlock (PostgreSQL), or a busy database (SQLite)."""
    if not isinstance(error, exc.DBAPIError):
        return False
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate in {"40001", "40P01"}:
        return True
    text = str(original).lower()
    return "database is locked" in text or "database is busy" in text


class Database:
    """Engine and session factory of one app, kept in ``app.extensions["tessera.db"]``."""

    def __init__(
        self, url: str, *, echo: bool = False, busy_timeout_ms: int = 15000, retries: int = 4
    ) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, busy_timeout_ms=busy_timeout_ms)
        # GET requests read without the write lock on a SQLite file (not in memory: one
        # shared connection cannot hold two transactions).
        self.defers_reads = self.engine.dialect.name == "sqlite" and _on_disk(url)
        self.retries = retries
        self.sessionmaker = sessionmaker(
            bind=self.engine, class_=TesseraSession, expire_on_commit=False
        )
        self._bound = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def bind_connection(self, connection) -> None:
        """Serve every session from one outer transaction (tests roll it back)."""
        self._bound = connection
        self.sessionmaker = sessionmaker(
            bind=connection,
            class_=TesseraSession,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )

    def new_session(self) -> Session:
        return self.sessionmaker()

    def request_session(self) -> Session:
        """The session of the current request: deferred for GET and HEAD on a SQLite file."""
        if (
            self._bound is None
            and self.defers_reads
            and has_request_context()
            and request.method in SAFE_METHODS
        ):
            reader = self.engine.execution_options(**{READ_ONLY: True})
            deferred = TesseraSession(bind=reader, expire_on_commit=False)
            deferred.info[DEFERRED] = True
            return deferred
        return self.sessionmaker()

    def read_session(self) -> Session:
        """A session for reads only: on SQLite it does not take the write lock.

        Use it for lookups that may run while another transaction of this process
        writes (the registry generation, installed addons); never write through it.
        """
        if self._bound is not None:
            return self.sessionmaker()
        reader = self.engine.execution_options(**{READ_ONLY: True})
        return TesseraSession(bind=reader, expire_on_commit=False)

    def atomic(self, action: Callable[[Session], T], *, retries: int | None = None) -> T:
        """Run one business action in its own transaction, retrying transient conflicts.

        ``action`` receives a fresh session and must not commit; this commits once. On
        a serialization failure or deadlock the whole action runs again (its side
        effects registered with :func:`on_commit` only happen after the final commit).
        """
        attempts = (self.retries if retries is None else retries) or 1
        for attempt in range(1, attempts + 1):
            session = self.new_session()
            try:
                result = action(session)
                session.commit()
                return result
            except exc.DBAPIError as error:
                session.rollback()
                if attempt == attempts or not is_retryable(error):
                    raise
                time.sleep(0.02 * attempt + random.random() * 0.05)  # noqa: S311 - jitter only  # nosec B311
            finally:
                session.close()
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask) -> Database:
    database = Database(
        app.config["DATABASE_URL"],
        echo=app.config.get("DATABASE_ECHO", False),
        busy_timeout_ms=app.config.get("SQLITE_BUSY_TIMEOUT_MS", 15000),
        retries=app.config.get("TRANSACTION_RETRIES", 4),
    )
    app.extensions["tessera.db"] = database
    app.teardown_appcontext(_close_session)
    return database


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["tessera.db"]


def session() -> Session:
    """The session of the current request, job or command (created on first use)."""
    if "db_session" not in g:
        g.db_session = get_database().request_session()
    return g.db_session


def _close_session(error: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        if error is not None:
            db_session.rollback()
        db_session.close()


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit the request session once at the end of the block, roll back on error."""
    db_session = session()
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise
